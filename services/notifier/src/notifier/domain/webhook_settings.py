"""The Persona-style settings of a webhook (name, description, api-version, api-key-inflection,
payload-filter) and how a create or update applies them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from notifier.domain.webhooks import KeyInflection, WebhookRecord


@dataclass(frozen=True)
class WebhookDescription:
    """What a create or update body says about these settings; ``given`` names the ones it
    sets (a member left out keeps its value, one given as null clears it)."""

    name: str | None = None
    description: str | None = None
    api_version: str | None = None
    api_key_inflection: KeyInflection | None = None
    payload_filter: dict[str, Any] | None = None
    given: frozenset[str] = field(default_factory=frozenset)


NOTHING_DESCRIBED = WebhookDescription()


def described(
    webhook: WebhookRecord, settings: WebhookDescription, *, default_version: str | None = None
) -> WebhookRecord:
    """``webhook`` with the settings ``settings`` gives (a new webhook's api-version defaults to
    ``default_version``; an inflection given as null keeps the current one)."""
    given = settings.given
    changes: dict[str, object] = {}
    if "name" in given:
        changes["name"] = settings.name
    if "description" in given:
        changes["description"] = settings.description
    if "api_version" in given:
        changes["api_version"] = settings.api_version
    elif default_version is not None:
        changes["api_version"] = default_version
    if settings.api_key_inflection is not None:
        changes["api_key_inflection"] = settings.api_key_inflection
    if "payload_filter" in given:
        changes["payload_filter"] = settings.payload_filter
    return webhook.model_copy(update=changes) if changes else webhook
