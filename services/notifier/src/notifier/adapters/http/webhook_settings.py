"""The Persona-style settings of a create or update body, as the use cases take them."""

from __future__ import annotations

from notifier.adapters.http.requests import WebhookSettings
from notifier.domain.webhook_settings import WebhookDescription


def description_of(body: WebhookSettings) -> WebhookDescription:
    """The name, description, api-version, api-key-inflection and payload-filter ``body``
    sets, with which of them it names."""
    return WebhookDescription(
        name=body.name,
        description=body.description,
        api_version=body.api_version,
        api_key_inflection=body.api_key_inflection,
        payload_filter=(
            body.payload_filter.model_dump() if body.payload_filter is not None else None
        ),
        given=frozenset(body.model_fields_set),
    )
