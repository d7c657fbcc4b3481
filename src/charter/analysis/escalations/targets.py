"""ESC008: a target off track (`charter targets`' evaluation against the snapshots) whose goal no
funded initiative moves: none of the initiatives naming the goal is committed or in progress. A
target with no data is never off track."""

from __future__ import annotations

from collections.abc import Iterator

from charter.analysis.escalations.codes import CODES
from charter.analysis.escalations.escalation import Escalation, EscalationFacts, Evidence
from charter.analysis.escalations.funding import owner_of_entity, owner_of_text
from charter.analysis.targets.evaluate import TargetState
from charter.analysis.targets.funding import TargetStatus
from charter.model.estate import Estate


def targets_off_track_unfunded(estate: Estate, facts: EscalationFacts) -> Iterator[Escalation]:
    """ESC008: one per off-track target of a goal no funded initiative names."""
    rule = CODES["ESC008"]
    for status in facts.targets or ():
        if status.status is not TargetState.OFF_TRACK or status.funded:
            continue
        target = status.target
        subject = f"goal:{status.goal} target:{target.metric}{_scope(status)}"
        evaluation = status.evaluation
        written = f"{target.metric} {target.op} {_value(target.value)}"
        evidence = [
            Evidence(
                "target",
                written + (f" by {target.by.isoformat()}" if target.by else ""),
                f"{evaluation.reason}; {len(evaluation.trend)} snapshots",
            ),
            *(
                Evidence("initiative", item.initiative, f"names the goal, {item.status}, not funded")
                for item in status.funding
            ),
        ]
        yield Escalation(
            rule.code,
            rule.severity,
            subject,
            f"target {written} of goal {status.goal} is off track "
            f"({evaluation.reason}) and no committed or in-progress initiative names the goal",
            _owner(estate, status),
            tuple(evidence),
            f"Fund the goal: commit an initiative whose `goals` name {status.goal}, or change the target and say "
            "why in a decision record.",
            f"goal:{status.goal}",
            status.location,
        )


def _value(value: str | float) -> str:
    """The value as written: `1`, not `1.0` (YAML reads `1` as a number), `1d` and `99.9%` as they are."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _scope(status: TargetStatus) -> str:
    written = status.target.scope.model_dump(exclude_none=True)
    return " {" + ", ".join(f"{key}: {value}" for key, value in sorted(written.items())) + "}" if written else ""


def _owner(estate: Estate, status: TargetStatus) -> str | None:
    """The Group a scoped target belongs to (its team, or the owner of its system or component); for
    an organisation-wide target (or a scope without an owner), the goal's `owner`."""
    scope = status.target.scope
    if scope.team:
        found = owner_of_text(estate, scope.team)
    elif text := scope.component or scope.system:
        ref = estate.resolve(text, default_kind="component" if scope.component else "system")
        found = owner_of_entity(estate, ref) if ref is not None else None
    else:
        found = None
    return found or owner_of_text(estate, _goal_owner(estate, status.goal))


def _goal_owner(estate: Estate, goal_id: str) -> str | None:
    organization = estate.organization
    goals = organization.spec.goals if organization is not None else []
    return next((goal.owner for goal in goals if goal.id == goal_id), None)
