"""The sample's security feeds, in the formats their publishers use: CISA's KEV catalog
(`facts/kev.json`, with its catalog wrapper), FIRST's EPSS scores (`facts/epss.csv`, with its
`#model_version` comment line) and an OpenSSF Scorecard result per repository of the critical
components (`facts/scorecard/<repository>.json`). The KEV catalog lists the CVEs the sample's scans
report as known exploited, so `charter security` has KEV exposure to show; the first internet-facing
tier-1 component's repository has branch protection below the policy (SEC003). Deterministic for
a seed."""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from charter.analysis.component_sources import component_key, repository_name
from charter.demo.scans import DEMO_KEV_CVES, KEV_VULNERABILITIES, OTHER_VULNERABILITIES
from charter.load.repository import load_strategy_repo
from charter.model.catalog import INTERNET_FACING_ANNOTATION, CatalogEntity

# CISA's catalog entries of the demo scans' known-exploited CVEs (`charter.demo.scans.DEMO_KEV_CVES`).
KNOWN_EXPLOITED = {
    "CVE-2021-44228": (
        "Apache",
        "Log4j2",
        "Apache Log4j2 Remote Code Execution Vulnerability",
        date(2021, 12, 10),
        True,
    ),
    "CVE-2022-22965": (
        "VMware",
        "Spring Framework",
        "Spring Framework JDK 9+ Remote Code Execution Vulnerability",
        date(2022, 4, 4),
        False,
    ),
    "CVE-2023-4863": (
        "Google",
        "Chromium WebP",
        "Google Chromium WebP Heap-Based Buffer Overflow Vulnerability",
        date(2023, 9, 13),
        False,
    ),
    "CVE-2023-44487": ("IETF", "HTTP/2", "HTTP/2 Rapid Reset Attack Vulnerability", date(2023, 10, 10), False),
}
SCORECARD_CHECKS = (
    "Branch-Protection",
    "Code-Review",
    "Token-Permissions",
    "Dangerous-Workflow",
    "Pinned-Dependencies",
    "SAST",
    "Signed-Releases",
    "Vulnerabilities",
)
MAX_SCORECARD_RESULTS = 200
# Every CVE the demo's scans report.
DEMO_CVES = tuple(item.cve for item in (*KEV_VULNERABILITIES, *OTHER_VULNERABILITIES))
FILLER_KEV_ENTRIES = 40
FILLER_EPSS_ROWS = 2000


@dataclass(frozen=True, slots=True)
class SecurityFeeds:
    kev: Path
    epss: Path
    scorecards: tuple[Path, ...]


def write_security_feeds(
    root: Path,
    seed: int = 0,
    reference: date | None = None,
    folder: str = "facts",
    cves: Sequence[str] = DEMO_CVES,
    kev_cves: Sequence[str] = DEMO_KEV_CVES,
) -> SecurityFeeds:
    """Write the three feeds under the sample repository `root` (whose catalog they follow). `cves`
    are the CVEs the sample's scans report (each gets an EPSS score); `kev_cves` those of them listed
    as known exploited."""
    rng = random.Random(f"security-feeds-{seed}")
    today = reference or date.today()
    target = root / folder
    target.mkdir(parents=True, exist_ok=True)
    kev = target / "kev.json"
    kev.write_text(json.dumps(_kev_catalog(rng, kev_cves, today), indent=2) + "\n", encoding="utf-8")
    epss = target / "epss.csv"
    epss.write_text(_epss_csv(rng, sorted(set(cves) | set(kev_cves)), set(kev_cves), today), encoding="utf-8")
    scorecards = _write_scorecards(rng, root, target / "scorecard", today)
    return SecurityFeeds(kev, epss, tuple(scorecards))


def _kev_catalog(rng: random.Random, kev_cves: Sequence[str], today: date) -> dict[str, object]:
    entries = []
    for cve in sorted(set(kev_cves)):
        vendor, product, name, added, ransomware = KNOWN_EXPLOITED.get(
            cve, ("Example", "example-lib", f"{cve} remote code execution", today - timedelta(days=45), False)
        )
        entries.append(_kev_entry(cve, vendor, product, name, added, ransomware))
    for number in range(FILLER_KEV_ENTRIES):
        added = today - timedelta(days=rng.randrange(30, 1500))
        entries.append(
            _kev_entry(
                f"CVE-2019-{20000 + number}",
                "Example Vendor",
                f"Appliance {number}",
                f"Example Appliance {number} Improper Authentication Vulnerability",
                added,
                rng.random() < 0.2,
            )
        )
    entries.sort(key=lambda entry: (str(entry["dateAdded"]), str(entry["cveID"])), reverse=True)
    return {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": today.strftime("%Y.%m.%d"),
        "dateReleased": f"{today.isoformat()}T14:00:00.0000Z",
        "count": len(entries),
        "vulnerabilities": entries,
    }


