from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest

from charter.model.refs import EntityRef, ReferenceError_, parse_ref


@pytest.mark.parametrize(
    ("text", "default_kind", "namespace", "expected"),
    [
        ("team-a", "group", "default", EntityRef("group", "default", "team-a")),
        ("group:team-a", None, "default", EntityRef("group", "default", "team-a")),
        ("Group:Ops/Team-A", None, "default", EntityRef("group", "ops", "team-a")),
        ("ops/team-a", "group", "default", EntityRef("group", "ops", "team-a")),
        ("user:guest", "group", "development", EntityRef("user", "development", "guest")),
        ("team-a", "group", "payments", EntityRef("group", "payments", "team-a")),
        ("  component:checkout ", None, "default", EntityRef("component", "default", "checkout")),
    ],
)
def test_parse_ref_accepts_every_backstage_form(
    text: str, default_kind: str | None, namespace: str, expected: EntityRef
) -> None:
    assert parse_ref(text, default_kind=default_kind, default_namespace=namespace) == expected


@pytest.mark.parametrize("text", ["", "   ", "group:", "component:ns/", "/name", "checkout"])
def test_parse_ref_rejects_incomplete_references(text: str) -> None:
    with pytest.raises(ReferenceError_):
        parse_ref(text, default_kind=None)


def test_short_form_leaves_out_the_default_namespace() -> None:
    assert EntityRef("group", "default", "a").short == "group:a"
    assert EntityRef("group", "ops", "a").short == "group:ops/a"


def test_a_ref_from_another_process_finds_its_equal() -> None:
    """A ref's hash is kept on it; one pickled by a process with another hash seed (a Dask worker)
    computes its own, or it would never be found in a dict or set of this process."""
    pickler = (
        "import pickle, sys; from charter.model.refs import parse_ref; "
        "sys.stdout.buffer.write(pickle.dumps(parse_ref('component:x')))"
    )
    seeds = [
        subprocess.run(
            [sys.executable, "-c", pickler],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]

    here = parse_ref("component:x")
    assert [pickle.loads(pickled) in {here} for pickled in seeds] == [True, True]
    assert {pickle.loads(pickled): 1 for pickled in seeds} == {here: 1}
