"""Which deployment environments are production: `policies.productionEnvironments`, regular
expressions that must match the whole environment name, case-insensitively (default `prod(uction)?`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


def is_production(environment: str, patterns: Sequence[str]) -> bool:
    return any(pattern.fullmatch(environment) for pattern in _compiled(tuple(patterns)))
