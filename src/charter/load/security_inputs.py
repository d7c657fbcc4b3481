"""Loading only what `charter security` reads from the strategy: charter.yaml (policies), the
catalog (components, their tiers, exposure and repositories, and the groups and users that own
them, with `sources.catalog` files and Location targets), and the risks/ and decisions/ folders (the
exceptions that name findings). On a large organisation that is half the documents of the whole
repository; the rest (SLOs, incidents, roadmap, standards, radar, controls) plays no part."""

from __future__ import annotations

from pathlib import Path

from charter.load.files import ORGANIZATION_FILE, STRATEGY_FOLDERS, YAML_SUFFIXES, catalog_glob_files
from charter.load.repository import ParseCache, _assemble, _Loader, collector_paused
from charter.model.estate import Estate

SECURITY_FOLDERS = ("catalog", "risks", "decisions")


def load_security_repo(root: Path, cache: ParseCache | None = None) -> Estate:
    """An Estate of charter.yaml, the catalog and SECURITY_FOLDERS, read as `load_strategy_repo` reads them."""
    root = root.resolve()
    with collector_paused():
        loader = _Loader(root, cache)
        locations = loader.load_yaml_files([root / ORGANIZATION_FILE])
        organization = loader.context.organizations[0] if loader.context.organizations else None
        catalog_files, loader.catalog_roots = catalog_glob_files(
            root, organization.spec.sources.catalog if organization else []
        )
        yaml_paths: list[Path] = []
        for folder in SECURITY_FOLDERS:
            directory = root / folder
            if not directory.is_dir():
                continue
            paths = list(loader.walk(directory, STRATEGY_FOLDERS[folder]))
            yaml_paths.extend(path for path in paths if path.suffix.lower() in YAML_SUFFIXES)
            loader.load_other_files(folder, [path for path in paths if path.suffix.lower() not in YAML_SUFFIXES])
        locations += loader.load_yaml_files([*yaml_paths, *catalog_files])
        loader.follow_locations(locations)
        return _assemble(root, loader)
