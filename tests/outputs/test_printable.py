"""Nothing a contributor writes can steer a terminal or break a format: control characters (an
escape sequence set the terminal's title), bidirectional overrides and the bytes of a file name that
are not UTF-8 are escaped in every diagnostic and report format, printed or written with `-o`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from charter.outputs.printable import printable, printable_name
from charter.outputs.registry import format_names
from tests.conftest import run_charter
from tests.strategy import write_repo

# What must never reach the output: C0 controls but tab and newline, DEL, C1 controls, bidi
# overrides, lone surrogates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

HOSTILE_COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: "web\\e]0;pwned\\a", title: "\\e[2J"}
spec: {type: service, lifecycle: production, owner: "group:team\\u202eevil"}
"""
HOSTILE_RISK = """\
apiVersion: charter.dev/v1
kind: Risk
metadata: {name: db-single-region}
spec:
  title: "Primary \\e]0;pwned\\a database \\u202eevil \\x9b31m"
  category: reliability
  owner: group:team-a
  likelihood: 3
  impact: 5
  treatment: mitigate
  status: open
  reviewBy: 2026-12-31
"""


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, unicode é ✓ 中文", "plain text, unicode é ✓ 中文"),
        ("title\x1b]0;owned\x07", "title\\x1b]0;owned\\x07"),
        ("bad" + b"\xff".decode("utf-8", "surrogateescape") + ".yaml", "bad\\xff.yaml"),
        ("right\u202eleft", "right\\u202eleft"),
        ("csi \x9b31m", "csi \\x9b31m"),
        ("over\rwrite", "over\\x0dwrite"),
        ("two\nlines\tkept", "two\nlines\tkept"),
    ],
)
def test_printable_escapes_what_steers_a_terminal(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_a_name_keeps_to_one_line() -> None:
    assert printable_name("catalog/a\nb.yaml") == "catalog/a\\x0ab.yaml"


@pytest.fixture
def hostile_repo(tmp_path: Path) -> Path:
    """A repository whose file names and fields hold escape sequences and a byte that is not UTF-8."""
    root = write_repo(tmp_path, {"catalog/web.yaml": HOSTILE_COMPONENT, "risks/db.yaml": HOSTILE_RISK})
    catalog = os.fsencode(root / "catalog")
    for name in (b"bad\xff.yaml", b"title\x1b]0;owned\x07.yaml"):
        with open(os.path.join(catalog, name), "wb") as handle:
            handle.write(b"kind: [\n")
    return root


def assert_printable(text: str) -> None:
    assert not UNSAFE.search(text), [match.group() for match in UNSAFE.finditer(text)]
    text.encode("utf-8")


@pytest.mark.parametrize("output_format", format_names())
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_every_diagnostic_format_escapes_file_names_and_fields(
    hostile_repo: Path, tmp_path: Path, output_format: str, to_file: bool
) -> None:
    written = tmp_path / "out.txt"
    arguments = ["check", "--repo", str(hostile_repo), "--no-cache", "-f", output_format]

    result = run_charter(*arguments, *(["-o", str(written)] if to_file else []))

    assert result.exit_code == 1, result.output
    text = written.read_text(encoding="utf-8") if to_file else result.stdout
    assert_printable(text)
    shown = text.replace("\\\\", "\\").replace("%5C", "\\").replace("%5D", "]").replace("%3B", ";")
    assert "bad\\xff.yaml" in shown  # SARIF's URIs percent-encode the backslash
    assert "title\\x1b]0;owned\\x07.yaml" in shown


@pytest.mark.parametrize("output_format", ["table", "json", "markdown"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_every_report_format_escapes_fields(
    hostile_repo: Path, tmp_path: Path, output_format: str, to_file: bool
) -> None:
    written = tmp_path / "out.txt"
    arguments = ["risks", "--repo", str(hostile_repo), "--as-of", "2026-11-01", "-f", output_format]

    result = run_charter(*arguments, *(["-o", str(written)] if to_file else []))

    assert result.exit_code == 0, result.output
    text = written.read_text(encoding="utf-8") if to_file else result.stdout
    assert_printable(text)
    if output_format != "table":  # the terminal table leaves the title out
        assert "x1b]0;pwned" in text and "u202eevil" in text and "x9b31m" in text


def test_an_error_message_is_escaped(tmp_path: Path) -> None:
    missing = tmp_path / "no\x1b]0;owned\x07where"

    result = run_charter("check", "--repo", str(missing))

    assert result.exit_code == 2
    assert_printable(result.stderr)
    assert "no\\x1b]0;owned\\x07where" in result.stderr
