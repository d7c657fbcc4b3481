"""YAML as people write it by hand, through libyaml's emitter: block style, keys in the order
given, multi-line strings as literal blocks, no anchors or aliases for shared values."""

from __future__ import annotations

from typing import Any

import yaml


class BlockDumper(yaml.CSafeDumper):
    """The C emitter with block-literal multi-line strings and no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: BlockDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


BlockDumper.add_representer(str, _represent_str)
