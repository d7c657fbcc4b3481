"""Every `charter import` fed arbitrary bytes and mutations of a valid file (truncated, bytes flipped,
lines duplicated, nested thousands deep, values spliced in: far-future dates, NaN, 1e308, long text),
by Hypothesis, in a process bounded in memory and CPU time (import_fuzz_worker.py). Each example must
end in exit 0, 1 or 2 with no traceback, a failed import must write nothing, and the process must stay
under its memory bound; runaway work trips the worker's CPU limits. The examples are derandomised,
so a run is repeatable, and few enough to keep the suite fast."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.importing import IMPORTERS, strategy_repo, valid_files

ROOT = Path(__file__).resolve().parents[2]
# Peak memory of the worker, imports of small files included: a bound far above what they need
# (about 200 MiB) and far below what runaway work takes (6 GB for JSON nested 50,000 deep before).
PEAK_MEMORY_KIB = 1024 * 1024
# Examples per importer; `CHARTER_FUZZ_EXAMPLES` asks for more (a longer hunt, outside the suite).
EXAMPLES = int(os.environ.get("CHARTER_FUZZ_EXAMPLES", "12"))
FILE_NAMES = {
    "deployments": "deployments.jsonl",
    "pulls": "pulls.json",
    "incidents": "incidents.json",
    "kev": "kev.json",
    "epss": "epss.csv",
    "scorecard": "scorecard.json",
    "findings": "trivy.json",
    "sli": "sli.csv",
}
SPLICED = [
    b'"9999-12-31T00:00:00Z"', b"9999-12-31", b"0001-01-01T00:00:00Z", b"99999999999999", b"-7.5", b"NaN",
    b"1e308", b"-1e308", b"1e23", b'""', b"null", b"{}", b"[]", b'"' + b"x" * 5000 + b'"', b"\xff\xfe", b"\x00",
    b",,,,", b"\n\n", b'"CVE-2024-0001"', b"[" * 2000,
]  # fmt: skip


class Worker:
    """The bounded worker process, one job at a time."""

    def __init__(self, repo: Path) -> None:
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.import_fuzz_worker", str(repo)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )

    def run(self, command: str, path: Path) -> dict[str, object]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"command": command, "path": str(path)}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the worker died on {command} {path} (exit {self.process.poll()}): past its memory or CPU limit"
        answer: dict[str, object] = json.loads(line)
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Worker, dict[str, bytes], Path]]:
    root = tmp_path_factory.mktemp("fuzz")
    repo = strategy_repo(root / "strategy")
    originals = {command: path.read_bytes() for command, path in valid_files(root / "valid").items()}
    originals["epss"] = gzip.decompress(originals["epss"])  # mutations of the text, not of its compression
    worker = Worker(repo)
    try:
        yield worker, originals, root
    finally:
        worker.close()


@st.composite
def mutated(draw: st.DrawFn, valid: bytes) -> bytes:
    """Arbitrary bytes, or the valid file mutated."""
    kind = draw(st.sampled_from(["arbitrary", "truncate", "flip", "duplicate", "nest", "splice", "deep"]))
    if kind == "arbitrary":
        return draw(st.binary(max_size=2048))
    if kind == "deep":  # nothing but nesting, closed or not
        depth = draw(st.sampled_from([600, 30_000]))
        return draw(st.sampled_from([b"[", b'{"a":'])) * depth + draw(st.sampled_from([b"", b"]" * depth]))
    position = draw(st.integers(0, len(valid)))
    if kind == "truncate":
        return valid[:position]
    if kind == "flip":
        data = bytearray(valid)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "duplicate":
        lines = valid.splitlines(keepends=True)
        index = draw(st.integers(0, len(lines) - 1))
        return b"".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
    if kind == "nest":
        depth = draw(st.sampled_from([3, 600, 50_000]))
        return valid[:position] + b"[" * depth + valid[position:]
    end = draw(st.integers(position, min(len(valid), position + 40)))
    return valid[:position] + draw(st.sampled_from(SPLICED)) + valid[end:]


@pytest.mark.parametrize("command", IMPORTERS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_every_importer_survives_hostile_input(
    command: str, data: st.DataObject, workspace: tuple[Worker, dict[str, bytes], Path]
) -> None:
    worker, originals, root = workspace
    content = data.draw(mutated(originals[command]), label="content")
    name = FILE_NAMES[command]
    path = root / "input" / command / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)

    answer = worker.run(command, path)

    assert "runaway" not in answer, answer
    assert answer["exception"] is None, answer["exception"]
    output = str(answer["output"])
    assert "Traceback" not in output, output
    assert answer["exit_code"] in (0, 1, 2), output
    if answer["exit_code"] != 0:
        assert answer["after"] == answer["before"], f"a failed import wrote: {output}"
    assert int(str(answer["peak_rss_kib"])) < PEAK_MEMORY_KIB, answer["peak_rss_kib"]


@pytest.mark.parametrize("command", ["findings", "kev", "scorecard", "pulls", "incidents", "deployments"])
def test_json_nested_50000_deep_is_refused_within_the_memory_bound(
    command: str, workspace: tuple[Worker, dict[str, bytes], Path]
) -> None:
    worker, _originals, root = workspace
    path = root / "deep" / command / FILE_NAMES[command]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"SchemaVersion": 2, "ArtifactName": "x", "Results": [' + "[" * 50_000 + "]" * 50_000 + "]}")
    answer = worker.run(command, path)
    assert answer["exit_code"] == 1 and "nested deeper than 512 levels" in str(answer["output"]), answer
    assert answer["after"] == answer["before"]
    assert int(str(answer["peak_rss_kib"])) < PEAK_MEMORY_KIB, answer["peak_rss_kib"]
