"""Applying the Persona-style settings of a create or update body to a webhook."""

from __future__ import annotations

from notifier.adapters.http.requests import WebhookSettings
from notifier.domain.webhooks import WebhookRecord


def described(
    webhook: WebhookRecord, body: WebhookSettings, *, default_version: str | None = None
) -> WebhookRecord:
    """``webhook`` with the name, description, api-version, api-key-inflection and
    payload-filter the body sets (members it leaves out keep their value; a new webhook's
    api-version defaults to ``default_version``)."""
    given = body.model_fields_set
    changes: dict[str, object] = {}
    if "name" in given:
        changes["name"] = body.name
    if "description" in given:
        changes["description"] = body.description
    if "api_version" in given:
        changes["api_version"] = body.api_version
    elif default_version is not None:
        changes["api_version"] = default_version
    if body.api_key_inflection is not None:
        changes["api_key_inflection"] = body.api_key_inflection
    if "payload_filter" in given:
        changes["payload_filter"] = (
            body.payload_filter.model_dump() if body.payload_filter is not None else None
        )
    return webhook.model_copy(update=changes) if changes else webhook
