"""Loading only what the risk register and control coverage read: charter.yaml and the risks/,
roadmap/, decisions/ and controls/ folders. `charter risks` and `charter controls` on a large
organisation then parse a few thousand documents instead of the whole service catalog, the SLOs
and the incidents. References into the folders left out (owners, affected components) stay as
written and are not checked here: `charter check` checks them."""

from __future__ import annotations

from pathlib import Path

from charter.load.files import ORGANIZATION_FILE, STRATEGY_FOLDERS, YAML_SUFFIXES
from charter.load.repository import ParseCache, _assemble, _Loader, collector_paused
from charter.model.estate import Estate

REGISTER_FOLDERS = ("risks", "roadmap", "decisions", "controls")


def load_register_repo(root: Path, cache: ParseCache | None = None) -> Estate:
    """An Estate of charter.yaml and the REGISTER_FOLDERS, read as `load_strategy_repo` reads them."""
    root = root.resolve()
    with collector_paused():
        loader = _Loader(root, cache)
        loader.load_yaml_files([root / ORGANIZATION_FILE])
        yaml_paths: list[Path] = []
        for folder in REGISTER_FOLDERS:
            directory = root / folder
            if not directory.is_dir():
                continue
            paths = list(loader.walk(directory, STRATEGY_FOLDERS[folder]))
            yaml_paths.extend(path for path in paths if path.suffix.lower() in YAML_SUFFIXES)
            loader.load_other_files(folder, [path for path in paths if path.suffix.lower() not in YAML_SUFFIXES])
        loader.load_yaml_files(yaml_paths)
        return _assemble(root, loader)
