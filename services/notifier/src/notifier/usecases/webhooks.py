"""Managing webhooks (contract 2.4): create within the organization's cap, change, delete,
rotate the secret, resend one event. The API and the dashboard both call these; refusals are
domain exceptions that ``adapters/http/errors.py`` turns into API errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from connect_shared.clock import epoch_ms, iso, utcnow
from connect_shared.domain_errors import InvalidValue, NotVisible, WrongState
from connect_shared.ids import has_prefix
from connect_shared.state_record import Versioned
from notifier.domain.signing import SignatureFormat
from notifier.domain.webhooks import (
    WebhookRecord,
    WebhookStatus,
    new_webhook,
    rotate_secret,
    set_status,
    subscribed,
)
from notifier.ports import Redeliveries, UrlVetting, WebhookRegistry

Clock = Callable[[], datetime]


class UrlRefused(InvalidValue):
    """The URL may not be registered; ``reason`` says why (the dashboard words it its own way)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"'url': {reason}.", field="url")
        self.reason = reason


class WebhookCapReached(InvalidValue):
    """The organization has as many webhooks as it may (``meta.max-webhooks``)."""

    def __init__(self, cap: int) -> None:
        super().__init__(
            f"An organization may have at most {cap} webhooks; delete one first.",
            meta={"max-webhooks": cap},
        )


@dataclass(frozen=True)
class WebhookChanges:
    """What a PATCH changes (None: unchanged)."""

    url: str | None = None
    enabled_events: Sequence[str] | None = None
    status: WebhookStatus | None = None


class WebhookUseCases:
    """One organization's webhooks and their redeliveries."""

    def __init__(
        self,
        webhooks: WebhookRegistry,
        queue: Redeliveries,
        vetting: UrlVetting,
        wake_dispatcher: Callable[[], None],
        clock: Clock = utcnow,
    ) -> None:
        self._webhooks = webhooks
        self._queue = queue
        self._vetting = vetting
        self._wake = wake_dispatcher
        self._clock = clock

    async def _check_url(self, url: str) -> None:
        refusal = await self._vetting.refusal(url)
        if refusal is not None:
            raise UrlRefused(refusal)

    async def read(self, org_id: str, webhook_id: str) -> Versioned[WebhookRecord]:
        """The caller's webhook with the version a change is made against."""
        found = await self._webhooks.read_for(org_id, webhook_id)
        if found is None:
            raise NotVisible("No such webhook.")
        return found

    async def get(self, org_id: str, webhook_id: str) -> WebhookRecord:
        """The caller's webhook (not visible to anyone else)."""
        return (await self.read(org_id, webhook_id)).value

    async def listing(self, org_id: str) -> list[WebhookRecord]:
        """The organization's webhooks, newest first."""
        return await self._webhooks.list_for(org_id)

    async def create(
        self,
        org_id: str,
        url: str,
        enabled_events: Sequence[str],
        signature_format: SignatureFormat,
        *,
        status: WebhookStatus = "enabled",
        cap: int | None = None,
    ) -> WebhookRecord:
        """A new webhook (its secret in the record, to show once). With ``cap``, only while the
        organization has fewer webhooks, counting creations in flight."""
        await self._check_url(url)
        now = self._clock()
        webhook = new_webhook(org_id, url, enabled_events, signature_format, now)
        if status == "disabled":
            webhook = set_status(webhook, "disabled", now)
        if cap is None:
            await self._webhooks.create(webhook)
            return webhook
        if not await self._webhooks.reserve(org_id, webhook.id, cap):
            raise WebhookCapReached(cap)
        try:
            await self._webhooks.create(webhook)
        finally:
            await self._webhooks.release(org_id, webhook.id)
        return webhook

    async def update(self, org_id: str, webhook_id: str, changes: WebhookChanges) -> WebhookRecord:
        """Change url, enabled-events or status; enabling forgets the failure streak. A
        compare-and-set against the version read (``LostRace`` when another change won)."""
        read = await self.read(org_id, webhook_id)
        webhook = read.value
        now = self._clock()
        updates: dict[str, object] = {}
        if changes.url is not None and changes.url != webhook.url:
            await self._check_url(changes.url)
            updates["url"] = changes.url
        if changes.enabled_events is not None:
            updates["enabled_events"] = tuple(dict.fromkeys(changes.enabled_events))
        updated = webhook.model_copy(update=updates) if updates else webhook
        if changes.status is not None and changes.status != webhook.status:
            updated = set_status(updated, changes.status, now)
        if updated != webhook:
            updated = updated.model_copy(update={"updated_at": iso(now)})
            await self._webhooks.change(updated, read.version)
            if updated.status == "enabled" and webhook.status != "enabled":
                await self._queue.reset_health(webhook.id)
        return updated

    async def delete(self, org_id: str, webhook_id: str) -> None:
        """Delete (pending deliveries are dropped when they come due); ``LostRace`` when
        another change won first."""
        read = await self.read(org_id, webhook_id)
        await self._webhooks.delete(read.value.id, read.version)

    async def rotate_secret(
        self, org_id: str, webhook_id: str, old_expires_in_seconds: int
    ) -> WebhookRecord:
        """A new signing secret (in the record, to show once); older ones keep signing for
        ``old_expires_in_seconds``."""
        read = await self.read(org_id, webhook_id)
        rotated = rotate_secret(read.value, old_expires_in_seconds, self._clock())
        await self._webhooks.change(rotated, read.version)
        return rotated

    async def resend(self, webhook: WebhookRecord, event_id: str) -> str:
        """Schedule ``event_id`` to ``webhook`` again from attempt 1 (same id, same bytes); the
        delivery id. Not visible: an event the organization does not have (or no longer
        keeps); wrong state: the webhook is disabled; invalid: it is not subscribed to it."""
        if not has_prefix(event_id, "evt_"):
            raise NotVisible("No such event.")
        if webhook.status != "enabled":
            raise WrongState(
                "The webhook is disabled; enable it before resending.", status=webhook.status
            )
        name = await self._queue.event_name(event_id, webhook.organization_id)
        if name is None:
            raise NotVisible("No such event (or it is no longer kept for resending).")
        if not subscribed(webhook.enabled_events, name):
            raise InvalidValue(
                f"The webhook is not subscribed to '{name}' events; add it to enabled-events "
                "to resend this event.",
                field="enabled-events",
                meta={"event-name": name},
            )
        now_ms = epoch_ms(self._clock())
        delivery_id = await self._queue.resend(
            webhook.id, event_id, webhook.organization_id, now_ms
        )
        if delivery_id is None:
            raise NotVisible("No such event (or it is no longer kept for resending).")
        self._wake()
        return delivery_id
