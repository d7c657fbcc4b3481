"""The JSON API under /api/v1: each report is the view model the command line's `--format json`
prints, made by the same service; lists are paginated; `team`, `system` and `tier` narrow any report
to part of the organisation and `as_of` shows a day. Every route needs a token of the role it names."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from charter.model.access import Role
from charter.outputs.views.assess import AssessReport
from charter.outputs.views.base import IsoDateTime, View
from charter.outputs.views.components import ComponentList
from charter.outputs.views.controls import ControlsReport
from charter.outputs.views.delivery import DeliveryReport
from charter.outputs.views.escalations import EscalationsReport
from charter.outputs.views.incidents import IncidentsReport
from charter.outputs.views.overview import Acknowledged, OverviewReport
from charter.outputs.views.plan import PlanReport
from charter.outputs.views.risks import RiskRegisterReport
from charter.outputs.views.scorecard import ScorecardReport
from charter.outputs.views.security import SecurityReport
from charter.outputs.views.slo_status import SloStatusReport
from charter.outputs.views.targets import TargetsReport
from charter.outputs.views.tokens import AuditLog, CreatedTokenView, TokenList, TokenView
from charter.services import dashboard, tokens
from charter.services.context import utc_now
from charter.web.auth import Admin, Editor, Viewer, authenticator_of
from charter.web.deps import Contexts, Filters, Pagination, ScopedContext, ServerContext

router = APIRouter(prefix="/api/v1")
UNAUTHORISED: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token"},
    403: {"description": "The token's role is below the need"},
}


class DeliveryBy(StrEnum):
    component = "component"
    team = "team"
    system = "system"
    org = "org"


class IncidentsBy(StrEnum):
    service = "service"
    team = "team"
    severity = "severity"
    org = "org"


class SecurityBy(StrEnum):
    component = "component"
    team = "team"
    org = "org"


class WhoAmI(View):
    name: str
    role: Role
    expires: IsoDateTime | None


class TokenRequest(View):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: Role
    expires: Annotated[str, Field(pattern=r"^(never|[1-9][0-9]{0,4}[hdw])$")] = "90d"


def _json(view: BaseModel, status_code: int = 200) -> Response:
    """A view as the JSON its model declares (camelCase), serialised once, without validating it
    again on the way out: the service made it from the model."""
    return Response(view.model_dump_json(by_alias=True), status_code=status_code, media_type="application/json")


def _report(context: ScopedContext, query: Filters, name: str) -> Response:
    page_reports = {report: builder for page in dashboard.PAGES for report, builder in page.reports}
    return _json(page_reports[name](context, query))


@router.get("/whoami", response_model=WhoAmI, responses=UNAUTHORISED, tags=["access"])
def whoami(identity: Viewer) -> Response:
    """The token the request was made with: its name, role and expiry."""
    return _json(WhoAmI(name=identity.name, role=identity.role, expires=identity.expires))


@router.get("/overview", response_model=OverviewReport, responses=UNAUTHORISED, tags=["reports"])
async def overview(_: Viewer, context: ScopedContext, query: Filters, contexts: Contexts) -> Response:
    """What the scope holds and the metrics the snapshot in force on `as_of` recorded for it."""
    # The dashboard's most asked: answered on the event loop when made before from this snapshot.
    entry = dashboard.cached_overview(context, query, contexts.overviews)
    if entry is None:
        entry = await run_in_threadpool(dashboard.overview_entry, context, query, contexts.overviews)
    body = entry.renderings.get("json")
    if not isinstance(body, bytes):  # kept as bytes: the fast lane (web/fast_lane.py) sends them as they are
        body = entry.renderings["json"] = entry.report.model_dump_json(by_alias=True).encode("utf-8")
    return Response(body, media_type="application/json")


@router.get("/delivery", response_model=DeliveryReport, responses=UNAUTHORISED, tags=["reports"])
def delivery(_: Viewer, context: ScopedContext, query: Filters, by: DeliveryBy = DeliveryBy.team) -> Response:
    """DORA's five metrics, as `charter delivery --format json`."""
    return _json(dashboard.delivery(context, query, by.value))


