"""The subscription both workflow executors share: ``connect.events`` in the service's workflow
group, each event parsed with the shared model and handed over with the time it was produced
(a workflow created later does not act on it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.events import Event
from connect_shared.subscriber import Decode, Incoming, Received, Subscriber, Subscription

RunWorkflows = Callable[[Event, int], Awaitable[None]]


def workflow_events(
    settings: KafkaSettings,
    topic: str,
    group: str,
    client_id: str,
    run: RunWorkflows,
    names: Collection[str],
) -> Subscriber[Event]:
    """A subscriber calling ``run(event, produced_ms)`` for every event on ``topic`` named in
    ``names`` (the triggers of the executor's action); only the platform writes that topic, so
    an unreadable event is logged and skipped."""

    async def handle(incoming: Incoming[Event]) -> None:
        await run(incoming.message, incoming.received.timestamp)

    subscription = Subscription(topic, group, client_id, named_events(names))
    return Subscriber.each(settings, subscription, handle)


def named_events(names: Collection[str]) -> Decode[Event]:
    """A decoder keeping only events named in ``names``. Every event of the platform passes
    through each executor and most trigger nothing, so the name is looked up in the parsed JSON
    before the event is validated as a model; anything not shaped like an event is validated
    anyway, so that it is reported as unreadable rather than silently skipped."""
    wanted = frozenset(names)

    def decode(received: Received) -> Event | None:
        if not received.value:
            return None
        document = jsonutil.loads(received.value)
        name = _name_of(document)
        if name is not None and name not in wanted:
            return None
        return Event.model_validate(document)

    return decode


def _name_of(document: Any) -> str | None:
    try:
        name = document["data"]["attributes"]["name"]
    except (TypeError, KeyError):
        return None
    return name if isinstance(name, str) else None
