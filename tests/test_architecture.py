"""`model` and `analysis` stay pure: they import no I/O layer and open no files."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "charter"
FORBIDDEN_PREFIXES = (
    "charter.load",
    "charter.store",
    "charter.sources",
    "charter.outputs",
    "charter.web",
    "charter.cli",
    "charter.demo",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "typer",
    "rich",
    "subprocess",
    "socket",
    "urllib",
    "http",
    "requests",
    "httpx",
    "shutil",
)
PURE_PACKAGES = ("model", "analysis")


def _pure_modules() -> list[Path]:
    return sorted(path for package in PURE_PACKAGES for path in (SOURCE / package).rglob("*.py"))


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("module", _pure_modules(), ids=lambda path: str(path.relative_to(SOURCE)))
def test_pure_layers_import_no_io_layer(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    offending = [name for name in _imports(tree) if name.startswith(FORBIDDEN_PREFIXES)]
    assert offending == [], f"{module.name} imports {offending}"


@pytest.mark.parametrize("module", _pure_modules(), ids=lambda path: str(path.relative_to(SOURCE)))
def test_pure_layers_open_no_files(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in {"open", "print", "input"})
            or (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in {"read_text", "read_bytes", "write_text", "write_bytes"}
            )
        )
    ]
    assert calls == [], f"{module.name} does I/O at line {calls[0].lineno if calls else 0}"


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if "migrations/versions" not in path.as_posix() and ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert missing == []


def test_no_module_is_over_500_lines_outside_migrations() -> None:
    """A module is about one idea; past 500 lines it is about several (STYLE.md)."""
    long = {
        str(path.relative_to(SOURCE)): count
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts and (count := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}
