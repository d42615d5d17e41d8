"""Pydantic models of every resource the API returns (contract sections 2 and 4).

Attribute names follow the API's kebab-case through aliases (``token.attributes.expires_at``
reads ``expires-at``); unknown members are kept (``extra="allow"``), so a newer API that adds
attributes does not break an older SDK.
"""

from __future__ import annotations

import json
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    """Base of every model: kebab aliases, python names accepted too, extras kept."""

    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True)


class Identifier(Model):
    """A relationship's target."""

    type: str
    id: str


class Relationship(Model):
    """A to-one (``data`` an identifier or null) or to-many relationship."""

    data: Identifier | list[Identifier] | None = None


class ShareTokenAttributes(Model):
    """A share token as one side sees it (``direction``)."""

    status: Literal["created", "pending", "redeemed", "expired", "failed"]
    direction: Literal["outbound", "inbound"]
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")
    expires_at: str = Field(alias="expires-at")
    pending_at: str | None = Field(None, alias="pending-at")
    redeemed_at: str | None = Field(None, alias="redeemed-at")
    failed_at: str | None = Field(None, alias="failed-at")
    failure_reason: str | None = Field(None, alias="failure-reason")
    redeem_mode: str | None = Field(None, alias="redeem-mode")
    source_data: dict[str, Any] | None = Field(None, alias="source-data")


class ConnectionAttributes(Model):
    """A connection between a source and a destination organization."""

    status: Literal["pending", "active", "inactive"]
    source_organization_id: str = Field(alias="source-organization-id")
    destination_organization_id: str = Field(alias="destination-organization-id")
    sharing_settings: dict[str, str] = Field(default_factory=dict, alias="sharing-settings")
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")


class SourceObjectAttributes(Model):
    """An inquiry, account, transaction or verification (copies carry ``provenance``)."""

    status: str
    reference_id: str | None = Field(None, alias="reference-id")
    fields: dict[str, Any] = Field(default_factory=dict)
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")
    provenance: dict[str, Any] | None = None


class WebhookAttributes(Model):
    """A webhook; ``secret`` only right after create or rotate-secret."""

    url: str
    enabled_events: list[str] = Field(alias="enabled-events")
    status: Literal["enabled", "disabled", "archived"]
    signature_format: Literal["persona", "standard-webhooks"] = Field(alias="signature-format")
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")
    disabled_at: str | None = Field(None, alias="disabled-at")
    disabled_reason: str | None = Field(None, alias="disabled-reason")
    name: str | None = None
    description: str | None = None
    api_version: str | None = Field(None, alias="api-version")
    api_key_inflection: str | None = Field(None, alias="api-key-inflection")
    payload_filter: dict[str, Any] | None = Field(None, alias="payload-filter")
    archived_at: str | None = Field(None, alias="archived-at")
    secret: str | None = None


class DeliveryAttemptAttributes(Model):
    """One attempt to deliver one event to a webhook."""

    event_id: str = Field(alias="event-id")
    event_name: str = Field(alias="event-name")
    attempt_number: int = Field(alias="attempt-number")
    status_code: int | None = Field(None, alias="status-code")
    duration_ms: float | None = Field(None, alias="duration-ms")
    error: str | None = None
    result: str
    created_at: str = Field(alias="created-at")


class DeliveryAttributes(Model):
    """A delivery scheduled by a resend."""

    event_id: str = Field(alias="event-id")
    webhook_id: str = Field(alias="webhook-id")
    status: str


class EventAttributes(Model):
    """An event: its name, the organization it is delivered to, when, and the object."""

    name: str
    organization_id: str = Field(alias="organization-id")
    created_at: str = Field(alias="created-at")
    payload: dict[str, Any]


class WorkflowAttributes(Model):
    """A workflow: trigger (event, filter) and action."""

    name: str
    enabled: bool
    trigger: dict[str, Any]
    action: dict[str, Any]
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")


class WorkflowRunAttributes(Model):
    """One run of a workflow."""

    workflow_id: str = Field(alias="workflow-id")
    trigger_event_id: str = Field(alias="trigger-event-id")
    trigger_event_name: str = Field(alias="trigger-event-name")
    action: str
    outcome: str
    error: dict[str, Any] | None = None
    object_id: str | None = Field(None, alias="object-id")
    created_at: str = Field(alias="created-at")


A = TypeVar("A", bound=Model)


class Resource(Model, Generic[A]):
    """A JSON:API resource object with typed attributes."""

    type: str
    id: str
    attributes: A
    relationships: dict[str, Relationship] = Field(default_factory=dict)

    def related_id(self, name: str) -> str | None:
        """The id a to-one relationship points at (None when empty or absent)."""
        rel = self.relationships.get(name)
        return rel.data.id if rel is not None and isinstance(rel.data, Identifier) else None


class ShareToken(Resource[ShareTokenAttributes]):
    """A ``connect/share-token``."""


class Connection(Resource[ConnectionAttributes]):
    """A ``connect/connection``."""


class SourceObject(Resource[SourceObjectAttributes]):
    """An ``inquiry``, ``account``, ``transaction`` or ``verification/<kind>``."""


class Webhook(Resource[WebhookAttributes]):
    """A ``webhook``."""


class DeliveryAttempt(Resource[DeliveryAttemptAttributes]):
    """A ``webhook-delivery-attempt``."""


class Delivery(Resource[DeliveryAttributes]):
    """A ``webhook-delivery`` (what a resend scheduled)."""


class Workflow(Resource[WorkflowAttributes]):
    """A ``workflow``."""


class WorkflowRun(Resource[WorkflowRunAttributes]):
    """A ``workflow-run``."""


class Event(Resource[EventAttributes]):
    """An ``event`` (contract section 4). ``object`` gives the payload as its typed model."""

    @property
    def name(self) -> str:
        """The event name, e.g. ``connect/share-token.inbound-created``."""
        return self.attributes.name

    @property
    def organization_id(self) -> str:
        """The organization the event was delivered to."""
        return self.attributes.organization_id

    @property
    def data(self) -> dict[str, Any]:
        """``payload.data``: the object as its API returns it to this organization."""
        data = self.attributes.payload.get("data")
        return data if isinstance(data, dict) else {}

    @property
    def object(self) -> Resource[Any] | dict[str, Any]:
        """``payload.data`` as the model of its type (a plain dict for unknown types)."""
        model = model_for_type(str(self.data.get("type", "")))
        return model.model_validate(self.data) if model is not None else self.data


class JwkSet(Model):
    """The public keys that verify provenance attestations."""

    keys: list[dict[str, Any]]


def model_for_type(type_: str) -> type[Resource[Any]] | None:
    """The resource model of a JSON:API ``type`` (None when the SDK does not know it)."""
    if type_ in _BY_TYPE:
        return _BY_TYPE[type_]
    if type_.startswith("verification"):
        return SourceObject
    return None


_BY_TYPE: dict[str, type[Resource[Any]]] = {
    "connect/share-token": ShareToken,
    "connect/connection": Connection,
    "inquiry": SourceObject,
    "account": SourceObject,
    "transaction": SourceObject,
    "webhook": Webhook,
    "webhook-delivery-attempt": DeliveryAttempt,
    "webhook-delivery": Delivery,
    "workflow": Workflow,
    "workflow-run": WorkflowRun,
    "event": Event,
}


def parse_event(body: bytes | str | dict[str, Any]) -> Event:
    """The event of a webhook body or a ``connect.events`` value (``{"data": {...}}``)."""
    if isinstance(body, dict):
        return Event.model_validate(body["data"])
    return Event.model_validate(json.loads(body)["data"])