def _kev_entry(cve: str, vendor: str, product: str, name: str, added: date, ransomware: bool) -> dict[str, object]:
    return {
        "cveID": cve,
        "vendorProject": vendor,
        "product": product,
        "vulnerabilityName": name,
        "dateAdded": added.isoformat(),
        "shortDescription": f"{product} contains a vulnerability that is exploited in the wild.",
        "requiredAction": "Apply mitigations per vendor instructions or discontinue use of the product.",
        "dueDate": (added + timedelta(days=21)).isoformat(),
        "knownRansomwareCampaignUse": "Known" if ransomware else "Unknown",
        "notes": f"https://nvd.nist.gov/vuln/detail/{cve}",
        "cwes": ["CWE-20"],
    }


def _epss_csv(rng: random.Random, cves: Sequence[str], known_exploited: set[str], today: date) -> str:
    rows = []
    for cve in cves:
        # Known-exploited CVEs score high; most others low, a few above the 0.1 policy threshold.
        probability = rng.uniform(0.6, 0.97) if cve in known_exploited else rng.choice((0.0004, 0.002, 0.03, 0.2))
        rows.append((cve, probability))
    rows += [(f"CVE-2018-{10000 + number}", rng.uniform(0.0001, 0.05)) for number in range(FILLER_EPSS_ROWS)]
    ranked = sorted(probability for _cve, probability in rows)
    lines = [f"#model_version:v2025.03.14,score_date:{today.isoformat()}T00:00:00+0000", "cve,epss,percentile"]
    for cve, probability in rows:
        percentile = bisect_right(ranked, probability) / len(ranked)
        lines.append(f"{cve},{probability:.5f},{percentile:.5f}")
    return "\n".join(lines) + "\n"


def _write_scorecards(rng: random.Random, root: Path, folder: Path, today: date) -> list[Path]:
    estate = load_strategy_repo(root)
    critical: dict[str, tuple[int, bool]] = {}  # repository -> (best tier, internet-facing)
    for ref, entity in sorted(estate.entities.items(), key=lambda item: str(item[0])):
        if ref.kind != "component" or not isinstance(entity, CatalogEntity) or entity.tier not in (1, 2):
            continue
        repository = repository_name(entity.annotations) or component_key(ref)
        facing = str(entity.annotations.get(INTERNET_FACING_ANNOTATION, "")).lower() == "true"
        tier, was_facing = critical.get(repository, (entity.tier, False))
        critical[repository] = (min(tier, entity.tier), was_facing or facing)
    chosen = sorted(critical)[:MAX_SCORECARD_RESULTS]
    planted = next((name for name in chosen if critical[name] == (1, True)), None)
    folder.mkdir(parents=True, exist_ok=True)
    organization = estate.organization.metadata.name if estate.organization else "acme"
    scored = datetime(today.year, today.month, today.day, 6, tzinfo=UTC) - timedelta(days=1)
    paths = []
    for repository in chosen:
        scores = {check: _score(rng) for check in SCORECARD_CHECKS}
        if repository == planted:
            scores["Branch-Protection"] = 3
        path = folder / f"{repository}.json"
        path.write_text(
            json.dumps(_scorecard(f"github.com/{organization}/{repository}", scores, scored, rng), indent=2) + "\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def _score(rng: random.Random) -> int:
    """Most repositories pass most checks; a few fall short, and some checks are inconclusive (-1)."""
    return 10 if rng.random() < 0.88 else rng.choice((9, 8, 6, 3, 0, -1))


def _scorecard(name: str, scores: dict[str, int], scored: datetime, rng: random.Random) -> dict[str, object]:
    known = [score for score in scores.values() if score >= 0]
    return {
        "date": scored.isoformat().replace("+00:00", "Z"),
        "repo": {"name": name, "commit": f"{rng.getrandbits(160):040x}"},
        "scorecard": {"version": "v5.0.0", "commit": "ea7e27ed41b76ab879c862fa0ca4cc9c61764ee4"},
        "score": round(sum(known) / len(known), 1) if known else -1,
        "checks": [
            {
                "name": check,
                "score": score,
                "reason": "inconclusive" if score < 0 else f"{check} scored {score} of 10",
                "details": None if score >= 8 else [f"Warn: {check.lower()} below the recommended practice"],
                "documentation": {
                    "short": f"Determines the {check} practice of the project.",
                    "url": f"https://github.com/ossf/scorecard/blob/main/docs/checks.md#{check.lower()}",
                },
            }
            for check, score in scores.items()
        ],
        "metadata": None,
    }
