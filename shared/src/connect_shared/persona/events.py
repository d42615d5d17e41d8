"""Event documents as a webhook of a given API version and key inflection receives them."""

from __future__ import annotations

from typing import Any

from connect_shared import jsonutil
from connect_shared.inflection import Inflection, inflect_keys
from connect_shared.persona.shapes import event
from connect_shared.persona.version import SUPPORTED_VERSIONS


def persona_event(wire: dict[str, Any]) -> dict[str, Any]:
    """An event document (contract section 4) in Persona's ``event`` shape: no
    ``organization-id``, a payload of only ``data``, its object in Persona's shape."""
    data = wire.get("data")
    if not isinstance(data, dict):
        return wire
    shaped, _ = event(data)
    return {"data": shaped}


def event_body(raw: bytes, api_version: str | None, inflection: Inflection) -> bytes:
    """The bytes a webhook receives for the event ``raw`` (as on ``connect.events``): the
    same bytes for Connect's shape in kebab-case, else re-rendered."""
    persona = api_version in SUPPORTED_VERSIONS
    if not persona and inflection == "kebab":
        return raw
    doc = jsonutil.loads(raw)
    if persona and isinstance(doc, dict):
        doc = persona_event(doc)
    return jsonutil.dumps(inflect_keys(doc, inflection))
