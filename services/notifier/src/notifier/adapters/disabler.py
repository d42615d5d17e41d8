"""Disabling a webhook on the notifier's own initiative (410 Gone, or failing too long), with a
``webhook.disabled`` event to its organization on ``connect.events``."""

from __future__ import annotations

import logging

from connect_shared import jsonutil
from connect_shared.backoff import Backoff, retry
from connect_shared.clock import utcnow
from connect_shared.events import build_event
from connect_shared.kafka import OutgoingMessage
from connect_shared.versioned import LostRace
from notifier.adapters.stores.queue import DeliveryQueue
from notifier.adapters.stores.webhook_store import WebhookStore
from notifier.adapters.views import webhook_resource
from notifier.domain.webhooks import WebhookRecord, set_status
from notifier.metrics import WEBHOOKS_DISABLED

log = logging.getLogger(__name__)


DISABLE_BACKOFF = Backoff(first=0.1, cap=0.2, attempts=3)


class WebhookDisabler:
    """Disables once: a compare-and-set against the version read, so of replicas racing to
    disable the same webhook one wins (and the event id is derived from the webhook's last
    update anyway), and a user's concurrent change is never overwritten."""

    def __init__(self, webhooks: WebhookStore, queue: DeliveryQueue, events_topic: str) -> None:
        self._webhooks = webhooks
        self._queue = queue
        self._topic = events_topic

    async def disable(
        self, webhook_id: str, reason: str, kind: str, url: str | None = None
    ) -> bool:
        """Disable ``webhook_id`` unless it is gone, already disabled or (given ``url``, the
        endpoint that failed) pointed elsewhere meanwhile; True if this call disabled it.
        A change that wins the race in between is re-read and decided on again (bounded)."""
        try:
            # A change in flight usually lands within milliseconds: re-read after a short wait.
            return await retry(
                lambda: self._disable_current(webhook_id, reason, kind, url),
                DISABLE_BACKOFF,
                on=LostRace,
            )
        except LostRace:
            log.warning("webhook not disabled: it kept changing", extra={"webhook_id": webhook_id})
            return False

    async def _disable_current(
        self, webhook_id: str, reason: str, kind: str, url: str | None
    ) -> bool:
        found = await self._webhooks.read(webhook_id)
        if found is None or found.value.status != "enabled":
            return False
        if url is not None and found.value.url != url:
            return False
        await self._disable(found.value, found.version, reason, kind)
        return True

    async def _disable(self, webhook: WebhookRecord, version: int, reason: str, kind: str) -> None:
        disabled = set_status(webhook, "disabled", utcnow(), reason)
        event = build_event(
            "webhook.disabled",
            webhook.organization_id,
            webhook_resource(disabled),
            idempotency_parts=(webhook.id, webhook.updated_at, kind),
        )
        message = OutgoingMessage(self._topic, webhook.id, jsonutil.dumps(event.to_wire()))
        await self._webhooks.change(disabled, version, also=[message])
        await self._queue.reset_health(webhook.id)
        WEBHOOKS_DISABLED.labels(kind).inc()
        log.warning("webhook disabled", extra={"webhook_id": webhook.id, "reason": reason})
