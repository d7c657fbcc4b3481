"""SSVC's deployer tree, every branch, against the published table: CERT/CC SSVC
data/csvs/deployer-options.csv (the `ssvc` package's DEPLOYER_1), transcribed here branch by
branch as D(efer) / S(cheduled) / O(ut-of-cycle) / I(mmediate) for human impact low, medium, high,
very high; and the decision points read from Charter's facts."""

from __future__ import annotations

import pytest

from charter.analysis.security.cvss_vector import CvssError, parse_cvss_vector
from charter.analysis.security.ssvc import (
    DEPLOYER_TABLE,
    Automatable,
    Exploitation,
    Exposure,
    HumanImpact,
    Priority,
    decide,
    exploitation_of,
    exposure_of,
    human_impact_of,
)

# (exploitation, exposure, automatable): outcomes for low, medium, high, very high.
PUBLISHED_BRANCHES = {
    ("none", "small", "no"): "DDSS",
    ("none", "small", "yes"): "DSSS",
    ("none", "controlled", "no"): "DSSS",
    ("none", "controlled", "yes"): "SSSS",
    ("none", "open", "no"): "DSSS",
    ("none", "open", "yes"): "SSSO",
    ("poc", "small", "no"): "DSSS",
    ("poc", "small", "yes"): "SSSS",
    ("poc", "controlled", "no"): "DSSS",
    ("poc", "controlled", "yes"): "SSSO",
    ("poc", "open", "no"): "SSSO",
    ("poc", "open", "yes"): "SSOO",
    ("active", "small", "no"): "SSOO",
    ("active", "small", "yes"): "SOOO",
    ("active", "controlled", "no"): "SSOO",
    ("active", "controlled", "yes"): "OOOO",
    ("active", "open", "no"): "SOOI",
    ("active", "open", "yes"): "OOII",
}
# SSVC's DSOI outcomes under CISA's names, in the same order.
CISA_NAME = {"D": Priority.TRACK, "S": Priority.TRACK_STAR, "O": Priority.ATTEND, "I": Priority.ACT}
IMPACTS = (HumanImpact.LOW, HumanImpact.MEDIUM, HumanImpact.HIGH, HumanImpact.VERY_HIGH)

LEAVES = [
    (Exploitation(exploitation), Exposure(exposure), Automatable(automatable), impact, CISA_NAME[letter])
    for (exploitation, exposure, automatable), letters in PUBLISHED_BRANCHES.items()
    for impact, letter in zip(IMPACTS, letters, strict=True)
]


def test_the_table_has_every_leaf_once() -> None:
    assert len(LEAVES) == len(DEPLOYER_TABLE) == 72


@pytest.mark.parametrize(("exploitation", "exposure", "automatable", "impact", "expected"), LEAVES)
def test_every_leaf_of_the_deployer_tree(
    exploitation: Exploitation, exposure: Exposure, automatable: Automatable, impact: HumanImpact, expected: Priority
) -> None:
    assert decide(exploitation, exposure, automatable, impact).priority is expected


def test_the_path_through_the_tree_is_shown() -> None:
    decision = decide(Exploitation.ACTIVE, Exposure.OPEN, Automatable.YES, HumanImpact.HIGH)
    assert decision.path == "active → open → yes → high ⇒ Act"
    low = decide(Exploitation.NONE, Exposure.SMALL, Automatable.NO, HumanImpact.LOW)
    assert low.path == "none → small → no → low ⇒ Track"


def test_outcomes_are_ordered_track_to_act() -> None:
    assert [item.rank for item in (Priority.TRACK, Priority.TRACK_STAR, Priority.ATTEND, Priority.ACT)] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("in_kev", "epss", "expected"),
    [
        (True, None, Exploitation.ACTIVE),
        (True, 0.01, Exploitation.ACTIVE),
        (False, 0.1, Exploitation.POC),  # at the threshold counts
        (False, 0.0999, Exploitation.NONE),
        (False, None, Exploitation.NONE),
    ],
)
def test_exploitation_from_kev_and_epss(in_kev: bool, epss: float | None, expected: Exploitation) -> None:
    assert exploitation_of(in_kev, epss, 0.1) is expected


@pytest.mark.parametrize(
    ("facing", "annotated", "expected"),
    [
        (True, "small", Exposure.OPEN),
        (False, None, Exposure.CONTROLLED),
        (False, "Small", Exposure.SMALL),
        (False, "open", Exposure.OPEN),
        (False, "everywhere", Exposure.CONTROLLED),
    ],
)
def test_exposure_from_annotations(facing: bool, annotated: str | None, expected: Exposure) -> None:
    assert exposure_of(facing, annotated) is expected


@pytest.mark.parametrize(
    ("tier", "critical", "expected"),
    [
        (1, [1, 2], HumanImpact.VERY_HIGH),
        (2, [1, 2], HumanImpact.HIGH),
        (3, [1, 2], HumanImpact.MEDIUM),
        (4, [1, 2], HumanImpact.LOW),
        (None, [1, 2], HumanImpact.MEDIUM),
        (0, [1, 2], HumanImpact.VERY_HIGH),
        (1, [1], HumanImpact.VERY_HIGH),
        (2, [1], HumanImpact.MEDIUM),
        (3, [1], HumanImpact.LOW),
    ],
)
def test_human_impact_from_tier(tier: int | None, critical: list[int], expected: HumanImpact) -> None:
    assert human_impact_of(tier, critical) is expected


@pytest.mark.parametrize(
    ("vector", "automatable"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", True),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", False),
        ("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", False),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H/E:F/RL:O", False),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", True),
        ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", False),
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", True),
        ("(AV:N/AC:M/Au:N/C:P/I:P/A:P)", False),
        ("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", True),
    ],
)
def test_automatable_from_the_cvss_vector(vector: str, automatable: bool) -> None:
    assert parse_cvss_vector(vector).automatable is automatable


@pytest.mark.parametrize(
    ("vector", "problem"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "base metric A missing"),
        ("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:X is not a CVSS 3.1 value"),
        ("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "given twice"),
        ("CVSS:3.2/AV:N", "version '3.2'"),
        ("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "base metric AT missing"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", "no metric 'XX'"),
        ("high", "starts with"),
        ("", "empty"),
    ],
)
def test_a_vector_that_does_not_parse_says_why(vector: str, problem: str) -> None:
    with pytest.raises(CvssError, match=problem.replace("(", r"\(")):
        parse_cvss_vector(vector)
