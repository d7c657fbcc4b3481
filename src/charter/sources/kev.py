"""CISA's Known Exploited Vulnerabilities catalog, for `charter import kev FILE`.

The file is the catalog as CISA publishes it (known_exploited_vulnerabilities.json: an object with
`title`, `catalogVersion`, `dateReleased`, `count` and the `vulnerabilities` array), or a bare JSON
array of its entries. Each entry needs `cveID`, `vendorProject`, `product`, `vulnerabilityName`
and `dateAdded` (YYYY-MM-DD); `dueDate` and `knownRansomwareCampaignUse` (`Known` / `Unknown`) are
read when present; other fields are ignored. The catalog is published whole, so an import replaces
the stored catalog; a file with a bad entry changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from charter.model.codes import Codes, Rule
from charter.model.diagnostics import Diagnostic, Location, Severity
from charter.model.security_facts import CVE_ID, KevEntry
from charter.sources.limits import KEV_ERA
from charter.sources.records import (
    PLAUSIBLE_TIME_HINT,
    BadRecord,
    FirstPlaces,
    ImportFileError,
    Place,
    from_bad_record,
    json_document,
    required_text,
    text_value,
)

CODES = Codes(
    Rule(
        "IMP040",
        "KEV file in an unknown shape",
        Severity.ERROR,
        rationale="A file that is neither CISA's KEV catalog nor a list of its entries cannot say what is exploited.",
        fix=(
            "Import the catalog as CISA publishes it (known_exploited_vulnerabilities.json), or a JSON array of its "
            "`vulnerabilities` entries."
        ),
        example="""\
# facts/kev.json
{"cves": ["CVE-2021-44228"]}     # CISA's catalog has "vulnerabilities": [{"cveID": ...}]
""",
    ),
)
diagnostic = CODES.diagnostic


_RANSOMWARE = {"known": True, "unknown": False}
_CATALOG_KEYS = frozenset({"catalogVersion", "dateReleased", "title", "count"})


def read_kev_file(path: Path) -> Iterator[KevEntry | Diagnostic]:
    """Every entry of the file, or an IMP002 diagnostic naming the JSON path of each bad one. Raises
    ImportFileError: IMP001 when the file is not JSON, IMP040 when it is not a KEV catalog."""
    entries, place = _entries(path, json_document(path))
    cves = FirstPlaces("cveID")
    for index, entry in enumerate(entries):
        try:
            found = kev_entry(entry, place.field(index))
        except BadRecord as error:
            yield from_bad_record(error)
            continue
        yield cves.duplicate(found.cve, place.field(index)) or found


def _entries(path: Path, document: object) -> tuple[list[object], Place]:
    if isinstance(document, list):
        return document, Place(str(path), 0, "$")
    if isinstance(document, dict) and "vulnerabilities" in document:
        entries = document["vulnerabilities"]
        if isinstance(entries, list):
            return entries, Place(str(path), 0, "$.vulnerabilities")
        raise _unknown_shape(path, "`$.vulnerabilities` is not an array")
    if isinstance(document, dict):
        keys = ", ".join(sorted(str(key) for key in document)[:6]) or "none"
        catalog = " (it looks like a catalog without its `vulnerabilities`)" if _CATALOG_KEYS & document.keys() else ""
        raise _unknown_shape(path, f"a JSON object with no `vulnerabilities` array (keys: {keys}){catalog}")
    raise _unknown_shape(path, "neither a KEV catalog object nor an array of its entries")


def _unknown_shape(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(diagnostic("IMP040", f"{path} is not a KEV catalog: {reason}", Location(str(path), 1, 1)))


def kev_entry(item: object, place: Place) -> KevEntry:
    """One catalog entry; raises BadRecord naming the JSON path of the field that is wrong."""
    if not isinstance(item, dict):
        raise BadRecord("a KEV entry must be a JSON object", place)
    cve = required_text(item.get("cveID"), place.field("cveID"), "cveID", max_length=64)
    if not CVE_ID.fullmatch(cve):
        raise BadRecord(f"`cveID` {cve!r} is not a CVE id", place.field("cveID"), "Write it as CVE-YYYY-NNNN.")
    ransomware = text_value(
        item.get("knownRansomwareCampaignUse"),
        place.field("knownRansomwareCampaignUse"),
        "knownRansomwareCampaignUse",
        max_length=32,
    )
    if ransomware is not None and ransomware.lower() not in _RANSOMWARE:
        raise BadRecord(
            f"`knownRansomwareCampaignUse` is {ransomware!r}",
            place.field("knownRansomwareCampaignUse"),
            "CISA writes Known or Unknown.",
        )
    added = _required_date(item.get("dateAdded"), place.field("dateAdded"), "dateAdded")
    problem = KEV_ERA.date_problem(added)
    if problem is not None:
        raise BadRecord(f"`dateAdded` {problem}", place.field("dateAdded"), PLAUSIBLE_TIME_HINT)
    due = _date(item.get("dueDate"), place.field("dueDate"), "dueDate")
    if due is not None and due < added:
        raise BadRecord(
            f"`dueDate` {due.isoformat()} is before `dateAdded` {added.isoformat()}",
            place.field("dueDate"),
            "CISA sets the due date after the date it adds the entry.",
        )
    return KevEntry(
        cve=cve,
        vendor=required_text(item.get("vendorProject"), place.field("vendorProject"), "vendorProject"),
        product=required_text(item.get("product"), place.field("product"), "product"),
        name=required_text(
            item.get("vulnerabilityName"), place.field("vulnerabilityName"), "vulnerabilityName", max_length=2000
        ),
        date_added=added,
        due_date=due,
        known_ransomware=_RANSOMWARE.get((ransomware or "unknown").lower(), False),
    )


def _date(value: object, place: Place, name: str) -> date | None:
    text = text_value(value, place, name, max_length=32)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRecord(f"`{name}` is not a date: {text!r}", place, "Write dates as YYYY-MM-DD.") from None


def _required_date(value: object, place: Place, name: str) -> date:
    found = _date(value, place, name)
    if found is None:
        raise BadRecord(f"`{name}` is missing", place, "Give every entry the date CISA added it (YYYY-MM-DD).")
    return found
