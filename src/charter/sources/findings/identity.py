"""What makes two findings the same, and how each format's severity reads as Charter's.

Deduplication key (Finding's docstring gives the rule):
- a vulnerability: its canonical id (the CVE among the id and aliases, else the first GHSA, else the
  first other id), the package name (the purl's name when there is a purl, read with
  packageurl-python as the purl specification says, so `pkg:npm/@angular/core` is `core` of scope
  `@angular`; else the name the scanner gives; lower-cased, runs of `-`, `_`, `.` read as one `-`,
  as PyPI normalises names; a Maven `group:artifact` reads as the artifact), and the component (or,
  unmapped, the scan target);
- a code finding (SARIF, no vulnerability id): the rule, the file, SARIF's `partialFingerprints`
  when the tool gives them (they survive code moving), else the line; and the component or target.

Severity, per format (documented in the README):
- SARIF: `properties.security-severity` of the result, else of its rule (GitHub code scanning's
  bands: >= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0 low, 0 none); else the result's `level`,
  else the rule's `defaultConfiguration.level`: error high, warning medium, note low, none none.
- Trivy CRITICAL/HIGH/MEDIUM/LOW/UNKNOWN; Grype Critical/High/Medium/Low/Negligible (low)/Unknown;
  npm audit critical/high/moderate (medium)/low/info (none); OSV `database_specific.severity`
  (GitHub's CRITICAL/HIGH/MODERATE/LOW); CycloneDX ratings (critical/high/medium/low/info (none)/
  none/unknown: the highest rating); pip-audit gives none: unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from packageurl import PackageURL

from charter.model.finding import SEVERITY_ORDER, FindingSeverity

SEVERITY_NAMES: dict[str, FindingSeverity] = {
    "critical": "critical",
    "high": "high",
    "important": "high",
    "medium": "medium",
    "moderate": "medium",
    "low": "low",
    "negligible": "low",
    "info": "none",
    "informational": "none",
    "none": "none",
    "unknown": "unknown",
}

SARIF_LEVELS: dict[str, FindingSeverity] = {"error": "high", "warning": "medium", "note": "low", "none": "none"}
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITY_ORDER)}


def severity_named(text: str | None) -> FindingSeverity | None:
    """A scanner's severity word as Charter's; None for a word no format uses."""
    if text is None:
        return None
    return SEVERITY_NAMES.get(text.strip().lower())


def severity_of_score(score: float) -> FindingSeverity:
    """A CVSS-like score (SARIF's `security-severity`) in GitHub code scanning's bands."""
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    if score > 0:
        return "low"
    return "none"


def highest(severities: list[FindingSeverity]) -> FindingSeverity:
    known = [item for item in severities if item != "unknown"]
    return min(known, key=SEVERITY_RANK.__getitem__) if known else "unknown"


# Vulnerability ids -------------------------------------------------------------------------------

_CVE = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)


def is_cve(identifier: str) -> bool:
    return _CVE.fullmatch(identifier) is not None


def is_vulnerability_id(identifier: str) -> bool:
    """CVE, GHSA or an OSV database id (PYSEC-, GO-, RUSTSEC-, ...): what SARIF rule ids name when
    the tool scanned packages (Trivy, Grype) rather than code."""
    upper = identifier.upper()
    return (
        is_cve(identifier)
        or upper.startswith("GHSA-")
        or re.fullmatch(r"(PYSEC|GO|RUSTSEC|OSV|GSD|MAL|RUBYSEC|DLA|DSA|USN|ALSA|RHSA|SNYK-[A-Z0-9]+)-[\w.:-]+", upper)
        is not None
    )


@lru_cache(maxsize=65536)
def canonical_ids(identifier: str, aliases: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The canonical id (the CVE among the id and aliases, else the first GHSA, else the id) and the
    other ids, each once, in the order given."""
    everything: list[str] = []
    for item in (identifier, *aliases):
        normal = item.strip()
        if is_cve(normal) or normal.upper().startswith("GHSA-"):
            normal = normal.upper() if is_cve(normal) else "GHSA-" + normal[5:].lower()
        if normal and normal not in everything:
            everything.append(normal)
    chosen = next((item for item in everything if is_cve(item)), None)
    if chosen is None:
        chosen = next((item for item in everything if item.startswith("GHSA-")), everything[0])
    return chosen, tuple(item for item in everything if item != chosen)


# Package names -----------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[-_.]+")


@lru_cache(maxsize=65536)
def package_identity(name: str | None, purl: str | None) -> str:
    """The package as the key names it: `Flask`, `pkg:pypi/flask@2.0` and `flask` read alike."""
    source = purl_name(purl) if purl else None
    source = source or name or ""
    source = source.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return _SEPARATORS.sub("-", source.lower())


@lru_cache(maxsize=65536)
def parse_purl(text: str) -> PackageURL | None:
    """A package URL as the purl specification reads it (packageurl-python): type, namespace, name,
    version, qualifiers and subpath, percent escapes decoded, the scheme's slashes ignored. Scopes
    written unencoded, as several tools do (`pkg:npm/@angular/core@16.0.0`), read as the namespace.
    None for text that is not a package URL (no `pkg:` scheme, no type, no name)."""
    try:
        return PackageURL.from_string(text.strip())
    except ValueError:
        return None


def purl_name(purl: str) -> str | None:
    """`pkg:maven/org.apache/httpclient@4.1?x=y` -> `httpclient`; `pkg:npm/@angular/core@16.0.0` ->
    `core`. None when it is not a package URL."""
    parsed = parse_purl(purl)
    return parsed.name if parsed is not None else None


def purl_base(purl: str) -> str:
    """`pkg:npm/%40scope/x@1.0?y=z` -> `pkg:npm/@scope/x`: type, namespace and name, lower-cased (text
    that is not a package URL, lower-cased as it is)."""
    parsed = parse_purl(purl)
    if parsed is None:
        return purl.strip().lower()
    namespace = f"{parsed.namespace}/" if parsed.namespace else ""
    return f"pkg:{parsed.type}/{namespace}{parsed.name}".lower()


def purl_version(purl: str) -> str | None:
    parsed = parse_purl(purl)
    return parsed.version if parsed is not None else None


# Keys --------------------------------------------------------------------------------------------


def vulnerability_key(vulnerability_id: str, package: str | None, purl: str | None) -> str:
    """A vulnerability's key within its scope (the importer adds the component or target)."""
    return f"{vulnerability_id}|{package_identity(package, purl)}"


def code_key(rule_id: str, path: str | None, line: int | None, fingerprints: str | None) -> str:
    """A code finding's key within its scope: fingerprints, when given, stand in for the line."""
    where = fingerprints if fingerprints else str(line or 0)
    return f"code|{rule_id}|{path or ''}|{where}"


def scoped_key(key: str, component: str | None, target: str) -> str:
    """The key across every import: within the component, or the scan target when it maps to none."""
    return f"{key}|{component if component is not None else 'target:' + target}"


# CVSS vectors ------------------------------------------------------------------------------------

_EXTRA = r"(/[A-Za-z]{1,4}:[A-Za-z]{1,2})*"
_CVSS_VECTORS = (
    re.compile(
        r"CVSS:4\.0/AV:[NALP]/AC:[LH]/AT:[NP]/PR:[NLH]/UI:[NPA]/VC:[HLN]/VI:[HLN]/VA:[HLN]/SC:[HLN]/SI:[HLN]/SA:[HLN]"
        + _EXTRA
    ),
    re.compile(r"CVSS:3\.[01]/AV:[NALP]/AC:[LH]/PR:[NLH]/UI:[NR]/S:[UC]/C:[HLN]/I:[HLN]/A:[HLN]" + _EXTRA),
    re.compile(r"(CVSS:2\.0/)?\(?AV:[LAN]/AC:[HML]/Au:[MSN]/C:[NPC]/I:[NPC]/A:[NPC]" + _EXTRA + r"\)?"),
)


@lru_cache(maxsize=4096)
def cvss_version(vector: str) -> int | None:
    """4, 3 or 2 for a vector in CVSS's own notation (base metrics in the order the standard gives
    them); None when it does not parse."""
    for version, pattern in zip((4, 3, 2), _CVSS_VECTORS, strict=True):
        if pattern.fullmatch(vector.strip()):
            return version
    return None


@lru_cache(maxsize=4096)
def cvss_rank(vector: str) -> tuple[int, str]:
    """Orders vectors newest standard first: 4.0, 3.1, 3.0, 2."""
    version = cvss_version(vector) or 0
    return (version, vector[:8])
