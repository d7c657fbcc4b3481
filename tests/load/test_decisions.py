"""Decision records: MADR (front matter and 2.x bullets), adr-tools / Nygard, log4brains."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from charter.load.decisions import NUMBER_USED_TWICE, link_target, normalise_status, record_id, record_number
from charter.load.repository import load_strategy_repo
from charter.model.estate import Estate

ORGANIZATION = "apiVersion: charter.dev/v1\nkind: Organization\nmetadata: {name: acme}\n"


def load(tmp_path: Path, files: dict[str, str]) -> Estate:
    (tmp_path / "charter.yaml").write_text(ORGANIZATION)
    for name, text in files.items():
        path = tmp_path / "decisions" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"))
    return load_strategy_repo(tmp_path)


def diagnostics(estate: Estate) -> list[tuple[str, str, int, str]]:
    return [
        (d.code, d.location.path if d.location else "", d.location.line if d.location else 0, d.message)
        for d in estate.load_diagnostics
    ]


def test_madr_front_matter_gives_status_date_expiry_and_mentions(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0012-use-postgres.md": """
        ---
        status: Accepted
        date: 2026-01-15
        decision-makers: [alice, bob]
        review-by: 2027-01-15
        risks: [single-region-db]
        entities: [component:orders]
        findings: CVE-2024-3094
        aliases: [ADR-12]
        ---
        # Use PostgreSQL for orders

        ## Context and Problem Statement

        Orders need a database; see risk:vendor-lock-in and `initiative:multi-region-db`.

        ## Decision Outcome

        Chosen option: "PostgreSQL". Not a reference: https://example.com/risk:nope
        """
        },
    )
    assert diagnostics(estate) == []
    decision = estate.decisions["0012"]
    assert decision.title == "Use PostgreSQL for orders"
    assert decision.status == "accepted"
    assert decision.date == date(2026, 1, 15)
    assert decision.expires == date(2027, 1, 15)
    assert decision.aliases == ("ADR-12",)
    assert decision.mentions == (
        "risk:single-region-db",
        "component:orders",
        "finding:CVE-2024-3094",
        "risk:vendor-lock-in",
        "initiative:multi-region-db",
    )
    assert decision.location is not None and decision.location.line == 11


def test_madr_front_matter_superseded_by_names_the_newer_record(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0003-use-rest.md": """
            ---
            status: superseded by [ADR-0005](0005-use-grpc.md)
            ---
            # Use REST

            ## Context and Problem Statement

            Services talk to each other.
            """,
            "0004-use-json.md": """
            ---
            status: superseded by ADR-0005
            until: 2026-12-31
            ---
            # Use JSON

            ## Decision Outcome

            JSON.
            """,
        },
    )
    assert diagnostics(estate) == []
    assert estate.decisions["0003"].status == "superseded"
    assert estate.decisions["0003"].superseded_by == ("0005",)
    assert estate.decisions["0004"].superseded_by == ("0005",)
    assert estate.decisions["0004"].expires == date(2026, 12, 31)


def test_madr_2_bullets_under_the_title(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0002-use-kafka.md": """
        # Use Kafka for events

        * Status: accepted <!-- optional -->
        * Deciders: Alice, Bob
        * Date: 2019-03-04

        Technical Story: events are lost

        ## Context and Problem Statement

        We lose events.

        ## Links

        * Supersedes [ADR-0001](0001-use-rabbitmq.md)
        * Refined by [ADR-0007](0007-kafka-retention.md)
        """
        },
    )
    assert diagnostics(estate) == []
    decision = estate.decisions["0002"]
    assert (decision.title, decision.status) == ("Use Kafka for events", "accepted")
    assert decision.date == date(2019, 3, 4)
    assert decision.supersedes == ("0001",)
    assert decision.superseded_by == ()


def test_adr_tools_records_with_superceded_links(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0001-record-architecture-decisions.md": """
            # 1. Record architecture decisions

            Date: 2018-02-01

            ## Status

            Superceded by [3. Use MADR](0003-use-madr.md)

            ## Context

            We need to record the architectural decisions made on this project.

            ## Decision

            We will use Architecture Decision Records.

            ## Consequences

            See Michael Nygard's article.
            """,
            "0003-use-madr.md": """
            # 3. Use MADR

            Date: 2018-03-05

            ## Status

            Accepted

            Supercedes [1. Record architecture decisions](0001-record-architecture-decisions.md)

            Amended by [4. Keep ADRs short](0004-keep-adrs-short.md)

            ## Context

            Nygard's template is too loose.
            """,
            "0004-keep-adrs-short.md": """
            # 4. Keep ADRs short

            Date: 2018-04-01

            ## Status

            2018-04-01 proposed

            Amends [3. Use MADR](0003-use-madr.md)
            """,
        },
    )
    assert diagnostics(estate) == []
    first, third, fourth = (estate.decisions[key] for key in ("0001", "0003", "0004"))
    assert (first.title, first.status) == ("Record architecture decisions", "superseded")
    assert first.date == date(2018, 2, 1)
    assert first.superseded_by == ("0003",)
    assert (third.title, third.status, third.supersedes) == ("Use MADR", "accepted", ("0001",))
    assert fourth.status == "proposed"


def test_log4brains_records_are_identified_by_their_slug(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "20200926-use-numbers.md": """
            # Use numbers

            - Status: superseded by [20201016-use-slugs](20201016-use-slugs.md)
            - Date: 2020-09-26

            ## Context and Problem Statement

            IDs.
            """,
            "20201016-use-slugs.md": """
            # Use slugs

            - Status: draft
            - Date: 2020-10-16

            ## Decision

            Slugs.

            ## Links

            - Supersedes [20200926-use-numbers](20200926-use-numbers.md)
            """,
        },
    )
    assert diagnostics(estate) == []
    old, new = estate.decisions["20200926-use-numbers"], estate.decisions["20201016-use-slugs"]
    assert (old.status, old.superseded_by) == ("superseded", ("20201016-use-slugs",))
    assert (new.status, new.supersedes, new.date) == ("draft", ("20200926-use-numbers",), date(2020, 10, 16))


def test_status_and_sections_inside_code_blocks_are_not_read(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0009-example.md": """
        # Write examples

        ```markdown
        ---
        status: on hold
        ---
        ## Status

        Rejected
        ```

        ## Decision Outcome

        Chosen option: examples.
        """
        },
    )
    assert diagnostics(estate) == []
    assert estate.decisions["0009"].status is None


def test_unknown_status_is_reported_at_its_line(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0001-a.md": "---\nparent: Decisions\nstatus: on hold\n---\n# A\n\n## Decision Outcome\n\nA.\n",
            "0002-b.md": "# B\n\n* Status: Pending review\n\n## Context and Problem Statement\n\nB.\n",
            "0003-c.md": "# 3. C\n\n## Status\n\nWithdrawn\n",
        },
    )
    assert diagnostics(estate) == [
        ("SCH012", "decisions/0001-a.md", 3, "unknown decision status 'on hold'"),
        ("SCH012", "decisions/0002-b.md", 3, "unknown decision status 'Pending review'"),
        ("SCH012", "decisions/0003-c.md", 5, "unknown decision status 'Withdrawn'"),
    ]
    assert estate.decisions["0001"].status == "on hold"
    assert estate.decisions["0002"].status == "pending review"


def test_bad_front_matter_is_reported_at_the_file_line(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0001-bad-date.md": "---\nstatus: accepted\ndate: 2026-13-01\n---\n# A\n",
            "0002-bad-yaml.md": "---\nstatus: accepted\ndate: [2026\n---\n# B\n",
            "0003-duplicate.md": "---\nstatus: accepted\nstatus: rejected\n---\n# C\n",
            "0004-list.md": "---\n- accepted\n---\n# D\n",
            "0005-bad-body-date.md": "# E\n\n* Status: accepted\n* Date: last tuesday\n\n## Decision\n\nE.\n",
        },
    )
    found = diagnostics(estate)
    assert [(code, path, line) for code, path, line, _ in found] == [
        ("SCH003", "decisions/0001-bad-date.md", 3),
        ("SCH001", "decisions/0002-bad-yaml.md", 4),
        ("SCH002", "decisions/0003-duplicate.md", 3),
        ("SCH003", "decisions/0004-list.md", 2),
        ("SCH003", "decisions/0005-bad-body-date.md", 4),
    ]
    assert found[0][3].startswith("date: ")
    assert sorted(estate.decisions) == ["0005"]
    assert estate.decisions["0005"].date is None


def test_markdown_without_decision_structure_is_not_a_record(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "README.md": "# Decisions\n\nThis folder holds our ADRs. Start with [0001](0001-a.md).\n",
            "template.md": "# {short title}\n\n## Context and Problem Statement\n\n{context}\n",
            "nested/0001-a.md": "# A\n\n## Decision\n\nA.\n",
        },
    )
    assert [(code, path, line) for code, path, line, _ in diagnostics(estate)] == [
        ("SCH011", "decisions/README.md", 1),
        ("SCH011", "decisions/template.md", 1),
    ]
    assert [d.severity.value for d in estate.load_diagnostics] == ["info", "info"]
    assert list(estate.decisions) == ["0001"]


# Two branches each added "the next" record, 0007; 0008 came later.
ONE_NUMBER_TWICE = {
    "0006-use-rest.md": "# 6. Use REST\n\n## Status\n\nSuperseded by [7. Use gRPC](0007-use-grpc.md)\n",
    "0007-use-grpc.md": "# 7. Use gRPC\n\n## Status\n\nAccepted\n\nSupersedes [6. Use REST](0006-use-rest.md)\n",
    "0007-use-kafka.md": "# 7. Use Kafka\n\n## Status\n\nAccepted\n",
    "0008-use-avro.md": "# 8. Use Avro\n\n## Status\n\nAccepted\n\nSupersedes ADR-0007\n",
}


def test_two_records_with_one_number_are_two_decisions_named_by_slug(tmp_path: Path) -> None:
    estate = load(tmp_path, ONE_NUMBER_TWICE)

    assert list(estate.decisions) == ["0006", "0007-use-grpc", "0007-use-kafka", "0008"]
    grpc = estate.decisions["0007-use-grpc"]
    assert (grpc.title, grpc.slug, grpc.number) == ("Use gRPC", "0007-use-grpc", "0007")
    # A link to the file names one record, whatever its number.
    assert estate.decisions["0006"].superseded_by == ("0007-use-grpc",)
    assert grpc.supersedes == ("0006",)


def test_a_number_used_twice_is_reported_with_both_files_and_the_fix(tmp_path: Path) -> None:
    estate = load(tmp_path, ONE_NUMBER_TWICE)

    [twice] = [item for item in estate.load_diagnostics if item.code == NUMBER_USED_TWICE]
    assert twice.message == (
        "decision number 0007 is used by 2 records: decisions/0007-use-grpc.md and decisions/0007-use-kafka.md"
    )
    assert twice.hint == (
        "renumber one of them (the next free number is 0009) and correct the links that name it by number"
    )
    assert twice.location is not None and twice.location.path == "decisions/0007-use-kafka.md"
    assert twice.entity == "decision:0007-use-kafka"


def test_a_number_used_twice_is_a_warning(tmp_path: Path) -> None:
    estate = load(tmp_path, ONE_NUMBER_TWICE)

    assert {item.severity.value for item in estate.load_diagnostics if item.code == NUMBER_USED_TWICE} == {"warning"}


def test_a_link_by_a_number_used_twice_names_the_files_it_could_mean(tmp_path: Path) -> None:
    estate = load(tmp_path, ONE_NUMBER_TWICE)

    [ambiguous] = [item for item in estate.load_diagnostics if item.code == "REF006"]
    assert ambiguous.message == (
        "decision 0008 supersedes '0007', which could mean decisions/0007-use-grpc.md or decisions/0007-use-kafka.md"
    )
    assert ambiguous.location is not None
    assert (ambiguous.location.path, ambiguous.location.line) == ("decisions/0008-use-avro.md", 1)
    assert estate.decisions["0008"].supersedes == ()  # reported once, not again as a missing record


def test_a_link_by_number_finds_the_record_however_the_number_is_written(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "0007-use-grpc.md": "# 7. Use gRPC\n\n## Status\n\nSuperseded by ADR-8\n",
            "0008-use-avro.md": "# 8. Use Avro\n\n## Status\n\nAccepted\n\nSupersedes [7](7-use-grpc.md)\n",
        },
    )

    assert diagnostics(estate) == []
    assert estate.decisions["0007"].superseded_by == ("0008",)
    assert estate.decisions["0008"].supersedes == ("0007",)


def test_two_records_with_one_slug_are_a_duplicate(tmp_path: Path) -> None:
    estate = load(
        tmp_path,
        {
            "a/0007-use-grpc.md": "# A\n\n## Decision\n\nA.\n",
            "b/0007-use-grpc.md": "# B\n\n## Decision\n\nB.\n",
        },
    )

    found = [(code, path) for code, path, _, _ in diagnostics(estate)]
    assert found == [(NUMBER_USED_TWICE, "decisions/b/0007-use-grpc.md"), ("REF002", "decisions/b/0007-use-grpc.md")]
    assert list(estate.decisions) == ["0007-use-grpc"]


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("0012-use-x", "0012"),
        ("12-use-x", "12"),
        ("0012", "0012"),
        ("20201016-use-the-adr-slug-as-its-unique-id", "20201016-use-the-adr-slug-as-its-unique-id"),
        ("20201399-not-a-date", "20201399"),
        ("use-postgres", "use-postgres"),
    ],
)
def test_record_id_from_file_name(stem: str, expected: str) -> None:
    assert record_id(stem) == expected


@pytest.mark.parametrize(
    ("stem", "expected"),
    [("0012-use-x", "0012"), ("7", "7"), ("20201016-use-the-adr-slug-as-its-unique-id", None), ("use-x", None)],
)
def test_record_number_from_file_name(stem: str, expected: str | None) -> None:
    assert record_number(stem) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("0003-use-x.md", "0003-use-x"),
        ("../decisions/0003-use-x.md#status", "0003-use-x"),
        ("https://github.com/acme/strategy/blob/main/decisions/0003-use-x.md", "0003-use-x"),
        ("https://acme.github.io/adr/0003-use-x.html", "0003-use-x"),
        ("20201016-use-slugs.md", "20201016-use-slugs"),
        ("0003", "0003"),
    ],
)
def test_link_targets_become_slugs(target: str, expected: str) -> None:
    assert link_target(target) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Accepted", ("accepted", True)),
        ("**Accepted**", ("accepted", True)),
        ("Superceded by [3. Use X](0003-use-x.md)", ("superseded", True)),
        ("2025-01-26 accepted", ("accepted", True)),
        ("deprecated.", ("deprecated", True)),
        ("on hold", ("on hold", False)),
    ],
)
def test_status_normalisation(written: str, expected: tuple[str, bool]) -> None:
    assert normalise_status(written) == expected
