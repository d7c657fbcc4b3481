"""`charter slo rules` never writes rules Prometheus refuses: a query with a `#` comment, a line
break inside a quoted string or an unclosed bracket, an alert name or a label value with a line
break, a label name that is not one, an annotation whose template does not close: each is REL025 at
its SLO, exit 1, and only the other SLOs' rules are written, which the real promtool accepts.
A query written over several lines (a YAML block scalar) is fine."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from charter.analysis.reliability.prometheus_syntax import query_problem
from tests.conftest import run_charter
from tests.strategy import write_repo

PROMTOOL = shutil.which("promtool")

ERRORS = 'sum(rate(http_requests_total{job="shop",code=~"5.."}[{{.window}}]))'
TOTAL = 'sum(rate(http_requests_total{job="shop"}[{{.window}}]))'


def sloth(name: str, error_query: str = ERRORS, alerting: str = "{name: ShopErrors}", labels: str = "{}") -> str:
    quoted = error_query.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f"""\
version: prometheus/v1
service: shop
labels: {labels}
slos:
  - name: {name}
    objective: 99.9
    sli:
      events:
        error_query: "{quoted}"
        total_query: '{TOTAL}'
    alerting: {alerting}
"""


REFUSED = {
    "comment": sloth("comment", ERRORS + "\n# 5xx only"),
    "quoted-newline": sloth("quoted-newline", ERRORS.replace('job="shop"', 'job="sh\nop"')),
    "unclosed": sloth("unclosed", "sum(rate(http_requests_total[{{.window}}])"),
    "alert-name": sloth("alert-name", alerting='{name: "Shop\\nErrors"}'),
    "label-value": sloth("label-value", labels='{owner: "team\\na"}'),
    "label-name": sloth("label-name", alerting='{name: ShopErrors, labels: {"bad-name": x}}'),
    "annotation": sloth("annotation", alerting='{name: ShopErrors, annotations: {summary: "{{ $labels.x"}}'),
}
MULTI_LINE = """\
version: prometheus/v1
service: shop
slos:
  - name: multi-line
    objective: 99.9
    sli:
      events:
        error_query: |
          sum(
            rate(http_requests_total{job="shop",code=~"5.."}[{{.window}}])
          )
        total_query: |
          sum(rate(http_requests_total{job="shop"}[{{.window}}]))
    alerting: {name: ShopErrors}
"""


def test_rules_prometheus_would_refuse_are_reported_and_not_written(tmp_path: Path) -> None:
    files = {f"slos/{name}.yaml": text for name, text in REFUSED.items()} | {"slos/multi-line.yaml": MULTI_LINE}
    root = write_repo(tmp_path, files)
    written = tmp_path / "rules.yml"

    result = run_charter("slo", "rules", "--repo", str(root), "-o", str(written))

    assert result.exit_code == 1, result.output
    refused = {line.split(":", 1)[0] for line in result.stderr.splitlines() if " REL025 " in line}
    assert refused == {f"slos/{name}.yaml" for name in REFUSED}
    text = written.read_text(encoding="utf-8")
    assert "charter-slo-shop-multi-line" in text
    assert all(f"charter-slo-shop-{name}" not in text for name in REFUSED)
    if PROMTOOL is not None:
        checked = subprocess.run([PROMTOOL, "check", "rules", str(written)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed (scripts/install-test-services.sh)")
@pytest.mark.parametrize("name", ["comment", "quoted-newline", "unclosed", "annotation"])
def test_promtool_refuses_what_charter_refuses(tmp_path: Path, name: str) -> None:
    """The rules Charter refuses to write would be refused by promtool: written by hand the way
    Charter would have written them, promtool fails on them."""
    error_query = {
        "comment": ERRORS.replace("{{.window}}", "5m") + "\n# 5xx only",
        "quoted-newline": ERRORS.replace("{{.window}}", "5m").replace('job="shop"', 'job="sh\nop"'),
        "unclosed": "sum(rate(http_requests_total[5m])",
        "annotation": ERRORS.replace("{{.window}}", "5m"),
    }[name]
    summary = "{{ $labels.x" if name == "annotation" else "ok"
    expression = "(" + error_query + ") / 1"
    rule_file = tmp_path / "rules.yml"
    indented = "\n".join("          " + line for line in expression.splitlines())
    rule_file.write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: ShopErrors\n        expr: |\n"
        f"{indented}\n        annotations:\n          summary: '{summary}'\n",
        encoding="utf-8",
    )

    checked = subprocess.run([str(PROMTOOL), "check", "rules", str(rule_file)], capture_output=True, text=True)

    assert checked.returncode != 0


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (ERRORS, None),
        ("sum(\n  rate(x[5m])\n)\n", None),
        ("count(x{path=~'a#b'})", None),
        ('x{a="b\\"c"}', None),
        ("sum(x) # note", "`#` comment"),
        ('x{a="b\nc"}', "line break inside a quoted string"),
        ("sum(rate(x[5m])", "'(' is not closed"),
        ("sum(x))", "')' closes nothing"),
        ('x{a="b}', "not closed"),
    ],
)
def test_query_problems(query: str, problem: str | None) -> None:
    found = query_problem(query)
    assert (found is None) if problem is None else (found is not None and problem in found), found
