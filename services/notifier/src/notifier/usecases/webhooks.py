"""Managing webhooks (contract 2.4): create within the organization's cap, change, delete,
rotate the secret, resend one event; Persona's actions (enable, disable, archive, clone). The
API and the dashboard both call these; refusals are domain exceptions that
``adapters/http/errors.py`` turns into API errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from connect_shared.clock import epoch_ms, iso, utcnow
from connect_shared.domain_errors import InvalidValue, NotVisible, WrongState
from connect_shared.ids import has_prefix
from connect_shared.state_record import Versioned
from notifier.domain.signing import SignatureFormat
from notifier.domain.webhook_settings import NOTHING_DESCRIBED, WebhookDescription, described
from notifier.domain.webhooks import (
    WebhookArchived,
    WebhookRecord,
    WebhookStatus,
    archive,
    cloned,
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
    """What a PATCH changes (None: unchanged; ``description``: the settings it names)."""

    url: str | None = None
    enabled_events: Sequence[str] | None = None
    status: WebhookStatus | None = None
    description: WebhookDescription = NOTHING_DESCRIBED


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
        description: WebhookDescription = NOTHING_DESCRIBED,
        api_version: str | None = None,
    ) -> WebhookRecord:
        """A new webhook (its secret in the record, to show once). With ``cap``, only while the
        organization has fewer webhooks, counting creations in flight. ``api_version`` is the
        Persona version of the request (None: Connect's contract): the webhook speaks it unless
        ``description`` names another, and Persona requires a name."""
        if api_version is not None and description.name is None:
            raise InvalidValue("'name' is required.", field="name")
        await self._check_url(url)
        now = self._clock()
        webhook = new_webhook(org_id, url, enabled_events, signature_format, now)
        webhook = described(webhook, description, default_version=api_version)
        if status == "disabled":
            webhook = set_status(webhook, "disabled", now)
        await self._save_new(webhook, cap)
        return webhook

    async def _save_new(self, webhook: WebhookRecord, cap: int | None) -> None:
        org_id = webhook.organization_id
        if cap is None:
            await self._webhooks.create(webhook)
            return
        if not await self._webhooks.reserve(org_id, webhook.id, cap):
            raise WebhookCapReached(cap)
        try:
            await self._webhooks.create(webhook)
        finally:
            await self._webhooks.release(org_id, webhook.id)

    async def update(self, org_id: str, webhook_id: str, changes: WebhookChanges) -> WebhookRecord:
        """Change url, enabled-events, status or the described settings; enabling forgets the
        failure streak (an archived webhook refuses it: :class:`WebhookArchived`). A
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
        updated = described(updated, changes.description)
        if changes.status == "enabled" and webhook.archived:
            raise WebhookArchived()
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

    async def enable(self, org_id: str, webhook_id: str) -> WebhookRecord:
        """Enable (nothing written when it is enabled) and forget the failure streak;
        :class:`WebhookArchived` when archived."""
        read = await self.read(org_id, webhook_id)
        webhook = read.value
        if webhook.archived:
            raise WebhookArchived()
        if webhook.status == "enabled":
            return webhook
        enabled = set_status(webhook, "enabled", self._clock())
        await self._webhooks.change(enabled, read.version)
        await self._queue.reset_health(webhook.id)
        return enabled

    async def disable(self, org_id: str, webhook_id: str) -> WebhookRecord:
        """Disable (nothing written when it is disabled): nothing is delivered until it is
        enabled again."""
        read = await self.read(org_id, webhook_id)
        if read.value.status == "disabled":
            return read.value
        disabled = set_status(read.value, "disabled", self._clock())
        await self._webhooks.change(disabled, read.version)
        return disabled

    async def archive(self, org_id: str, webhook_id: str) -> WebhookRecord:
        """Archive for good (nothing written when it is archived): it delivers nothing and
        cannot be enabled again."""
        read = await self.read(org_id, webhook_id)
        if read.value.archived:
            return read.value
        archived = archive(read.value, self._clock())
        await self._webhooks.change(archived, read.version)
        return archived

    async def clone(self, org_id: str, webhook_id: str, *, cap: int | None = None) -> WebhookRecord:
        """A new webhook with the settings of the caller's webhook and its own secret (in the
        record, to show once); its URL is vetted again and it counts against ``cap``."""
        source = await self.get(org_id, webhook_id)
        await self._check_url(source.url)
        copy = cloned(source, self._clock())
        await self._save_new(copy, cap)
        return copy

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
