"""Whole documents: Persona's shapes (compatibility mode), sparse fieldsets and links (both
modes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from connect_shared.inflection import INFLECTIONS, Inflection, inflect_keys
from connect_shared.persona.errors import persona_errors
from connect_shared.persona.shapes import resource


def inflection_of(header: str | None) -> Inflection:
    """The ``Key-Inflection`` a request asked for (kebab when absent or unknown: the outer
    key-inflection layer has already refused unknown ones)."""
    value = (header or "kebab").strip().lower()
    for style in INFLECTIONS:
        if value == style:
            return style
    return "kebab"


# Single-object answers whose Persona schema has an (always empty) ``included``.
_EMPTY_INCLUDED_TYPES = frozenset({"connect/share-token", "webhook", "event"})


def _inflect_source_data(res: Any, style: Inflection) -> Any:
    # ``source-data`` is user data to the key-inflection layer (it never descends into it), but
    # Persona's peek object has member names of its own: those follow the caller's inflection
    # here, while the field names inside ``fields`` stay as stored.
    attributes = res.get("attributes") if isinstance(res, dict) else None
    if style == "kebab" or not isinstance(attributes, dict) or "source-data" not in attributes:
        return res
    peek = inflect_keys(attributes["source-data"], style)
    return {**res, "attributes": {**attributes, "source-data": peek}}


def persona_document(
    doc: dict[str, Any],
    status: int,
    *,
    connect_meta: bool,
    included: bool = False,
    inflection: Inflection = "kebab",
) -> dict[str, Any]:
    """``doc`` in Persona's shapes. Persona's documents hold only ``data`` and ``links`` (and,
    when the request named ``include``, an empty ``included`` for the objects whose schema has
    one), so Connect's additions (members Persona's objects do not declare, and the document's
    own ``meta``) are dropped unless ``connect_meta`` asks for them in ``meta.connect`` (keyed
    by resource id)."""
    if "errors" in doc:
        return persona_errors(doc, status)
    data = doc.get("data")
    additions: dict[str, Any] = {}
    shaped: Any = data
    if isinstance(data, list):
        shaped = []
        for item in data:
            body, extra = resource(item) if isinstance(item, dict) else (item, {})
            shaped.append(body)
            if extra:
                additions[str(item.get("id"))] = extra
    elif isinstance(data, dict):
        shaped, extra = resource(data)
        if extra:
            additions[str(data.get("id"))] = extra
    else:
        return doc
    if isinstance(shaped, list):
        shaped = [_inflect_source_data(item, inflection) for item in shaped]
    else:
        shaped = _inflect_source_data(shaped, inflection)
    out: dict[str, Any] = {"data": shaped}
    if included and isinstance(data, dict) and data.get("type") in _EMPTY_INCLUDED_TYPES:
        out["included"] = []
    if "links" in doc:
        out["links"] = doc["links"]
    if connect_meta and (additions or doc.get("meta")):
        out["meta"] = {
            "connect": {**additions, **({"document": doc["meta"]} if doc.get("meta") else {})}
        }
    return out


def parse_fieldsets(query: Mapping[str, str]) -> dict[str, set[str]]:
    """``fields[<type>]=a,b`` parameters as ``{type: {a, b}}``."""
    sets: dict[str, set[str]] = {}
    for name, value in query.items():
        if name.startswith("fields[") and name.endswith("]"):
            sets[name[7:-1]] = {part.strip() for part in value.split(",") if part.strip()}
    return sets


def _narrow(res: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    narrowed = dict(res)
    if isinstance(res.get("attributes"), dict):
        narrowed["attributes"] = {k: v for k, v in res["attributes"].items() if k in fields}
    if isinstance(res.get("relationships"), dict):
        kept = {k: v for k, v in res["relationships"].items() if k in fields}
        if kept:
            narrowed["relationships"] = kept
        else:
            narrowed.pop("relationships")
    return narrowed


def apply_fieldsets(doc: dict[str, Any], fieldsets: dict[str, set[str]]) -> dict[str, Any]:
    """Keep only the named attributes and relationships of each resource whose type has a
    fieldset (JSON:API sparse fieldsets), in ``data`` and ``included``."""
    if not fieldsets:
        return doc

    def narrow(item: Any) -> Any:
        if isinstance(item, dict) and item.get("type") in fieldsets:
            return _narrow(item, fieldsets[item["type"]])
        return item

    out = dict(doc)
    data = doc.get("data")
    out["data"] = [narrow(i) for i in data] if isinstance(data, list) else narrow(data)
    if isinstance(doc.get("included"), list):
        out["included"] = [narrow(i) for i in doc["included"]]
    return out


def relink(
    doc: dict[str, Any], kept: Mapping[str, str], *, encode_brackets: bool
) -> dict[str, Any]:
    """Pagination links that carry the document parameters the routes did not see
    (``include``, ``fields[...]``); with ``encode_brackets`` every reserved character is
    percent-encoded (``page%5Bafter%5D=...``) as Persona writes them."""
    links = doc.get("links")
    if not isinstance(links, dict):
        return doc
    safe = "" if encode_brackets else "[]"
    rewritten: dict[str, Any] = {}
    for name, link in links.items():
        if not isinstance(link, str):
            rewritten[name] = link
            continue
        parts = urlsplit(link)
        query = [*parse_qsl(parts.query, keep_blank_values=True), *kept.items()]
        rewritten[name] = f"{parts.path}?{urlencode(query, safe=safe)}" if query else parts.path
    return {**doc, "links": rewritten}
