"""Resending one event to one webhook, for the API and the dashboard alike (contract 2.4)."""

from __future__ import annotations

import time

from connect_shared.errors import Conflict, NotFound, Unprocessable
from connect_shared.ids import has_prefix
from notifier.bootstrap import Notifier
from notifier.domain.webhooks import WebhookRecord, subscribed


async def resend(notifier: Notifier, webhook: WebhookRecord, event_id: str) -> str:
    """Schedule ``event_id`` to ``webhook`` again from attempt 1 (same id, same bytes) and
    return the delivery id. 404 for an event the webhook's organization does not have (or no
    longer keeps), 409 while the webhook is disabled, 422 for an event it is not subscribed
    to (``enabled-events``, ``*`` for all)."""
    if not has_prefix(event_id, "evt_"):
        raise NotFound("No such event.")
    if webhook.status != "enabled":
        raise Conflict(
            "The webhook is disabled; enable it before resending.",
            meta={"status": webhook.status},
        )
    name = await notifier.queue.event_name(event_id, webhook.organization_id)
    if name is None:
        raise NotFound("No such event (or it is no longer kept for resending).")
    if not subscribed(webhook.enabled_events, name):
        raise Unprocessable(
            f"The webhook is not subscribed to '{name}' events; add it to enabled-events "
            "to resend this event.",
            pointer="/data/attributes/enabled-events",
            meta={"event-name": name},
        )
    now_ms = int(time.time() * 1000)
    delivery_id = await notifier.queue.resend(webhook.id, event_id, webhook.organization_id, now_ms)
    if delivery_id is None:
        raise NotFound("No such event (or it is no longer kept for resending).")
    notifier.dispatcher.wake()
    return delivery_id
