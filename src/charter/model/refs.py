"""Entity references as Backstage writes them: `[kind:][namespace/]name`, case-insensitive,
with the kind defaulted by the field that holds the reference."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_NAMESPACE = "default"


class ReferenceError_(ValueError):
    """A reference string that is not of the form `[kind:][namespace/]name`."""


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A resolved-form reference: kind, namespace and name, all lower-case for comparison. Its hash
    is computed once: refs key the estate's entities and relations, and are hashed hundreds of
    thousands of times while an estate is built and checked."""

    kind: str
    namespace: str
    name: str
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.kind, self.namespace, self.name)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[EntityRef], tuple[str, str, str]]:
        """Pickled (for another process, Dask's workers) without the hash: text hashes differ
        between processes, so the copy computes its own."""
        return EntityRef, (self.kind, self.namespace, self.name)

    def __str__(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"

    @property
    def short(self) -> str:
        """The form people write: namespace left out when it is the default one."""
        if self.namespace == DEFAULT_NAMESPACE:
            return f"{self.kind}:{self.name}"
        return f"{self.kind}:{self.namespace}/{self.name}"


@lru_cache(maxsize=65536)
def parse_ref(
    text: str,
    *,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> EntityRef:
    """Parse `[kind:][namespace/]name`. Raises `ReferenceError_` when the text is empty, when the
    kind is missing and the field has no default kind, or when a part is empty. Cached: an estate
    names the same owners and systems thousands of times, and EntityRef is immutable."""
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        raise ReferenceError_("empty entity reference")
    kind: str | None
    rest: str
    colon = raw.find(":")
    slash = raw.find("/")
    if colon != -1 and (slash == -1 or colon < slash):
        kind, rest = raw[:colon], raw[colon + 1 :]
    else:
        kind, rest = default_kind, raw
    if not kind:
        raise ReferenceError_(f"reference {raw!r} names no kind, and this field has no default kind")
    namespace, _, name = rest.rpartition("/")
    if not namespace:
        if "/" in rest:
            raise ReferenceError_(f"reference {raw!r} has an empty namespace")
        namespace = default_namespace
    if not name:
        raise ReferenceError_(f"reference {raw!r} has an empty name")
    return EntityRef(kind.lower(), namespace.lower(), name.lower())


def ref_of(kind: str, name: str, namespace: str = DEFAULT_NAMESPACE) -> EntityRef:
    """The reference of an entity declared with this kind, name and namespace."""
    return EntityRef(kind.lower(), (namespace or DEFAULT_NAMESPACE).lower(), name.lower())
