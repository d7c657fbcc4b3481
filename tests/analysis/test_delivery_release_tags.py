"""Release tags as deployments: one deployment per tagged commit, at its earliest tag, with the other
tags on that commit named (ipython tags releases as both `rel-4.0.0` and `4.0.0`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from charter.analysis.delivery.release_tags import SameCommitTags, tag_deployments
from charter.model.delivery import TagRecord

T0 = datetime(2015, 8, 12, tzinfo=UTC)


def tag(name: str, sha: str, hours: float, annotated: bool = True) -> TagRecord:
    return TagRecord(name, sha, T0 + timedelta(hours=hours), annotated)


def test_two_tags_on_one_commit_are_one_deployment_at_the_earlier_tag() -> None:
    released = tag_deployments(
        "ipython",
        [tag("4.0.0", "c400", 5), tag("rel-4.0.0", "c400", 1), tag("rel-3.2.0", "c320", -100)],
    )

    assert [deployment.id for deployment in released.deployments] == ["tag:ipython/rel-3.2.0", "tag:ipython/rel-4.0.0"]
    assert released.deployments[1].finished == T0 + timedelta(hours=1)
    assert released.deployments[1].commit_sha == "c400"
    assert released.same_commit == (SameCommitTags("c400", "rel-4.0.0", ("4.0.0",)),)


def test_lightweight_tags_on_one_commit_share_its_date_and_the_first_name_is_counted() -> None:
    released = tag_deployments(
        "ipython", [tag("rel-4.0.0", "c400", 0, False), tag("4.0.0", "c400", 0, False), tag("v4", "c400", 0, False)]
    )

    [deployment] = released.deployments
    assert deployment.id == "tag:ipython/4.0.0"
    assert released.same_commit == (SameCommitTags("c400", "4.0.0", ("rel-4.0.0", "v4")),)


def test_one_tag_per_commit_is_one_deployment_each_with_no_note() -> None:
    released = tag_deployments("payments", [tag("v1.1.0", "b", 2), tag("v1.0.0", "a", 1)])

    assert [(item.id, item.source, item.environment) for item in released.deployments] == [
        ("tag:payments/v1.0.0", "tag", "production"),
        ("tag:payments/v1.1.0", "tag", "production"),
    ]
    assert released.same_commit == ()
