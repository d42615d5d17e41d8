"""Request bodies of the webhook routes (kebab-case aliases, unknown attributes refused)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from connect_shared.events import EVENT_NAMES
from notifier.domain.signing import SignatureFormat
from notifier.domain.webhooks import ALL_EVENTS, WebhookStatus

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


class WebhookCreate(_Body):
    """``POST /webhooks``."""

    url: str = Field(min_length=1)
    enabled_events: list[str] = Field(default_factory=lambda: [ALL_EVENTS], alias="enabled-events")
    signature_format: SignatureFormat = Field("persona", alias="signature-format")
    status: WebhookStatus = "enabled"

    _events = field_validator("enabled_events")(_check_events)


class WebhookUpdate(_Body):
    """``PATCH /webhooks/{id}``: any of url, enabled-events, status."""

    url: str | None = Field(None, min_length=1)
    enabled_events: list[str] | None = Field(None, alias="enabled-events")
    status: WebhookStatus | None = None

    _events = field_validator("enabled_events")(_check_events)


class RotateMeta(_Body):
    """``meta`` of ``POST /webhooks/{id}/rotate-secret``."""

    expires_in_seconds: int = Field(
        DEFAULT_OLD_SECRET_SECONDS, ge=0, le=MAX_OLD_SECRET_SECONDS, alias="expires-in-seconds"
    )
