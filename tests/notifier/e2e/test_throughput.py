"""Fan-out: every event reaches every one of an organization's 100 webhooks, once.

How fast (the 2,000 deliveries/s target) is measured by `make bench`, the ``fanout`` scenario
(bench/scenarios.py), not asserted here: a rate floor in a functional test flakes on a busy
machine and proves nothing about the behaviour."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.notifier.sink import Sink, create_webhook, publish, token_event

pytestmark = pytest.mark.e2e

WEBHOOKS = 100
EVENTS = 100


async def test_fan_out_delivers_each_event_to_each_of_100_webhooks(
    org_factory: Any, client: Any
) -> None:
    org = org_factory("throughput")
    api = client(org["api-key"])
    sink = await Sink().start()
    try:
        hooks = [await create_webhook(api, sink.url) for _ in range(WEBHOOKS)]
        sent = await publish(*(token_event(org["id"]) for _ in range(EVENTS)))
        await sink.wait_for(lambda r: len(r) >= WEBHOOKS * EVENTS, timeout=60)
        assert Counter(r.event_id for r in sink.received) == dict.fromkeys(sent, WEBHOOKS)
        for hook in hooks:
            await api.delete(f"/webhooks/{hook['id']}")
    finally:
        await sink.stop()
