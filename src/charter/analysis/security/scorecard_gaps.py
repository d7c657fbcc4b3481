"""OpenSSF Scorecard checks below `policies.scorecardMinimum`, as gaps of the components built from
the repository. Each check is an access-control gap (who can change the code and the pipeline) or a
supply-chain gap (what goes into the build and the release); the split follows Scorecard's own
check documentation (docs/checks.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from charter.model.security_facts import ScorecardCheck

# Checks about who can change code, workflows and releases. Every other check (Pinned-Dependencies,
# Signed-Releases, SAST, Binary-Artifacts, Dependency-Update-Tool, Fuzzing, Vulnerabilities, ...) is
# about the supply chain.
ACCESS_CONTROL_CHECKS = frozenset(
    {"branch-protection", "code-review", "token-permissions", "dangerous-workflow", "webhooks"}
)


class GapKind(StrEnum):
    ACCESS_CONTROL = "access-control"
    SUPPLY_CHAIN = "supply-chain"


def gap_kind(check: str) -> GapKind:
    return GapKind.ACCESS_CONTROL if check.lower() in ACCESS_CONTROL_CHECKS else GapKind.SUPPLY_CHAIN


@dataclass(frozen=True, slots=True)
class ScorecardGap:
    """One check of one repository below the policy's minimum, and the components it holds."""

    check: ScorecardCheck
    minimum: float
    kind: GapKind
    components: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScorecardGaps:
    gaps: tuple[ScorecardGap, ...]
    unmapped_repositories: tuple[str, ...]  # repositories with a result and no component


def scorecard_gaps(
    checks: Iterable[ScorecardCheck],
    minimums: Mapping[str, float],
    components_of_repository: Mapping[str, Sequence[str]],
) -> ScorecardGaps:
    """Checks scored below their minimum (check names match case-insensitively). An inconclusive
    check (no score) is no gap: Scorecard could not tell. `components_of_repository` maps a
    repository name (the last segment, as `charter.dev/repo` gives it) to component keys."""
    wanted = {name.lower(): minimum for name, minimum in minimums.items()}
    gaps: list[ScorecardGap] = []
    unmapped: set[str] = set()
    for check in checks:
        components = tuple(sorted(components_of_repository.get(check.repository_name, ())))
        if not components:
            unmapped.add(check.repository)
        minimum = wanted.get(check.check.lower())
        if minimum is None or check.score is None or check.score >= minimum:
            continue
        gaps.append(ScorecardGap(check, minimum, gap_kind(check.check), components))
    gaps.sort(key=lambda gap: (gap.kind != GapKind.ACCESS_CONTROL, gap.check.repository, gap.check.check))
    return ScorecardGaps(tuple(gaps), tuple(sorted(unmapped)))
