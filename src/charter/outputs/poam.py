"""The POA&M export as OSCAL JSON text: the document `services.poam` builds, indented."""

from __future__ import annotations

from charter.outputs.json_text import indented_json
from charter.outputs.views.poam import PoamDocument


def render_poam(document: PoamDocument) -> str:
    return indented_json(document.as_data())
