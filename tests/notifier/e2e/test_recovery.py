"""A notifier killed with kill -9, or a Redis flushed, while retries are pending loses
nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web
from redis.asyncio import Redis

from tests.notifier.sink import Received, Sink, create_webhook, publish, token_event
from tests.support.ports import redis_url

pytestmark = pytest.mark.e2e


async def test_retries_pending_at_kill_9_are_all_delivered_after_restart(
    org_factory: Any, client: Any, services: Any
) -> None:
    async def fail_first(received: Received) -> web.StreamResponse:
        return web.Response(status=500 if received.number == 1 else 200)

    org = org_factory("kill-9")
    api = client(org["api-key"])
    sink = await Sink(fail_first).start()
    notifier = services["notifier"]
    try:
        hook = await create_webhook(api, sink.url)
        before = await publish(*(token_event(org["id"]) for _ in range(20)))
        # Every event has failed once: its retry is pending when the process dies.
        await sink.wait_for(lambda r: {x.event_id for x in r} >= set(before))
        notifier.kill()
        during = await publish(*(token_event(org["id"]) for _ in range(10)))
        await asyncio.to_thread(notifier.start)
        expected = set(before) | set(during)

        def all_delivered(received: list[Received]) -> bool:
            return {x.event_id for x in received if x.number >= 2} >= expected

        await sink.wait_for(all_delivered, timeout=60)
        assert {x.event_id for x in sink.received} == expected
        for got in sink.received:  # duplicates, if any, carry the same event id everywhere
            assert got.headers["Persona-Webhook-Attempts-Made"].isdigit()
            assert got.body == {**before, **during}[got.event_id]
        await api.delete(f"/webhooks/{hook['id']}")
    finally:
        await sink.stop()
        if notifier.process is None or notifier.process.poll() is not None:
            await asyncio.to_thread(notifier.start)


@pytest.mark.disruptive
async def test_retries_pending_at_a_flushall_are_scheduled_again_and_delivered(
    org_factory: Any, client: Any
) -> None:
    # The delivery queue lives in Redis: a FLUSHALL takes the pending retries with it while the
    # fan-out's offsets are already past their events. The fan-out goes back to its mark.
    flushed = asyncio.Event()
    delivered: set[str] = set()

    async def fail_until_flushed(received: Received) -> web.StreamResponse:
        if not flushed.is_set():
            return web.Response(status=500)
        delivered.add(received.event_id)
        return web.Response(status=200)

    org = org_factory("flushall")
    api = client(org["api-key"])
    sink = await Sink(fail_until_flushed).start()
    try:
        hook = await create_webhook(api, sink.url)
        before = await publish(*(token_event(org["id"]) for _ in range(20)))
        # Every event has failed once: its retry is pending in Redis when Redis is flushed.
        await sink.wait_for(lambda r: {x.event_id for x in r} >= set(before))
        redis = Redis.from_url(redis_url())
        try:
            await redis.flushall()
        finally:
            await redis.aclose()
        flushed.set()
        during = await publish(*(token_event(org["id"]) for _ in range(5)))
        expected = set(before) | set(during)
        await sink.wait_for(lambda _: delivered >= expected, timeout=90)
        assert {x.event_id for x in sink.received} == expected
        for got in sink.received:  # duplicates, if any, carry the same event id and bytes
            assert got.body == {**before, **during}[got.event_id]
        await api.delete(f"/webhooks/{hook['id']}")
    finally:
        await sink.stop()
