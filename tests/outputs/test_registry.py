"""The registry: formats found through entry points, unknown names rejected with the known ones."""

from __future__ import annotations

from importlib.metadata import EntryPoint, EntryPoints
from typing import Any

import pytest

from charter.outputs import plugins
from charter.outputs.interface import DiagnosticFormat, DiagnosticReport, OutputError
from charter.outputs.json_format import JsonFormat
from charter.outputs.registry import (
    ENTRY_POINT_GROUP,
    diagnostic_format,
    diagnostic_formats,
    format_names,
    render_diagnostics,
)

BUILT_IN = ["github", "gitlab", "json", "junit", "markdown", "sarif", "table", "text"]


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    fakes = EntryPoints(EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in values.items())

    def entry_points(**selection: Any) -> EntryPoints:
        return fakes.select(**selection)

    monkeypatch.setattr(plugins, "entry_points", entry_points)


def test_registry_lists_the_built_in_formats() -> None:
    assert format_names() == BUILT_IN
    formats = diagnostic_formats()
    assert list(formats) == BUILT_IN
    for name, format_class in formats.items():
        assert issubclass(format_class, DiagnosticFormat)
        assert format_class.name == name


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_format_renders_through_the_registry(name: str, report: DiagnosticReport) -> None:
    output = render_diagnostics(name, report)
    assert output.endswith("\n")
    assert output == diagnostic_format(name)().render(report)


def test_registry_rejects_an_unknown_format_naming_the_known_ones(report: DiagnosticReport) -> None:
    with pytest.raises(OutputError, match=r"unknown diagnostic format 'yaml' \(known: github, gitlab, json, junit"):
        render_diagnostics("yaml", report)


def test_a_plugin_format_joins_by_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch, custom="charter.outputs.json_format:JsonFormat")
    formats = diagnostic_formats()
    assert formats["custom"] is JsonFormat
    assert sorted(set(formats) - {"custom"}) == BUILT_IN


def test_the_built_in_formats_need_no_installed_metadata_and_a_plugin_cannot_replace_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(monkeypatch, table="charter.outputs.json_format:JsonFormat")
    assert format_names() == BUILT_IN
    assert diagnostic_format("table").__name__ == "TableFormat"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("charter.outputs.interface:OutputError", "is not a DiagnosticFormat"),
        ("charter.outputs.no_such_module:Format", "cannot be loaded"),
        ("charter.outputs.json_format:NoSuchFormat", "cannot be loaded"),
    ],
)
def test_a_broken_plugin_is_an_output_error(monkeypatch: pytest.MonkeyPatch, value: str, problem: str) -> None:
    fake_entry_points(monkeypatch, broken=value)
    with pytest.raises(OutputError, match=problem):
        diagnostic_format("broken")


def test_a_built_in_format_is_loaded_without_looking_through_the_installed_packages(
    monkeypatch: pytest.MonkeyPatch, report: DiagnosticReport
) -> None:
    def no_scan(**selection: Any) -> EntryPoints:
        raise AssertionError("the entry points were scanned")

    monkeypatch.setattr(plugins, "entry_points", no_scan)
    assert diagnostic_format("json") is JsonFormat
    assert render_diagnostics("text", report).endswith("\n")
