"""Which events count, and what each says: a share-token event becomes one :class:`Fact`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from connect_shared.clock import parse_iso

Kind = Literal["created", "redeemed", "expired", "failed"]
Direction = Literal["outbound", "inbound"]
KINDS: tuple[Kind, ...] = ("created", "redeemed", "expired", "failed")
DIRECTIONS: tuple[Direction, ...] = ("outbound", "inbound")
_PREFIX = "connect/share-token."


@dataclass(frozen=True)
class Fact:
    """One counted thing: an organization's token moved into ``kind`` at ``at`` (epoch s)."""

    event_id: str
    organization_id: str
    direction: Direction
    connection_id: str
    kind: Kind
    at: float
    seconds_to_redeem: float | None = None

    def table_key(self, partition: int) -> str:
        """The key of this fact's tallies. The source partition is part of it: the events of
        one connection arrive on every partition (they are keyed by token), and a table key
        must be written from one partition only, so its changelog replays in order."""
        return "|".join((self.organization_id, self.direction, self.connection_id, str(partition)))


def _name_parts(name: str) -> tuple[Direction, Kind] | None:
    if not name.startswith(_PREFIX):
        return None
    side, _, what = name[len(_PREFIX) :].partition("-")
    if side not in DIRECTIONS or what not in KINDS:
        return None
    return side, what


def _text(container: dict[str, Any], name: str) -> str | None:
    value = container.get(name)
    return value if isinstance(value, str) and value else None


def _epoch(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_iso(text).timestamp()
    except ValueError:
        return None


def fact_from_event(document: Any) -> Fact | None:
    """The fact an event document (contract section 4) states, or None when it is not a
    share-token event or lacks what a tally needs (such events are not counted)."""
    if not isinstance(document, dict):
        return None
    data = document.get("data")
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(attributes, dict):
        return None
    parts = _name_parts(str(attributes.get("name", "")))
    event_id, org_id = _text(data, "id"), _text(attributes, "organization-id")
    at = _epoch(_text(attributes, "created-at"))
    payload = attributes.get("payload")
    token = payload.get("data") if isinstance(payload, dict) else None
    token_attributes = token.get("attributes") if isinstance(token, dict) else None
    if parts is None or event_id is None or org_id is None or at is None:
        return None
    if not isinstance(token_attributes, dict):
        return None
    connection_id = _text(token_attributes, "connection-id")
    if connection_id is None:
        return None
    direction, kind = parts
    seconds = None
    if kind == "redeemed":
        created = _epoch(_text(token_attributes, "created-at"))
        redeemed = _epoch(_text(token_attributes, "redeemed-at")) or at
        if created is not None:
            seconds = max(0.0, redeemed - created)
    return Fact(event_id, org_id, direction, connection_id, kind, at, seconds)
