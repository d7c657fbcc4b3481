"""Why a delivery period has no deployment DORA counts, in the words of its cause, and what to try:
nothing is stored at all (import records, map release tags, or sync the tags already mapped), the
period misses them (the latest was before it: try `--since`; the next after it: try `--until`), or
the period's deployments are not successful deployments to production."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from charter.analysis.component_sources import component_sources
from charter.analysis.delivery.production import is_production
from charter.model.delivery import Deployment, DeploymentStatus
from charter.services.context import Context
from charter.store.deployments import deployment_environments, nearest_successful

# A period that ends within this of now reads as "the last N days".
_NOW = timedelta(days=1)


def no_deployments_advice(
    context: Context, connection: Connection, since: datetime, until: datetime, deployments: Sequence[Deployment]
) -> str:
    """What a report whose period [since, until) has no counted deployment says instead of numbers.
    `deployments` are those read around the period (every environment and status)."""
    patterns = tuple(context.policies.production_environments)
    in_period = [deployment for deployment in deployments if since <= deployment.finished < until]
    period = _period_text(context, since, until)
    if in_period:
        return _none_counted(in_period, patterns, period)
    environments = deployment_environments(connection)
    if not environments:
        return _nothing_stored(context)
    production = [environment for environment in environments if is_production(environment, patterns)]
    if not production:
        return (
            f"no deployment to production {period}: the stored deployments went to {', '.join(environments)}, "
            f"and `policies.productionEnvironments` ({', '.join(patterns)}) matches none of them"
        )
    latest, earliest = nearest_successful(connection, production, before=since, from_=until)
    hints = []
    if latest is not None:
        hints.append(f"the latest was {latest.date()}; try `--since {latest.date()}`")
    if earliest is not None:
        hints.append(f"the next was {earliest.date()}; try `--until {earliest.date()}`")
    found = f" ({'; '.join(hints)})" if hints else " (none has succeeded yet)"
    return f"no deployments {period}{found}"


def _period_text(context: Context, since: datetime, until: datetime) -> str:
    if abs(context.clock() - until) <= _NOW:
        return f"in the last {round((until - since) / timedelta(days=1))} days"
    last_day = (until - timedelta(microseconds=1)).date()
    return f"from {since.date()} to {last_day}"


def _none_counted(in_period: Sequence[Deployment], patterns: Sequence[str], period: str) -> str:
    """The period has deployments, but none successful to production: say where they went."""
    where = Counter((deployment.environment, deployment.status is DeploymentStatus.SUCCESS) for deployment in in_period)
    parts = [
        f"{count} {'successful' if successful else 'unsuccessful'} to {environment}"
        for (environment, successful), count in sorted(where.items())
    ]
    return (
        f"no successful deployment to production {period}: {', '.join(parts)} "
        f"(production is what `policies.productionEnvironments` matches: {', '.join(patterns)})"
    )


def _nothing_stored(context: Context) -> str:
    sources, _ = component_sources(context.estate)
    tagged = [source.component for source in sources if source.release_tags is not None]
    if tagged:
        return (
            f"no deployments stored, though {len(tagged)} components map release tags (`charter.dev/release-tags`): "
            "run `charter sync` to turn their tags into deployments (a pattern that matches no tag is GIT005)"
        )
    return (
        "no deployments. Import records (`charter import deployments`) or map release tags "
        "(`charter.dev/release-tags`) and run `charter sync`."
    )