@router.get("/slo-status", response_model=SloStatusReport, responses=UNAUTHORISED, tags=["reports"])
def slo_status(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """Error budgets, as `charter slo status --format json`."""
    return _report(context, query, "slo-status")


@router.get("/incidents", response_model=IncidentsReport, responses=UNAUTHORISED, tags=["reports"])
def incidents(_: Viewer, context: ScopedContext, query: Filters, by: IncidentsBy = IncidentsBy.service) -> Response:
    """Incidents, MTTA and MTTR, as `charter incidents --format json`."""
    return _json(dashboard.incidents(context, query, by.value))


@router.get("/security", response_model=SecurityReport, responses=UNAUTHORISED, tags=["reports"])
def security(_: Viewer, context: ScopedContext, query: Filters, by: SecurityBy = SecurityBy.component) -> Response:
    """Security posture, as `charter security --format json`."""
    return _json(dashboard.security(context, query, by.value))


@router.get("/controls", response_model=ControlsReport, responses=UNAUTHORISED, tags=["reports"])
def controls(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """Control coverage, as `charter controls --format json`."""
    return _report(context, query, "controls")


@router.get("/risks", response_model=RiskRegisterReport, responses=UNAUTHORISED, tags=["reports"])
def risks(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """The risk register, as `charter risks --format json`."""
    return _report(context, query, "risks")


@router.get("/scorecard", response_model=ScorecardReport, responses=UNAUTHORISED, tags=["reports"])
def scorecard(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """Standards by component, as `charter scorecard --format json`."""
    return _report(context, query, "scorecard")


@router.get("/plan", response_model=PlanReport, responses=UNAUTHORISED, tags=["reports"])
def plan(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """The roadmap and its tradeoffs, as `charter plan --format json`."""
    return _report(context, query, "plan")


@router.get("/escalations", response_model=EscalationsReport, responses=UNAUTHORISED, tags=["reports"])
def escalations(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """Escalations by owner against the ledger, as `charter escalations --format json --dry-run`."""
    return _report(context, query, "escalations")


class AcknowledgeRequest(View):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


@router.post(
    "/escalations/{escalation}/acknowledge",
    response_model=Acknowledged,
    responses=UNAUTHORISED,
    tags=["escalations"],
)
def acknowledge(
    identity: Editor,
    context: ServerContext,
    escalation: Annotated[str, Path(min_length=1, max_length=64)],
    body: AcknowledgeRequest,
) -> Response:
    """Acknowledge an open escalation (editor): recorded in the ledger, by the token's name, and
    in the audit log."""
    return _json(dashboard.acknowledge(context, escalation, body.reason, identity.name))


@router.get("/assessment", response_model=AssessReport, responses=UNAUTHORISED, tags=["reports"])
def assessment(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """The engineering assessment by team, as `charter assess --format json`."""
    return _report(context, query, "assessment")


@router.get("/targets", response_model=TargetsReport, responses=UNAUTHORISED, tags=["reports"])
def targets(_: Viewer, context: ScopedContext, query: Filters) -> Response:
    """Goals' targets against the measured metrics, as `charter targets --format json`."""
    return _report(context, query, "targets")


@router.get("/components", response_model=ComponentList, responses=UNAUTHORISED, tags=["lists"])
def components(_: Viewer, context: ServerContext, query: Filters, page: Pagination) -> Response:
    """The components in scope, a page at a time."""
    return _json(dashboard.component_list(context, query.scope, page.offset, page.limit))


@router.get("/tokens", response_model=TokenList, responses=UNAUTHORISED, tags=["access"])
def list_tokens(
    _: Admin,
    context: ServerContext,
    page: Pagination,
    include_revoked: Annotated[bool, Query(description="Include revoked tokens.")] = False,
) -> Response:
    """The tokens (never the tokens themselves), a page at a time."""
    return _json(tokens.token_list_report(context.required_store(), include_revoked, page.offset, page.limit))


@router.post("/tokens", response_model=CreatedTokenView, status_code=201, responses=UNAUTHORISED, tags=["access"])
def create_token(identity: Admin, context: ServerContext, body: TokenRequest) -> Response:
    """Create a token; the answer holds it, this once."""
    expiry = tokens.parse_expiry(body.expires, utc_now())
    created = tokens.create_token(context.required_store(), body.name, body.role, expiry, actor=identity.name)
    return _json(tokens.created_token_view(created), 201)


@router.delete("/tokens/{token_id}", response_model=TokenView, responses=UNAUTHORISED, tags=["access"])
def revoke_token(
    request: Request,
    identity: Admin,
    context: ServerContext,
    token_id: Annotated[int, Path(ge=1, le=2_147_483_647)],
) -> Response:
    """Revoke a token: requests and sessions made with it are refused from now on (by this server
    at once; by other workers within their token cache's few seconds)."""
    revoked = tokens.revoke_token(context.required_store(), str(token_id), actor=identity.name)
    authenticator_of(request).forget(revoked.id)
    return _json(tokens.token_view(revoked, utc_now()))


@router.get("/audit-log", response_model=AuditLog, responses=UNAUTHORISED, tags=["access"])
def audit_log(_: Admin, context: ServerContext, page: Pagination) -> Response:
    """Writes and token use, newest first, a page at a time."""
    return _json(tokens.audit_log_report(context.required_store(), page.offset, page.limit))
