"""Request bodies of the webhook routes (kebab-case aliases, unknown attributes refused)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connect_shared.events import EVENT_NAMES
from connect_shared.persona.version import SUPPORTED_VERSIONS
from notifier.domain.signing import SignatureFormat
from notifier.domain.webhooks import ALL_EVENTS, KeyInflection, WebhookStatus

MAX_OLD_SECRET_SECONDS = 7 * 24 * 3600
DEFAULT_OLD_SECRET_SECONDS = 24 * 3600


def _check_events(names: list[str] | None) -> list[str] | None:
    if names is None:
        return None
    if not names:
        raise ValueError("name at least one event, or '*' for all")
    for name in names:
        if name != ALL_EVENTS and name not in EVENT_NAMES:
            raise ValueError(f"unknown event name {name!r}")
    return names


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _check_version(value: str | None) -> str | None:
    if value is not None and value not in SUPPORTED_VERSIONS:
        raise ValueError(f"must be one of {', '.join(SUPPORTED_VERSIONS)}")
    return value


class PayloadFilter(_Body):
    """``payload-filter``: members the event's payload must hold (``data`` and below)."""

    data: dict[str, Any] = Field(default_factory=dict)


class WebhookSettings(_Body):
    """What Persona's webhooks carry besides url and events."""

    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    api_version: str | None = Field(None, alias="api-version")
    api_key_inflection: KeyInflection | None = Field(None, alias="api-key-inflection")
    payload_filter: PayloadFilter | None = Field(None, alias="payload-filter")

    _version = field_validator("api_version")(_check_version)


class WebhookCreate(WebhookSettings):
    """``POST /webhooks``."""

    url: str = Field(min_length=1)
    enabled_events: list[str] = Field(default_factory=lambda: [ALL_EVENTS], alias="enabled-events")
    signature_format: SignatureFormat = Field("persona", alias="signature-format")
    status: WebhookStatus = "enabled"

    _events = field_validator("enabled_events")(_check_events)


class WebhookUpdate(WebhookSettings):
    """``PATCH /webhooks/{id}``: any of url, enabled-events, status, name, description,
    api-version, api-key-inflection, payload-filter."""

    url: str | None = Field(None, min_length=1)
    enabled_events: list[str] | None = Field(None, alias="enabled-events")
    status: Literal["enabled", "disabled"] | None = None

    _events = field_validator("enabled_events")(_check_events)


class RotateMeta(_Body):
    """``meta`` of ``POST /webhooks/{id}/rotate-secret``."""

    expires_in_seconds: int = Field(
        DEFAULT_OLD_SECRET_SECONDS, ge=0, le=MAX_OLD_SECRET_SECONDS, alias="expires-in-seconds"
    )


class NoAttributes(_Body):
    """Action routes (enable, disable, archive, clone): an empty body or no attributes."""
