"""Control coverage per compliance obligation: every requirement with its implementation status
(or `missing` when the obligation's OSCAL profile requires it and no ControlSet states it), gaps,
evidence that is missing (a repo path that does not exist) or stale (review date passed), and the
risks each control mitigates. Pure: the OSCAL lists and a path test are passed in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from charter.analysis.security.oscal_profiles import OscalRequirements, control_key
from charter.model.estate import Estate
from charter.model.kinds import ControlSet, Requirement
from charter.model.refs import EntityRef

STATUSES = ("implemented", "partial", "planned", "not-applicable", "missing")
GAP_STATUSES = frozenset({"planned", "missing"})
NIST_PREFIX = "nist-800-53-"  # obligations whose requirement list is a NIST baseline profile


@dataclass(frozen=True, slots=True)
class RequirementView:
    """One requirement of an obligation as `charter controls` shows it."""

    id: str
    title: str
    status: str  # one of STATUSES
    control_set: str | None  # None when missing: no ControlSet states it
    index: int | None = None  # position in the ControlSet's `requirements`
    owner: str | None = None
    reason: str | None = None
    review_by: date | None = None
    stale: bool = False
    evidence: tuple[str, ...] = ()
    evidence_missing: tuple[str, ...] = ()  # repo paths that do not exist
    evidence_urls: tuple[str, ...] = ()  # shown, never fetched
    mitigates: tuple[str, ...] = ()
    in_profile: bool | None = None  # None when the obligation has no OSCAL source

    @property
    def is_gap(self) -> bool:
        return self.status in GAP_STATUSES


@dataclass(frozen=True, slots=True)
class ObligationCoverage:
    obligation: str
    required: bool  # listed in charter.yaml's `spec.compliance`
    control_sets: tuple[str, ...]
    source: str  # what the requirement list comes from
    requirements: tuple[RequirementView, ...]

    @property
    def required_requirements(self) -> tuple[RequirementView, ...]:
        """What the obligation requires: with an OSCAL source, the profile's controls only."""
        return tuple(item for item in self.requirements if item.in_profile is not False)

    @property
    def beyond_profile(self) -> tuple[RequirementView, ...]:
        """Requirements the ControlSet states that its OSCAL profile does not require."""
        return tuple(item for item in self.requirements if item.in_profile is False)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(item.status for item in self.required_requirements)
        return {status: found.get(status, 0) for status in STATUSES}

    @property
    def applicable(self) -> int:
        return sum(1 for item in self.required_requirements if item.status != "not-applicable")

    @property
    def coverage(self) -> float | None:
        """Implemented share of the applicable requirements; None when there are none."""
        applicable = self.applicable
        return self.counts["implemented"] / applicable if applicable else None

    @property
    def gaps(self) -> tuple[RequirementView, ...]:
        return tuple(item for item in self.requirements if item.is_gap)

    @property
    def evidence_missing(self) -> tuple[RequirementView, ...]:
        return tuple(item for item in self.requirements if item.evidence_missing)

    @property
    def stale(self) -> tuple[RequirementView, ...]:
        return tuple(item for item in self.requirements if item.stale)


@dataclass(frozen=True, slots=True)
class ControlsReport:
    as_of: date
    obligations: tuple[ObligationCoverage, ...]


def is_url(text: str) -> bool:
    return "://" in text


def control_coverage(
    estate: Estate,
    oscal: Mapping[EntityRef, OscalRequirements],
    today: date,
    path_exists: Callable[[str], bool],
    only: str | None = None,
) -> ControlsReport:
    """Coverage of every obligation that charter.yaml lists or a ControlSet declares (or just `only`)."""
    required = _required_obligations(estate)
    by_obligation: dict[str, list[ControlSet]] = {}
    for control_set in sorted(estate.control_sets, key=lambda item: str(item.ref)):
        by_obligation.setdefault(control_set.spec.obligation.lower(), []).append(control_set)
    names = list(required) + sorted(set(by_obligation) - set(required))
    if only is not None:
        names = [name for name in names if name == only.lower()]
    obligations = tuple(
        _coverage(name, name in required, by_obligation.get(name, []), estate, oscal, today, path_exists)
        for name in names
    )
    return ControlsReport(today, obligations)


def _required_obligations(estate: Estate) -> list[str]:
    organization = estate.organization
    listed = organization.spec.compliance if organization else []
    return list(dict.fromkeys(name.lower() for name in listed))


def _coverage(
    obligation: str,
    required: bool,
    control_sets: list[ControlSet],
    estate: Estate,
    oscal: Mapping[EntityRef, OscalRequirements],
    today: date,
    path_exists: Callable[[str], bool],
) -> ObligationCoverage:
    profiles = [(item, oscal[item.ref]) for item in control_sets if item.ref in oscal]
    wanted: dict[str, tuple[str, str]] = {}  # control key -> (label, title)
    for _, requirements in profiles:
        for control in requirements.controls:
            wanted.setdefault(control_key(control.id), (control.label, control.title))
    views: list[RequirementView] = []
    stated: set[str] = set()
    for control_set in control_sets:
        for index, requirement in enumerate(control_set.spec.requirements):
            key = control_key(requirement.id)
            if key in stated:
                continue
            stated.add(key)
            in_profile = key in wanted if profiles else None
            views.append(_view(control_set, index, requirement, estate, today, path_exists, in_profile))
    for key, (label, title) in wanted.items():
        if key not in stated:
            views.append(RequirementView(label, title, "missing", None, in_profile=True))
    return ObligationCoverage(
        obligation,
        required,
        tuple(item.ref.short for item in control_sets),
        _source(control_sets, profiles),
        tuple(views),
    )


def _source(control_sets: list[ControlSet], profiles: list[tuple[ControlSet, OscalRequirements]]) -> str:
    if profiles:
        described = []
        for control_set, requirements in profiles:
            oscal = control_set.spec.oscal
            path = (oscal.profile or oscal.catalog) if oscal else ""
            described.append(
                f"OSCAL {path} ({requirements.title or 'untitled'}, {len(requirements.controls)} controls)"
            )
        return "; ".join(described)
    if not control_sets:
        return "no ControlSet"
    if control_sets[0].spec.obligation.lower().startswith(NIST_PREFIX):
        return "the requirements the ControlSet lists (name the baseline's OSCAL profile in `spec.oscal` to check it)"
    return "the requirements the ControlSet lists"


def _view(
    control_set: ControlSet,
    index: int,
    requirement: Requirement,
    estate: Estate,
    today: date,
    path_exists: Callable[[str], bool],
    in_profile: bool | None,
) -> RequirementView:
    urls = tuple(item for item in requirement.evidence if is_url(item))
    missing = tuple(item for item in requirement.evidence if not is_url(item) and not path_exists(item))
    applicable = requirement.status != "not-applicable"
    return RequirementView(
        requirement.id,
        requirement.title or "",
        requirement.status,
        control_set.ref.short,
        index,
        requirement.owner or control_set.spec.owner,
        requirement.reason,
        requirement.review_by,
        stale=applicable and requirement.review_by is not None and requirement.review_by < today,
        evidence=tuple(requirement.evidence),
        evidence_missing=missing,
        evidence_urls=urls,
        mitigates=tuple(_risk_names(estate, requirement.mitigates)),
        in_profile=in_profile,
    )


def _risk_names(estate: Estate, texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        ref = estate.resolve(text, default_kind="risk")
        yield ref.short if ref is not None else text
