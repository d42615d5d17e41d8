"""The fan-out never commits a batch handled while the view was lost: a FLUSHALL between the
readiness check and the webhook lookup makes every organization look webhook-less."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from connect_shared.events import build_event
from connect_shared.kafka import Delivered
from connect_shared.subscriber import Incoming, Received
from notifier.adapters.consumers.fanout import Fanout
from notifier.adapters.stores.queue import EventFanout
from notifier.domain.schedule import RetryPolicy

pytestmark = pytest.mark.unit


class LostView:
    """A view lost after the check before the fetch: no webhooks, and no longer ready."""

    async def ready(self) -> bool:
        return False

    async def for_orgs(self, org_ids: Iterable[str]) -> dict[str, list[Any]]:
        return {}


class Queue:
    def __init__(self) -> None:
        self.scheduled: list[Sequence[EventFanout]] = []

    async def schedule(self, fanouts: Sequence[EventFanout], due_ms: int) -> int:
        self.scheduled.append(fanouts)
        return len(fanouts)


def _incoming() -> Incoming[Any]:
    event = build_event("connect/share-token.inbound-created", "org_a", {"type": "x", "id": "y"})
    received = Received("connect.events", 0, 1, b"org_a", b"{}", [], 0, 0)
    assert received.delivered == Delivered("connect.events", 0, 1)
    return Incoming(event, received)


async def test_a_batch_handled_while_the_view_was_lost_fails_so_it_is_not_committed() -> None:
    view = LostView()
    fanout = Fanout(
        queue=Queue(),  # type: ignore[arg-type]
        webhooks=view,  # type: ignore[arg-type]
        guardian=view,  # type: ignore[arg-type]
        marks=view,  # type: ignore[arg-type]
        policy=RetryPolicy((0.0, 1.0), 0.0, 60.0),
        max_due_backlog=1000,
        on_scheduled=lambda: None,
    )
    with pytest.raises(RuntimeError, match="view was lost"):
        await fanout.handle([_incoming()])
