"""Connect's resource objects rewritten into Persona's 2025-12-08 shapes.

Each function takes the resource as Connect renders it (kebab-case) and returns Persona's
resource plus Connect's additions (the members Persona's object does not allow), which the
document layer may carry in ``meta``. Persona's objects allow no additional properties, so a
member is copied only when Persona declares it.
"""

from __future__ import annotations

from typing import Any

Shape = tuple[dict[str, Any], dict[str, Any]]

# Connect's object types as Persona names them in relationships.
_PERSONA_TYPES = {"transaction": "txn"}

# Persona's share token also reports the caller's side and the redemption's outcome (its list
# example shows ``direction``, ``failed-at`` and ``failure-reason``); Connect's organization and
# connection ids are the members it does not declare.
SHARE_TOKEN_ATTRIBUTES = (
    "status",
    "direction",
    "failed-at",
    "failure-reason",
    "redeem-mode",
    "source-id",
    "destination-id",
    "created-at",
    "updated-at",
    "pending-at",
    "redeemed-at",
    "expires-at",
    "expired-at",
)
CONNECTION_ATTRIBUTES = (
    "status",
    "destination-organization-id",
    "source-organization-id",
    "created-at",
    "updated-at",
)
WEBHOOK_ATTRIBUTES = (
    "status",
    "url",
    "name",
    "description",
    "api-version",
    "api-key-inflection",
    "enabled-events",
    "payload-filter",
    "created-at",
)
# Members of Persona's webhook object that are null-free: left out when Connect has no value.
_WEBHOOK_OMIT_WHEN_NULL = ("api-version",)
EVENT_ATTRIBUTES = ("name", "payload", "created-at")


def persona_type(connect_type: str | None) -> str | None:
    """``transaction`` -> ``txn``, ``verification/<kind>`` -> ``verification``."""
    if connect_type is None:
        return None
    if connect_type.startswith("verification/"):
        return "verification"
    return _PERSONA_TYPES.get(connect_type, connect_type)


def _identifier(relationship: Any) -> dict[str, str] | None:
    data = relationship.get("data") if isinstance(relationship, dict) else None
    if not isinstance(data, dict):
        return None
    return {"type": str(persona_type(data.get("type"))), "id": str(data.get("id"))}


def _split(attributes: dict[str, Any], declared: tuple[str, ...]) -> Shape:
    kept = {k: attributes[k] for k in declared if k in attributes}
    extra = {k: v for k, v in attributes.items() if k not in declared}
    return kept, extra


def source_data(
    source: dict[str, str] | None, peeked: dict[str, Any], levels: dict[str, Any]
) -> dict[str, Any]:
    """Persona's ``connect/source-data/<type>`` object: each shared field as a
    ``{visibility, value}`` entry of ``peekable-attributes`` (under ``fields`` for inquiries,
    accounts and transactions; verifications have no ``fields`` bucket)."""
    kind = source["type"] if source else "inquiry"
    entries = {
        name: {"visibility": levels.get(name, "full"), "value": value}
        for name, value in peeked.items()
    }
    bag: dict[str, Any] = entries if kind == "verification" else {"fields": entries}
    return {
        "type": f"connect/source-data/{kind}",
        "id": source["id"] if source else "",
        "peekable-attributes": bag,
    }


def expired_at(attributes: dict[str, Any]) -> str | None:
    """When an ``expired`` token expired. A created token changes only by expiring, so a later
    ``updated-at`` is when the source expired it or the sweeper noticed (no later than
    ``expires-at``); an unchanged one expired at ``expires-at``."""
    if attributes.get("status") != "expired":
        return None
    expires, updated = attributes.get("expires-at"), attributes.get("updated-at")
    if isinstance(updated, str) and updated > str(attributes.get("created-at")):
        return min(updated, expires) if isinstance(expires, str) else updated
    return expires if isinstance(expires, str) else None


def share_token(res: dict[str, Any]) -> Shape:
    """A share token as Persona's ``connect-share-token`` schema declares it."""
    attributes = dict(res.get("attributes", {}))
    relationships = res.get("relationships", {})
    source = _identifier(relationships.get("source"))
    destination = _identifier(relationships.get("destination"))
    attributes["source-id"] = source["id"] if source else None
    attributes["destination-id"] = destination["id"] if destination else None
    attributes["expired-at"] = expired_at(attributes)
    peeked = attributes.pop("source-data", None)
    kept, extra = _split(attributes, SHARE_TOKEN_ATTRIBUTES)
    if kept.get("source-id") is None:
        kept.pop("source-id", None)
    if isinstance(peeked, dict):
        levels = res.get("meta", {}).get("source-data-visibility", {})
        kept["source-data"] = source_data(source, peeked, levels)
    rels: dict[str, Any] = {}
    connection = _identifier(relationships.get("connection"))
    if connection is not None:
        rels["connection"] = {"data": connection}
    creator = _identifier(relationships.get("creator"))
    if creator is not None:
        rels["creator"] = {"data": creator}
    if source is not None:
        rels["source"] = {"data": source}
    rels["destination"] = {"data": destination}
    body = {"type": res["type"], "id": res["id"], "attributes": kept, "relationships": rels}
    return body, extra


def connection(res: dict[str, Any]) -> Shape:
    """A connection as Persona's ``connect-connection`` schema declares it."""
    kept, extra = _split(dict(res.get("attributes", {})), CONNECTION_ATTRIBUTES)
    body: dict[str, Any] = {"type": res["type"], "id": res["id"], "attributes": kept}
    creator = _identifier(res.get("relationships", {}).get("creator"))
    if creator is not None:
        body["relationships"] = {"creator": {"data": creator}}
    return body, extra


def webhook(res: dict[str, Any]) -> Shape:
    """A webhook as Persona's ``webhook`` schema declares it (``secret`` too, in the answers
    that create, clone or rotate it)."""
    attributes = dict(res.get("attributes", {}))
    declared = (*WEBHOOK_ATTRIBUTES, "secret") if "secret" in attributes else WEBHOOK_ATTRIBUTES
    kept, extra = _split(attributes, declared)
    for name in _WEBHOOK_OMIT_WHEN_NULL:
        if kept.get(name) is None:
            kept.pop(name, None)
    return {"type": res["type"], "id": res["id"], "attributes": kept}, extra


def event(res: dict[str, Any]) -> Shape:
    """An event as Persona's ``event`` schema declares it: no ``organization-id``, and a payload
    of only ``data`` (its object in Persona's shape where Persona declares one)."""
    kept, extra = _split(dict(res.get("attributes", {})), EVENT_ATTRIBUTES)
    payload = kept.get("payload")
    if isinstance(payload, dict):
        data = payload.get("data")
        if isinstance(data, dict):
            shaped, _ = resource(data)
            data = {
                k: shaped[k] for k in ("type", "id", "attributes", "relationships") if k in shaped
            }
        kept["payload"] = {"data": data}
    return {"type": res["type"], "id": res["id"], "attributes": kept}, extra


_SHAPES = {
    "connect/share-token": share_token,
    "connect/connection": connection,
    "webhook": webhook,
    "event": event,
}


def resource(res: dict[str, Any]) -> Shape:
    """``res`` in Persona's shape when Persona declares its type; otherwise unchanged."""
    shape = _SHAPES.get(str(res.get("type")))
    if shape is None:
        return res, {}
    return shape(res)
