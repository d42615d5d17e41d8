"""The event envelope (contract section 4) and the event names the platform emits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from connect_shared.clock import iso, utcnow
from connect_shared.ids import derived_id, new_id

SHARE_TOKEN_EVENTS = tuple(
    f"connect/share-token.{side}-{what}"
    for what in ("created", "redeemed", "expired", "failed")
    for side in ("outbound", "inbound")
)
SOURCE_OBJECT_EVENTS = tuple(
    f"{kind}.{what}"
    for kind in ("inquiry", "account", "transaction", "verification")
    for what in ("created", "updated", "completed", "approved", "declined", "failed", "redacted")
)
OTHER_EVENTS = (
    "connect/connection.created",
    "connect/connection.activated",
    "connect/connection.deactivated",
    "webhook.disabled",
    "workflow-run.created",
    "workflow-run.errored",
)
EVENT_NAMES: frozenset[str] = frozenset(SHARE_TOKEN_EVENTS + SOURCE_OBJECT_EVENTS + OTHER_EVENTS)


class EventAttributes(BaseModel):
    """``data.attributes`` of an event."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    name: str
    organization_id: str = Field(alias="organization-id")
    created_at: str = Field(alias="created-at")
    payload: dict[str, Any]


class EventData(BaseModel):
    """``data`` of an event."""

    model_config = ConfigDict(frozen=True)

    type: str = "event"
    id: str
    attributes: EventAttributes


class Event(BaseModel):
    """One platform event, delivered to exactly one organization."""

    model_config = ConfigDict(frozen=True)

    data: EventData

    @property
    def id(self) -> str:
        """The event id (``evt_...``), the same on Kafka, every webhook attempt and resends."""
        return self.data.id

    @property
    def name(self) -> str:
        """The event name, e.g. ``connect/share-token.inbound-created``."""
        return self.data.attributes.name

    @property
    def organization_id(self) -> str:
        """The organization this event is delivered to."""
        return self.data.attributes.organization_id

    @property
    def payload_object(self) -> dict[str, Any]:
        """``payload.data``: the object as its API returns it to this organization."""
        data = self.data.attributes.payload.get("data")
        return data if isinstance(data, dict) else {}

    def to_wire(self) -> dict[str, Any]:
        """The JSON document exactly as consumers and webhooks receive it."""
        return self.model_dump(by_alias=True)


def build_event(
    name: str,
    organization_id: str,
    payload_object: dict[str, Any],
    *,
    included: list[Any] | None = None,
    idempotency_parts: tuple[str, ...] | None = None,
    created_at: datetime | None = None,
) -> Event:
    """Build an event. With ``idempotency_parts`` the id is derived from them, so a handler that
    runs twice emits the same event id twice (consumers dedupe by id)."""
    event_id = (
        derived_id("evt_", name, organization_id, *idempotency_parts)
        if idempotency_parts
        else new_id("evt_")
    )
    attributes = EventAttributes(
        name=name,
        organization_id=organization_id,
        created_at=iso(created_at or utcnow()),
        payload={"data": payload_object, "included": included or []},
    )
    return Event(data=EventData(id=event_id, attributes=attributes))
