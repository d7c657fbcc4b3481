"""The sample's control sets as `charter controls` reads them: the OSCAL catalog and profile of the
NIST control set (synthetic: control names only, no control text), written beside it. Planted
here: a required obligation with no control set, required controls that are only planned, an
evidence document never written and a review past its date."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta
from typing import Any

from charter.demo.plan import Planted

# The demo's own OSCAL content: a small synthetic catalog (control names only, no control text) and
# a profile that selects the NIST control set's requirements from it and leaves the rest out.
OSCAL_FOLDER = "controls/oscal"
OSCAL_OBLIGATION_PREFIX = "nist-800-53-"
_OSCAL_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://charter.dev/sample/oscal")
_SAMPLE_ONLY = (
    ("zz-1", "ZZ-1", "Sample-only control the profile leaves out"),
    ("zz-2", "ZZ-2", "Another sample-only control"),
)


def _oscal_id(requirement_id: str) -> tuple[str, str | None]:
    """`AC-2(1)` -> (`ac-2.1`, parent `ac-2`); `AC-2` -> (`ac-2`, None)."""
    found = re.fullmatch(r"([A-Za-z]+)-(\d+)(?:\((\d+)\))?", requirement_id)
    if found is None:
        return requirement_id.lower(), None
    family, number, enhancement = found.groups()
    base = f"{family.lower()}-{number}"
    return (f"{base}.{enhancement}", base) if enhancement else (base, None)


def _oscal_control(control_id: str, label: str, title: str) -> dict[str, Any]:
    return {"id": control_id, "class": "sample", "title": title, "props": [{"name": "label", "value": label}]}


def _oscal_documents(
    obligation: str, requirements: list[dict[str, Any]], when: date
) -> tuple[dict[str, Any], dict[str, Any]]:
    controls: dict[str, dict[str, Any]] = {}
    selected: list[str] = []
    for requirement in requirements:
        control_id, parent = _oscal_id(requirement["id"])
        selected.append(control_id)
        control = _oscal_control(control_id, requirement["id"], requirement.get("title") or requirement["id"])
        if parent is None:
            controls.setdefault(control_id, control)
        else:
            base = controls.setdefault(parent, _oscal_control(parent, parent.upper(), parent.upper()))
            base.setdefault("controls", []).append(control)
    families: dict[str, list[dict[str, Any]]] = {}
    for control_id, control in controls.items():
        families.setdefault(control_id.split("-")[0], []).append(control)
    families["zz"] = [_oscal_control(*item) for item in _SAMPLE_ONLY]
    modified = f"{when.isoformat()}T00:00:00Z"
    catalog = {
        "catalog": {
            "uuid": str(uuid.uuid5(_OSCAL_NAMESPACE, f"catalog/{obligation}")),
            "metadata": {
                "title": "Sample control catalog (synthetic, written by charter demo)",
                "last-modified": modified,
                "version": "1",
                "oscal-version": "1.1.2",
            },
            "groups": [
                {"id": family, "class": "family", "title": family.upper(), "controls": items}
                for family, items in sorted(families.items())
            ],
        }
    }
    profile = {
        "profile": {
            "uuid": str(uuid.uuid5(_OSCAL_NAMESPACE, f"profile/{obligation}")),
            "metadata": {
                "title": f"Sample {obligation} baseline (synthetic)",
                "last-modified": modified,
                "version": "1",
                "oscal-version": "1.1.2",
            },
            "imports": [
                {
                    "href": "catalog.json",
                    "include-controls": [{"with-ids": sorted(set(selected))}],
                    "exclude-controls": [{"matching": [{"pattern": "zz-*"}]}],
                }
            ],
            "merge": {"as-is": True},
        }
    }
    return catalog, profile


def control_sources(
    control_sets: list[dict[str, Any]], compliance: list[str], reference: date, planted: Planted
) -> dict[str, str]:
    """Give the NIST control set an OSCAL profile and catalog (returned as path -> JSON text, for
    the writer); plant CTL001 for a required obligation with no control set and CTL002 for a
    control set of a required obligation with a requirement only planned. Changes the ControlSet
    documents in place (and makes one evidence path missing and one review overdue)."""
    files: dict[str, str] = {}
    required = {name.lower() for name in compliance}
    declared = {document["spec"]["obligation"].lower() for document in control_sets}
    for obligation in sorted(required - declared):  # e.g. a profile asking for no control requirements
        planted.flaw("CTL001", f"obligation:{obligation}")
    _evidence_problems(control_sets, reference)
    for document in control_sets:
        spec = document["spec"]
        obligation = spec["obligation"]
        if obligation.lower() in required and any(item["status"] == "planned" for item in spec["requirements"]):
            planted.flaw("CTL002", f"controlset:{document['metadata']['name']}")
        if not obligation.startswith(OSCAL_OBLIGATION_PREFIX) or not spec["requirements"]:
            continue
        catalog, profile = _oscal_documents(obligation, spec["requirements"], reference)
        catalog_path = f"{OSCAL_FOLDER}/catalog.json"
        profile_path = f"{OSCAL_FOLDER}/{obligation}-profile.json"
        files[catalog_path] = json.dumps(catalog, indent=2) + "\n"
        files[profile_path] = json.dumps(profile, indent=2) + "\n"
        spec["oscal"] = {"profile": profile_path}
    return files


def _evidence_problems(control_sets: list[dict[str, Any]], reference: date) -> None:
    """For `charter controls` to show: the first implemented requirement cites a document that was
    never written, and the first partial one is past its review date."""
    requirements = [item for document in control_sets for item in document["spec"]["requirements"]]
    implemented = [item for item in requirements if item["status"] == "implemented"]
    partial = [item for item in requirements if item["status"] == "partial"]
    if implemented:
        implemented[0].setdefault("evidence", []).append("docs/security/access-review-last-quarter.md")
    if partial:
        partial[0]["reviewBy"] = reference - timedelta(days=30)
