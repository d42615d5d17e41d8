"""Events reach webhooks signed, retried, dead-lettered and resent (real Kafka, Redis, sinks)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web
from standardwebhooks import Webhook

from tests.notifier.sink import (
    Received,
    Sink,
    attempt_log,
    create_webhook,
    free_port,
    persona_verifies,
    publish,
    token_event,
    wait_for_log,
)

pytestmark = pytest.mark.e2e

ATTEMPTS = 4  # NOTIFIER_RETRY_SCHEDULE=0,1,1,2 in the test environment


async def test_each_organizations_event_reaches_its_webhook_signed_in_both_formats(
    org_factory: Any, client: Any
) -> None:
    persona_org, standard_org = org_factory("sig-persona"), org_factory("sig-standard")
    persona_api, standard_api = client(persona_org["api-key"]), client(standard_org["api-key"])
    persona_sink, standard_sink = await Sink().start(), await Sink().start()
    try:
        persona_hook = await create_webhook(persona_api, persona_sink.url)
        standard_hook = await create_webhook(
            standard_api, standard_sink.url, **{"signature-format": "standard-webhooks"}
        )
        persona_secret = persona_hook["attributes"]["secret"]
        standard_secret = standard_hook["attributes"]["secret"]
        sent = await publish(token_event(persona_org["id"]), token_event(standard_org["id"]))
        persona_event, standard_event = list(sent)

        await persona_sink.wait_for(lambda r: len(r) >= 1)
        await standard_sink.wait_for(lambda r: len(r) >= 1)
        (got_persona,) = persona_sink.received
        (got_standard,) = standard_sink.received
        assert got_persona.body == sent[persona_event]  # the event document, byte for byte
        assert got_standard.body == sent[standard_event]
        assert got_persona.headers["Content-Type"] == "application/json"
        assert persona_verifies(
            got_persona.headers["Persona-Signature"], persona_secret, got_persona.body
        )
        assert Webhook(standard_secret).verify(got_standard.body, got_standard.headers)
        assert got_standard.headers["webhook-id"] == standard_event
        for got in (got_persona, got_standard):
            assert got.headers["Persona-Webhook-Attempts-Made"] == "1"
            assert got.headers["Persona-Webhook-Attempts-Left"] == str(ATTEMPTS - 1)
            assert abs(int(got.headers["Persona-Webhook-First-Attempted-At"]) - time.time()) < 30

        # Rotation: while the old secret is live, both verify.
        rotated = {}
        for api, hook in ((persona_api, persona_hook), (standard_api, standard_hook)):
            reply = await api.post(
                f"/webhooks/{hook['id']}/rotate-secret", {"meta": {"expires-in-seconds": 7200}}
            )
            assert reply.status == 200
            rotated[hook["id"]] = reply.data["attributes"]["secret"]
        await publish(token_event(persona_org["id"]), token_event(standard_org["id"]))
        await persona_sink.wait_for(lambda r: len(r) >= 2)
        await standard_sink.wait_for(lambda r: len(r) >= 2)
        got_persona, got_standard = persona_sink.received[1], standard_sink.received[1]
        header = got_persona.headers["Persona-Signature"]
        assert len(header.split(" ")) == 2
        for secret in (persona_secret, rotated[persona_hook["id"]]):
            assert persona_verifies(header, secret, got_persona.body)
        for secret in (standard_secret, rotated[standard_hook["id"]]):
            assert Webhook(secret).verify(got_standard.body, got_standard.headers)
    finally:
        await persona_sink.stop()
        await standard_sink.stop()


async def test_a_sink_failing_twice_gets_three_attempts_with_the_same_event_id(
    org_factory: Any, client: Any
) -> None:
    async def fail_twice(received: Received) -> web.StreamResponse:
        return web.Response(status=500 if received.number <= 2 else 200)

    org = org_factory("retry-3")
    api = client(org["api-key"])
    sink = await Sink(fail_twice).start()
    try:
        hook = await create_webhook(api, sink.url)
        (event_id,) = await publish(token_event(org["id"]))
        await sink.wait_for(lambda r: len(r) >= 3)
        log = await wait_for_log(api, hook["id"], event_id, lambda e: len(e) >= 3)
        # Nothing more arrives after the success: once the log holds the third attempt, a later
        # event to the same webhook is the marker; when it has been delivered and logged, any
        # attempt the success left behind would have reached the sink before it.
        (marker,) = await publish(token_event(org["id"]))
        await sink.wait_for(lambda r: any(x.event_id == marker for x in r))
        await wait_for_log(api, hook["id"], marker, lambda e: len(e) >= 1)
        attempts = sink.for_event(event_id)
        assert len(attempts) == 3
        assert [a.attempts_made for a in attempts] == [1, 2, 3]
        assert [a.headers["Persona-Webhook-Attempts-Left"] for a in attempts] == ["3", "2", "1"]
        assert len({a.headers["Persona-Webhook-First-Attempted-At"] for a in attempts}) == 1
        assert all(a.event_id == event_id for a in attempts)
        log = await attempt_log(api, hook["id"], event_id)
        assert [e["attempt-number"] for e in log] == [1, 2, 3]
        assert [e["status-code"] for e in log] == [500, 500, 200]
        assert [e["result"] for e in log] == ["retrying", "retrying", "delivered"]
        assert all(e["event-id"] == event_id and e["duration-ms"] is not None for e in log)
        assert all(e["created-at"] for e in log)
    finally:
        await sink.stop()


async def _hang_until(healthy: asyncio.Event, received: Received) -> web.StreamResponse:
    if not healthy.is_set():
        await asyncio.sleep(5)  # longer than the delivery timeout (1 s in the tests)
    return web.Response(status=200)


async def _redirect_until(healthy: asyncio.Event, received: Received) -> web.StreamResponse:
    if not healthy.is_set():
        return web.Response(status=301, headers={"Location": "http://127.0.0.1:9/elsewhere"})
    return web.Response(status=200)


@pytest.mark.parametrize("failure", ["timeout", "redirect", "refused"])
async def test_a_failing_sink_is_dead_lettered_and_resend_delivers_once_healthy(
    org_factory: Any, client: Any, failure: str
) -> None:
    healthy = asyncio.Event()

    async def behaviour(received: Received) -> web.StreamResponse:
        if failure == "timeout":
            return await _hang_until(healthy, received)
        return await _redirect_until(healthy, received)

    org = org_factory(f"dead-{failure}")
    api = client(org["api-key"])
    sink = Sink(behaviour, port=free_port())
    if failure != "refused":
        await sink.start()
    try:
        hook = await create_webhook(api, sink.url)
        (event_id,) = await publish(token_event(org["id"]))
        log = await wait_for_log(
            api, hook["id"], event_id, lambda e: any(x["dead-letter"] for x in e), timeout=40
        )
        assert [e["attempt-number"] for e in log] == [1, 2, 3, 4]
        assert [e["result"] for e in log] == ["retrying"] * 3 + ["dead-lettered"]
        if failure == "redirect":
            assert {e["status-code"] for e in log} == {301}
        else:
            assert all(e["status-code"] is None and e["error"] for e in log)
        if failure == "refused":
            await sink.start()
        healthy.set()
        before = len(sink.for_event(event_id))
        reply = await api.post(f"/webhooks/{hook['id']}/events/{event_id}/resend")
        assert reply.status == 202, reply.body
        await sink.wait_for(lambda r: len([x for x in r if x.event_id == event_id]) > before)
        log = await wait_for_log(
            api, hook["id"], event_id, lambda e: e[-1]["result"] == "delivered"
        )
        assert log[-1]["attempt-number"] == 1 and log[-1]["status-code"] == 200
        assert sink.for_event(event_id)[-1].attempts_made == 1
    finally:
        await sink.stop()


async def test_resend_of_an_unknown_event_is_404(org_factory: Any, client: Any) -> None:
    api = client(org_factory("resend-404")["api-key"])
    hook = await create_webhook(api, "http://127.0.0.1:9/hook")
    reply = await api.post(f"/webhooks/{hook['id']}/events/evt_abcdefghijklmnopqrstuvwx/resend")
    assert reply.status == 404


async def test_a_slow_endpoint_does_not_delay_a_healthy_one(org_factory: Any, client: Any) -> None:
    """Every event reaches the healthy endpoint while the other one never answers in time.

    Delivered one after another, 40 events would each wait out the slow endpoint's timeouts
    and retries (minutes); the bounded wait is the check. How fast the healthy endpoints are
    served beside slow ones is measured by `make bench` (the ``isolation`` scenario)."""
    stuck = asyncio.Event()

    async def sleepy(_: Received) -> web.StreamResponse:
        await stuck.wait()  # until the test ends: longer than any delivery timeout
        return web.Response(status=200)

    org = org_factory("isolation")
    api = client(org["api-key"])
    slow, fast = await Sink(sleepy).start(), await Sink().start()
    try:
        slow_hook = await create_webhook(api, slow.url)
        await create_webhook(api, fast.url)
        count = 40
        sent = [
            event_id for _ in range(count) for event_id in await publish(token_event(org["id"]))
        ]
        await fast.wait_for(lambda r: {x.event_id for x in r} >= set(sent), timeout=20)
        assert slow.received  # the slow endpoint was tried meanwhile
        await api.delete(f"/webhooks/{slow_hook['id']}")
    finally:
        stuck.set()
        await slow.stop()
        await fast.stop()
