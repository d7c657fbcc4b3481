"""The use cases that write files rather than read a strategy repository: a new repository from the
template (`init`), the sample organisation (`demo`), and the JSON Schemas of Charter's kinds and
reports (`schema`)."""

from __future__ import annotations

import json
import pkgutil
import shutil
from dataclasses import dataclass, replace
from datetime import date, timedelta
from importlib import import_module, resources
from pathlib import Path
from typing import Any

from charter.model.base import quarter_end
from charter.model.errors import UsageError
from charter.model.schemas import all_schemas
from charter.outputs import views
from charter.outputs.views.base import ReportView

TEMPLATE = "templates/init"
REPORT_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_views() -> dict[str, type[ReportView]]:
    """Every report's view model by report name: the ReportView classes of the modules under
    `outputs/views/`."""
    found: dict[str, type[ReportView]] = {}
    for module_info in pkgutil.iter_modules(views.__path__):
        module = import_module(f"{views.__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, ReportView) and "report" in vars(value):
                found[value.report] = value
    return dict(sorted(found.items()))


def report_schema(view: type[ReportView]) -> dict[str, Any]:
    """The JSON Schema of a report's `--format json` (and the API's answer)."""
    schema = view.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": REPORT_SCHEMA_DIALECT, **schema, "title": f"charter {view.report} report"}


def write_schemas(destination: Path, reports: bool = True) -> list[Path]:
    """Write the JSON Schema of every kind (and, with `reports`, of every report) into `destination`."""
    documents = dict(all_schemas())
    if reports:
        documents |= {f"{name}.report.schema.json": report_schema(view) for name, view in report_views().items()}
    try:
        destination.mkdir(parents=True, exist_ok=True)
        written = []
        for name, schema in documents.items():
            path = destination / name
            path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
            written.append(path)
    except OSError as error:
        raise UsageError(f"cannot write the schemas to {destination}: {error.strerror or error}") from None
    return written


def _next_quarter(today: date) -> str:
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year + 1, 1) if quarter == 4 else (today.year, quarter + 1)
    return f"{year}Q{quarter}"


def create_repository(target: Path, name: str | None, today: date) -> None:
    """A small, commented strategy repository that passes `charter check`, with the kinds' schemas."""
    if (target / "charter.yaml").exists():
        raise UsageError(f"{target / 'charter.yaml'} already exists")
    quarter = _next_quarter(today)
    values = {
        "{{name}}": (name or target.name or "acme").lower().replace(" ", "-"),
        "{{quarter}}": quarter,
        "{{quarter_name}}": quarter.lower(),
        "{{review_by}}": (quarter_end(quarter) + timedelta(days=30)).isoformat(),
        "{{today}}": today.isoformat(),
    }
    template = resources.files("charter").joinpath(TEMPLATE)
    with resources.as_file(template) as source:
        for path in sorted(source.rglob("*")):
            if path.is_dir():
                continue
            relative = path.relative_to(source).as_posix().replace("dot-gitignore", ".gitignore")
            text = path.read_text(encoding="utf-8")
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            out = target / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
    write_schemas(target / "schemas", reports=False)


@dataclass(frozen=True, slots=True)
class DemoRequest:
    """What `charter demo` generates: a size profile, overrides of its counts, the seed, and git."""

    directory: Path
    size: str = "small"
    seed: int = 7
    force: bool = False
    overrides: tuple[tuple[str, int], ...] = ()
    git: bool | None = None


def generate_demo(request: DemoRequest) -> Any:
    """Generate the sample organisation; returns the generator's summary (counts, clones, records)."""
    from charter.demo.generate import generate_organization  # the generator loads only for this command
    from charter.demo.profiles import PROFILES

    profile = PROFILES.get(request.size)
    if profile is None:
        raise UsageError(f"unknown size {request.size!r}; choose one of {', '.join(PROFILES)}")
    try:
        overrides: dict[str, Any] = dict(request.overrides)
        profile = replace(profile, **overrides)
    except ValueError as error:
        raise UsageError(str(error).replace("SizeProfile.", "--")) from None
    directory = request.directory
    if directory.exists() and any(directory.iterdir()):
        if not request.force:
            raise UsageError(f"{directory} is not empty; choose another directory or pass --force to replace it")
        shutil.rmtree(directory)
    with_git = request.git if request.git is not None else request.size != "large"
    return generate_organization(directory, profile, seed=request.seed, git=with_git)
