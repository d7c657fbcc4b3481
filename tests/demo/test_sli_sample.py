"""The demo's SLI data: deterministic for a seed, and shaped so that `charter slo status` shows a fine
SLO, page and ticket burns, an overspent budget, a gap and nights without traffic."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from charter.cli.app import app
from charter.demo.sli import SHAPES, write_sli
from tests.strategy import write_repo

AS_OF = datetime(2026, 11, 24, 6, tzinfo=UTC)


def sloth(count: int) -> str:
    entries = "".join(
        f"""
          - name: s{index}
            objective: 99.5
            sli:
              events:
                error_query: sum(rate(errors_total{{slo="s{index}"}}[{{{{.window}}}}]))
                total_query: sum(rate(requests_total{{slo="s{index}"}}[{{{{.window}}}}]))"""
        for index in range(count)
    )
    return f"""\
        version: "prometheus/v1"
        service: demo
        slos:{entries}
        """


def test_the_sample_sli_data_gives_every_kind_of_status(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"slos/demo.yaml": sloth(len(SHAPES))})
    objectives = {f"demo-s{index}": 0.995 for index in range(len(SHAPES))}
    path = write_sli(root, objectives, AS_OF, seed=3)
    again = write_sli(tmp_path / "again", objectives, AS_OF, seed=3)
    assert path.read_bytes() == again.read_bytes()

    runner = CliRunner()
    imported = runner.invoke(app, ["import", "sli", str(path), "--repo", str(root)])
    assert imported.exit_code == 0, imported.output
    status = runner.invoke(app, ["slo", "status", "--repo", str(root), "--as-of", "2026-11-24T06:00:00", "-f", "json"])
    by_shape = {SHAPES[index]: item for index, item in enumerate(json.loads(status.output)["slos"])}

    def codes(shape: str) -> list[str]:
        return [verdict["code"] for verdict in by_shape[shape]["verdicts"]]

    assert codes("fine") == [] and by_shape["fine"]["errorBudget"]["remaining"] > 0.8
    assert "REL020" in codes("exhausted") and by_shape["exhausted"]["errorBudget"]["remaining"] < 0
    assert {"page"} <= {burn["tier"] for burn in by_shape["burning"]["burnRates"] if burn["firing"]}
    assert {"ticket"} == {burn["tier"] for burn in by_shape["slow-burn"]["burnRates"] if burn["firing"]}
    assert by_shape["gap"]["data"]["missing"] == 360 and "REL022" in codes("gap")
    assert by_shape["quiet-nights"]["data"]["noTraffic"] == 30 * 4 * 60
