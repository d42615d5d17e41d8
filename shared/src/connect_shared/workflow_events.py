"""The subscription both workflow executors share: ``connect.events`` in the service's workflow
group, each event parsed with the shared model and handed over with the time it was produced
(a workflow created later does not act on it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from connect_shared.config import KafkaSettings
from connect_shared.events import Event
from connect_shared.subscriber import Incoming, Subscriber, Subscription, model_value

RunWorkflows = Callable[[Event, int], Awaitable[None]]


def workflow_events(
    settings: KafkaSettings, topic: str, group: str, client_id: str, run: RunWorkflows
) -> Subscriber[Event]:
    """A subscriber calling ``run(event, produced_ms)`` for every event on ``topic``; only the
    platform writes that topic, so an unreadable event is logged and skipped."""

    async def handle(incoming: Incoming[Event]) -> None:
        await run(incoming.message, incoming.received.timestamp)

    subscription = Subscription(topic, group, client_id, model_value(Event))
    return Subscriber.each(settings, subscription, handle)
