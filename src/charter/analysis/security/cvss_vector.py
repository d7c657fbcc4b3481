"""A small strict reader of CVSS vector strings (v2, v3.0, v3.1, v4.0): every metric known to its
version, every value allowed for its metric, each metric once, every base metric present. Charter
needs only the base exploitability metrics (to tell whether exploitation is automatable), so it
reads vectors rather than scoring them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

_V2_BASE = {"AV": "LAN", "AC": "HML", "Au": "MSN", "C": "NPC", "I": "NPC", "A": "NPC"}
_V2_OTHER = {
    "E": ("U", "POC", "F", "H", "ND"),
    "RL": ("OF", "TF", "W", "U", "ND"),
    "RC": ("UC", "UR", "C", "ND"),
    "CDP": ("N", "L", "LM", "MH", "H", "ND"),
    "TD": ("N", "L", "M", "H", "ND"),
    "CR": ("L", "M", "H", "ND"),
    "IR": ("L", "M", "H", "ND"),
    "AR": ("L", "M", "H", "ND"),
}
_V3_BASE = {"AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR", "S": "UC", "C": "HLN", "I": "HLN", "A": "HLN"}
_V3_OTHER = {
    "E": "XUPFH",
    "RL": "XOTWU",
    "RC": "XURC",
    "CR": "XLMH",
    "IR": "XLMH",
    "AR": "XLMH",
    "MAV": "XNALP",
    "MAC": "XLH",
    "MPR": "XNLH",
    "MUI": "XNR",
    "MS": "XUC",
    "MC": "XNLH",
    "MI": "XNLH",
    "MA": "XNLH",
}
_V4_BASE = {
    "AV": "NALP",
    "AC": "LH",
    "AT": "NP",
    "PR": "NLH",
    "UI": "NPA",
    "VC": "HLN",
    "VI": "HLN",
    "VA": "HLN",
    "SC": "HLN",
    "SI": "HLN",
    "SA": "HLN",
}
_V4_OTHER: dict[str, str | tuple[str, ...]] = {
    "E": "XAPU",
    "CR": "XHML",
    "IR": "XHML",
    "AR": "XHML",
    "MAV": "XNALP",
    "MAC": "XLH",
    "MAT": "XNP",
    "MPR": "XNLH",
    "MUI": "XNPA",
    "MVC": "XHLN",
    "MVI": "XHLN",
    "MVA": "XHLN",
    "MSC": "XHLN",
    "MSI": "XSHLN",
    "MSA": "XSHLN",
    "S": "XNP",
    "AU": "XNY",
    "R": "XAUI",
    "V": "XDC",
    "RE": "XLMH",
    "U": ("X", "Clear", "Green", "Amber", "Red"),
}


class CvssError(ValueError):
    """The text is not a CVSS vector of a version Charter reads; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class CvssVector:
    """A vector as read: its version (`2.0`, `3.0`, `3.1`, `4.0`) and its metrics in order."""

    version: str
    metrics: tuple[tuple[str, str], ...]

    def value(self, metric: str) -> str | None:
        return dict(self.metrics).get(metric)

    @property
    def automatable(self) -> bool:
        """SSVC's Automatable from the base metrics: reachable over the network, low complexity, no
        privileges and no user interaction (v4 also: no attack requirements; v2: no authentication)."""
        wanted = {"AV": "N", "AC": "L", "Au": "N"} if self.version == "2.0" else {"AV": "N", "AC": "L", "PR": "N"}
        if self.version != "2.0":
            wanted["UI"] = "N"
        if self.version == "4.0":
            wanted["AT"] = "N"
        return all(self.value(metric) == value for metric, value in wanted.items())


@lru_cache(maxsize=8192)
def parse_cvss_vector(text: str) -> CvssVector:
    """Read a vector such as `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`, `CVSS:4.0/AV:N/...` or a
    v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, also in parentheses). Raises CvssError. Cached: many
    findings share a vector."""
    raw = text.strip()
    if raw.startswith("(") and raw.endswith(")"):
        raw = raw[1:-1]
    if not raw:
        raise CvssError("the vector is empty")
    version, parts = _version_and_parts(raw)
    base, other = _METRICS[version]
    metrics: list[tuple[str, str]] = []
    seen: set[str] = set()
    for part in parts:
        name, colon, value = part.partition(":")
        if not colon or not name or not value:
            raise CvssError(f"{part!r} is not METRIC:VALUE")
        allowed = base.get(name) or other.get(name)
        if allowed is None:
            raise CvssError(f"CVSS {version} has no metric {name!r}")
        if name in seen:
            raise CvssError(f"metric {name!r} is given twice")
        if value not in _values(allowed):
            raise CvssError(f"{name}:{value} is not a CVSS {version} value (allowed: {', '.join(_values(allowed))})")
        seen.add(name)
        metrics.append((name, value))
    missing = [name for name in base if name not in seen]
    if missing:
        raise CvssError(f"base metric {', '.join(missing)} missing from a CVSS {version} vector")
    return CvssVector(version, tuple(metrics))


_METRICS: dict[str, tuple[dict[str, str], dict[str, str | tuple[str, ...]]]] = {
    "2.0": (_V2_BASE, dict(_V2_OTHER)),
    "3.0": (_V3_BASE, dict(_V3_OTHER)),
    "3.1": (_V3_BASE, dict(_V3_OTHER)),
    "4.0": (_V4_BASE, _V4_OTHER),
}


def _version_and_parts(raw: str) -> tuple[str, list[str]]:
    parts = raw.split("/")
    if parts[0].startswith("CVSS:"):
        version = parts[0].removeprefix("CVSS:")
        if version not in _METRICS:
            raise CvssError(f"CVSS version {version!r} is not one of {', '.join(_METRICS)}")
        return version, parts[1:]
    if parts[0].startswith("AV:") and any(part.startswith("Au:") for part in parts):
        return "2.0", parts
    raise CvssError("a vector starts with `CVSS:3.1/`, `CVSS:4.0/` (or is a v2 vector `AV:../AC:../Au:..`)")


def _values(allowed: str | tuple[str, ...]) -> tuple[str, ...]:
    """Single-letter values are written as one string (`"NALP"`), longer ones as a tuple."""
    return allowed if isinstance(allowed, tuple) else tuple(allowed)
