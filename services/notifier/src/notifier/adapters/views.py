"""How webhooks and attempts look through the API (JSON:API resources, kebab-case)."""

from __future__ import annotations

from typing import Any

from connect_shared.ids import derived_id
from connect_shared.jsonapi import resource
from notifier.domain.webhooks import WebhookRecord

WEBHOOK_TYPE = "webhook"
ATTEMPT_TYPE = "webhook-delivery-attempt"


def webhook_resource(webhook: WebhookRecord, secret: str | None = None) -> dict[str, Any]:
    """The webhook; ``secret`` only in the answers that create or rotate it."""
    attributes: dict[str, Any] = {
        "url": webhook.url,
        "enabled-events": list(webhook.enabled_events),
        "status": webhook.shown_status,
        "name": webhook.name,
        "description": webhook.description,
        "api-version": webhook.api_version,
        "api-key-inflection": webhook.api_key_inflection,
        "payload-filter": webhook.payload_filter,
        "archived-at": webhook.archived_at,
        "signature-format": webhook.signature_format,
        "organization-id": webhook.organization_id,
        "created-at": webhook.created_at,
        "updated-at": webhook.updated_at,
        "disabled-at": webhook.disabled_at,
        "disabled-reason": webhook.disabled_reason,
    }
    if secret is not None:
        attributes["secret"] = secret
    return resource(WEBHOOK_TYPE, webhook.id, attributes)


def attempt_resource(webhook_id: str, cursor: str, entry: dict[str, Any]) -> dict[str, Any]:
    """One attempt-log entry."""
    return resource(ATTEMPT_TYPE, derived_id("wat_", webhook_id, cursor), entry)
