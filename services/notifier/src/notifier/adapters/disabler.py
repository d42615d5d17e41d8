"""Disabling a webhook on the notifier's own initiative (410 Gone, or failing too long), with a
``webhook.disabled`` event to its organization on ``connect.events``."""

from __future__ import annotations

import logging

from connect_shared import jsonutil
from connect_shared.clock import utcnow
from connect_shared.events import build_event
from connect_shared.kafka import OutgoingMessage
from notifier.adapters.queue import DeliveryQueue
from notifier.adapters.views import webhook_resource
from notifier.adapters.webhook_store import WebhookStore
from notifier.domain.webhooks import set_status
from notifier.metrics import WEBHOOKS_DISABLED

log = logging.getLogger(__name__)


class WebhookDisabler:
    """Disables once: the event id is derived from the webhook's last update, so replicas
    racing to disable the same webhook emit the same event."""

    def __init__(self, webhooks: WebhookStore, queue: DeliveryQueue, events_topic: str) -> None:
        self._webhooks = webhooks
        self._queue = queue
        self._topic = events_topic

    async def disable(self, webhook_id: str, reason: str, kind: str) -> bool:
        """Disable ``webhook_id`` unless it is gone or already disabled; True if it was."""
        webhook = await self._webhooks.get(webhook_id)
        if webhook is None or webhook.status != "enabled":
            return False
        disabled = set_status(webhook, "disabled", utcnow(), reason)
        event = build_event(
            "webhook.disabled",
            webhook.organization_id,
            webhook_resource(disabled),
            idempotency_parts=(webhook.id, webhook.updated_at, kind),
        )
        message = OutgoingMessage(self._topic, webhook.id, jsonutil.dumps(event.to_wire()))
        await self._webhooks.save(disabled, also=[message])
        await self._queue.reset_health(webhook.id)
        WEBHOOKS_DISABLED.labels(kind).inc()
        log.warning("webhook disabled", extra={"webhook_id": webhook.id, "reason": reason})
        return True
