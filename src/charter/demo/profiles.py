"""Size profiles of the sample organisation: how many of each thing `charter demo` writes. `small`
is a readable example; `large` is the scale DESIGN.md designs for. Any count may be overridden
(`SizeProfile(teams=20, components=150)`, or `dataclasses.replace(LARGE, ...)`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

REFERENCE_DATE = date(2026, 11, 1)


@dataclass(frozen=True, slots=True)
class SizeProfile:
    """Counts of what to generate. Defaults are the small profile. `reference_date` is the "today"
    the sample is written for (review dates, incident times, committed quarters are relative to
    it), so the output never depends on the clock."""

    name: str = "custom"
    organization: str = "acme"
    teams: int = 10
    users: int = 40
    departments: int = 3
    domains: int = 4
    systems: int = 6
    components: int = 60
    apis: int = 12
    resources: int = 10
    standards: int = 3
    slos: int = 70
    risks: int = 25
    initiatives: int = 15
    capacities: int = 2
    decisions: int = 8
    incidents: int = 12
    radar_entries: int = 24
    control_requirements: int = 12
    reference_date: date = field(default=REFERENCE_DATE)

    def __post_init__(self) -> None:
        minimums = {
            "teams": 2,
            "users": 1,
            "departments": 1,
            "domains": 1,
            "systems": 2,
            "components": 1,
            "apis": 0,
            "resources": 0,
            "standards": 0,
            "slos": 0,
            "risks": 0,
            "initiatives": 0,
            "capacities": 0,
            "decisions": 0,
            "incidents": 0,
            "radar_entries": 0,
            "control_requirements": 0,
        }
        for name, minimum in minimums.items():
            value = getattr(self, name)
            if not isinstance(value, int) or value < minimum:
                raise ValueError(f"SizeProfile.{name} must be an integer >= {minimum} (got {value!r})")

    def flaw_count(self, population: str, per_small: int = 2) -> int:
        """How often a planted flaw occurs: `per_small` times in the small profile, scaled with the
        population it is planted in (components, risks, ...), at least once."""
        size: int = getattr(self, population)
        small: int = getattr(SMALL, population)
        return max(1, round(per_small * size / small))


SMALL = SizeProfile(name="small")

LARGE = SizeProfile(
    name="large",
    teams=300,
    users=1500,
    departments=30,
    domains=30,
    systems=400,
    components=5000,
    apis=800,
    resources=600,
    standards=6,
    slos=5800,
    risks=3000,
    initiatives=1000,
    capacities=4,
    decisions=650,
    incidents=1000,
    radar_entries=36,
    control_requirements=40,
)

PROFILES: dict[str, SizeProfile] = {"small": SMALL, "large": LARGE}
