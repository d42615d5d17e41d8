"""Webhook subscriptions: who gets which events, signed with which live secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from connect_shared.clock import epoch_ms, iso
from connect_shared.domain_errors import WrongState
from connect_shared.ids import new_id
from notifier.domain.signing import SignatureFormat, new_secret

WebhookStatus = Literal["enabled", "disabled"]
KeyInflection = Literal["kebab", "camel", "snake"]
ALL_EVENTS = "*"


class WebhookArchived(WrongState):
    """An archived webhook cannot be enabled again (409, ``meta.status`` ``archived``)."""

    def __init__(self) -> None:
        super().__init__("An archived webhook cannot be enabled.", status="archived")


class SigningSecret(BaseModel):
    """One secret; a rotated-out one carries the time it stops signing."""

    model_config = ConfigDict(frozen=True)

    value: str
    created_at_ms: int
    expires_at_ms: int | None = None

    def live(self, now_ms: int) -> bool:
        """True while the secret still signs."""
        return self.expires_at_ms is None or now_ms < self.expires_at_ms


class WebhookRecord(BaseModel):
    """A webhook as stored on ``connect.state`` (snake_case body)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    organization_id: str
    url: str
    enabled_events: tuple[str, ...]
    status: WebhookStatus = "enabled"
    signature_format: SignatureFormat = "persona"
    secrets: tuple[SigningSecret, ...] = Field(min_length=1)
    created_at: str
    updated_at: str
    disabled_at: str | None = None
    disabled_reason: str | None = None
    name: str | None = None
    description: str | None = None
    # The event shape its deliveries take: None is Connect's, a Persona version is Persona's.
    api_version: str | None = None
    api_key_inflection: KeyInflection = "kebab"
    payload_filter: dict[str, Any] | None = None
    archived_at: str | None = None

    def live_secrets(self, now_ms: int) -> list[str]:
        """Secrets that sign at ``now_ms``, newest first (the current one always does)."""
        current, *older = self.secrets
        return [current.value, *(s.value for s in older if s.live(now_ms))]

    def wants(self, event_name: str, payload: Mapping[str, Any] | None = None) -> bool:
        """True when this webhook is enabled, subscribed to ``event_name`` and its
        ``payload-filter`` (if any) matches the event's ``payload``."""
        if self.status != "enabled" or not subscribed(self.enabled_events, event_name):
            return False
        return not self.payload_filter or matches(self.payload_filter, payload or {})

    @property
    def archived(self) -> bool:
        """An archived webhook delivers nothing and cannot be enabled again."""
        return self.archived_at is not None

    @property
    def shown_status(self) -> str:
        """The status clients see: ``archived`` for an archived webhook (stored as disabled,
        so delivery needs no extra check), else the stored one."""
        return "archived" if self.archived else self.status


def matches(pattern: Any, value: Any) -> bool:
    """True when every member of ``pattern`` is in ``value`` with a matching value (objects
    compare member by member, anything else by equality): a payload filter's rule."""
    if isinstance(pattern, Mapping):
        if not isinstance(value, Mapping):
            return False
        return all(k in value and matches(v, value[k]) for k, v in pattern.items())
    return bool(pattern == value)


def subscribed(enabled_events: Sequence[str], event_name: str) -> bool:
    """``*`` matches every event; otherwise names match exactly."""
    return ALL_EVENTS in enabled_events or event_name in enabled_events


def new_webhook(
    organization_id: str,
    url: str,
    enabled_events: Sequence[str],
    signature_format: SignatureFormat,
    now: datetime,
) -> WebhookRecord:
    """A new enabled webhook with a fresh secret."""
    stamp = iso(now)
    secret = SigningSecret(value=new_secret(signature_format), created_at_ms=epoch_ms(now))
    return WebhookRecord(
        id=new_id("wbh_"),
        organization_id=organization_id,
        url=url,
        enabled_events=tuple(dict.fromkeys(enabled_events)),
        signature_format=signature_format,
        secrets=(secret,),
        created_at=stamp,
        updated_at=stamp,
    )


def archive(webhook: WebhookRecord, now: datetime) -> WebhookRecord:
    """The webhook archived: disabled for good (it keeps its attempt log)."""
    stamp = iso(now)
    return set_status(webhook, "disabled", now, "archived").model_copy(
        update={"archived_at": stamp}
    )


def cloned(webhook: WebhookRecord, now: datetime) -> WebhookRecord:
    """A new webhook with the settings of ``webhook`` (url, events, name, filters, formats),
    its own id and a fresh secret; enabled unless the original is disabled or archived."""
    fresh = new_webhook(
        webhook.organization_id, webhook.url, webhook.enabled_events, webhook.signature_format, now
    )
    copy = fresh.model_copy(
        update={
            "name": webhook.name,
            "description": webhook.description,
            "api_version": webhook.api_version,
            "api_key_inflection": webhook.api_key_inflection,
            "payload_filter": webhook.payload_filter,
        }
    )
    return copy if webhook.status == "enabled" else set_status(copy, "disabled", now)


def rotate_secret(webhook: WebhookRecord, old_expires_in: int, now: datetime) -> WebhookRecord:
    """A new current secret; every older live one stops signing ``old_expires_in`` s from now
    at the latest (secrets already expired are dropped)."""
    now_ms = epoch_ms(now)
    deadline = now_ms + old_expires_in * 1000
    kept = [
        s.model_copy(update={"expires_at_ms": min(deadline, s.expires_at_ms or deadline)})
        for s in webhook.secrets
        if s.live(now_ms) and old_expires_in > 0
    ]
    fresh = SigningSecret(value=new_secret(webhook.signature_format), created_at_ms=now_ms)
    return webhook.model_copy(update={"secrets": (fresh, *kept), "updated_at": iso(now)})


def set_status(
    webhook: WebhookRecord, status: WebhookStatus, now: datetime, reason: str | None = None
) -> WebhookRecord:
    """Enable or disable; disabling records when and why. An archived webhook cannot be
    enabled again (:class:`WebhookArchived`)."""
    if status == "enabled" and webhook.archived_at is not None:
        raise WebhookArchived()
    if status == "enabled":
        changes: dict[str, object] = {"disabled_at": None, "disabled_reason": None}
    else:
        changes = {"disabled_at": iso(now), "disabled_reason": reason or "disabled by the user"}
    return webhook.model_copy(update={"status": status, "updated_at": iso(now), **changes})
