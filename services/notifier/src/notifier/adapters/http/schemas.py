"""Response documents of the notifier's routes (webhooks, their attempt logs, resends and
events) as pydantic models for the OpenAPI document; the answers themselves are rendered by
:mod:`notifier.adapters.views` and :mod:`notifier.adapters.http.events`, and the conformance
test checks that both agree."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from connect_shared.openapi.schemas import Links, Schema
from notifier.domain.signing import SignatureFormat
from notifier.domain.webhooks import WebhookStatus


class WebhookAttributes(Schema):
    """A webhook; ``secret`` only in the answers that create it or rotate its secret."""

    url: str
    enabled_events: list[str] = Field(alias="enabled-events")
    status: WebhookStatus | Literal["archived"]
    name: str | None = None
    description: str | None = None
    api_version: str | None = Field(None, alias="api-version")
    api_key_inflection: Literal["kebab", "camel", "snake"] = Field(
        "kebab", alias="api-key-inflection"
    )
    payload_filter: dict[str, Any] | None = Field(None, alias="payload-filter")
    archived_at: str | None = Field(None, alias="archived-at")
    signature_format: SignatureFormat = Field(alias="signature-format")
    organization_id: str = Field(alias="organization-id")
    created_at: str = Field(alias="created-at")
    updated_at: str = Field(alias="updated-at")
    disabled_at: str | None = Field(alias="disabled-at")
    disabled_reason: str | None = Field(alias="disabled-reason")
    secret: str | None = None


class Webhook(Schema):
    """A ``webhook`` resource."""

    type: Literal["webhook"]
    id: str = Field(pattern=r"^wbh_")
    attributes: WebhookAttributes


class WebhookDocument(Schema):
    """One webhook (``meta.previous-secret-expires-at`` after a rotation)."""

    data: Webhook
    meta: dict[str, Any] | None = None


class WebhookList(Schema):
    """Every webhook of the organization, newest first (one page: both links null)."""

    data: list[Webhook]
    links: Links | None = None


class DeliveryAttemptAttributes(Schema):
    """One attempt to deliver one event."""

    event_id: str = Field(alias="event-id")
    event_name: str = Field(alias="event-name")
    delivery_id: str = Field(alias="delivery-id")
    attempt_number: int = Field(alias="attempt-number")
    attempts_left: int = Field(alias="attempts-left")
    status_code: int | None = Field(alias="status-code")
    duration_ms: float | None = Field(alias="duration-ms")
    error: str | None
    result: str
    dead_letter: bool = Field(alias="dead-letter")
    next_attempt_at: str | None = Field(alias="next-attempt-at")
    created_at: str = Field(alias="created-at")


class DeliveryAttempt(Schema):
    """A ``webhook-delivery-attempt`` resource."""

    type: Literal["webhook-delivery-attempt"]
    id: str
    attributes: DeliveryAttemptAttributes


class NextLink(Schema):
    """The attempt log pages forward only."""

    next: str | None


class DeliveryAttemptList(Schema):
    """A page of the attempt log, newest first."""

    data: list[DeliveryAttempt]
    links: NextLink


class ResendAttributes(Schema):
    """A scheduled resend."""

    event_id: str = Field(alias="event-id")
    webhook_id: str = Field(alias="webhook-id")
    status: Literal["scheduled"]


class Resend(Schema):
    """A ``webhook-delivery`` resource."""

    type: Literal["webhook-delivery"]
    id: str
    attributes: ResendAttributes


class ResendDocument(Schema):
    """The delivery a resend scheduled."""

    data: Resend


class EventAttributes(Schema):
    """An event (contract section 4): its name, organization, time and the object."""

    name: str
    organization_id: str = Field(alias="organization-id")
    created_at: str = Field(alias="created-at")
    payload: dict[str, Any]


class EventResource(Schema):
    """An ``event`` resource."""

    type: Literal["event"]
    id: str = Field(pattern=r"^evt_")
    attributes: EventAttributes


class EventDocument(Schema):
    """One event."""

    data: EventResource


class EventList(Schema):
    """A page of the organization's events, newest first."""

    data: list[EventResource]
    links: Links
