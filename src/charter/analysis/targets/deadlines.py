"""TGT005: a target whose date has passed while the latest snapshot says it is unmet. It needs the
snapshots, so `charter targets` reports it (`--fail-on` makes it a gate), not `charter check`,
which reads the strategy files alone."""

from __future__ import annotations

from datetime import datetime

from charter.analysis.targets.evaluate import Evaluation, TargetState, deadline
from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.organization import Target

CODES = Codes(
    Rule(
        "TGT005",
        "Target date passed, target unmet",
        Severity.ERROR,
        rationale=(
            "A target past its date and still unmet is a missed commitment: it needs a decision, not silence in the "
            "strategy document."
        ),
        fix="Fund the work that moves it, or record a decision and set a new `by` date or value.",
        example="""\
# charter.yaml, with the latest snapshot's p50 lead time at 3d
spec:
  goals:
    - id: faster
      targets:
        - {metric: delivery.lead_time_for_changes.p50, op: '<=', value: 1d, by: 2026-06-30}
""",
    ),
)


def deadline_diagnostic(
    goal: str, target: Target, unit: str, evaluation: Evaluation, as_of: datetime, where: Location | None
) -> Diagnostic | None:
    """TGT005 when the target's date has passed and the current value does not meet it."""
    if target.by is None or evaluation.current is None or evaluation.status is not TargetState.OFF_TRACK:
        return None
    if as_of < deadline(target.by):
        return None
    return CODES.diagnostic(
        "TGT005",
        f"goal {goal!r}: {target.metric} {target.op} {target.value} was due {target.by.isoformat()}; "
        f"the latest snapshot has {evaluation.current:g} ({unit})",
        where,
        entity=f"goal:{goal}",
    )
