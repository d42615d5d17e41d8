"""``Idempotency-Key`` slots are leases: a dead request's slot lapses so a retry proceeds; a
replay repeats the original status, body and headers; the same body in another member order or
spacing is the same request. The real middleware over the real Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from connect_shared.auth import Principal
from connect_shared.http import idempotency
from connect_shared.http.idempotency import RUNNING_LEASE_SECONDS, idempotency_keys
from connect_shared.http.keys import PRINCIPAL_KEY
from connect_shared.http.middleware import Handler, errors_as_jsonapi
from connect_shared.leases import Lease
from connect_shared.runtime import RUNTIME, Runtime

pytestmark = pytest.mark.integration


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self.hang = False
        self.started = asyncio.Event()
        self.die = asyncio.Event()
        self.ended = asyncio.Event()


@web.middleware
async def as_caller(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[PRINCIPAL_KEY] = Principal(api_key_id="key_test", organization_id="org_leases")
    return await handler(request)


@pytest.fixture
async def client(scratch_redis: Redis) -> AsyncIterator[tuple[TestClient[Any, Any], Calls]]:
    calls = Calls()

    async def create(request: web.Request) -> web.Response:
        calls.count += 1
        calls.started.set()
        if calls.hang:
            try:
                await calls.die.wait()
                raise asyncio.CancelledError  # the process goes away mid-request
            finally:
                calls.ended.set()
        body = await request.json()
        return web.json_response(
            {"n": calls.count, "echo": body},
            status=201,
            headers={"Location": f"/things/{calls.count}", "Thing-Version": "7"},
        )

    app = web.Application(middlewares=[errors_as_jsonapi, as_caller, idempotency_keys])
    # The middleware only needs the runtime's Redis.
    app[RUNTIME] = cast(Runtime, type("R", (), {"redis": scratch_redis})())
    app.router.add_post("/things", create)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client, calls


def post(test_client: TestClient[Any, Any], key: str, data: str) -> Any:
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    return test_client.post("/things", data=data, headers=headers)


async def test_a_replay_repeats_the_original_status_body_and_headers(
    client: tuple[TestClient[Any, Any], Calls],
) -> None:
    test_client, calls = client
    first = await post(test_client, "k-replay", '{"a": 1}')
    again = await post(test_client, "k-replay", '{"a": 1}')
    assert first.status == again.status == 201
    assert await first.read() == await again.read()
    assert again.headers["Location"] == first.headers["Location"] == "/things/1"
    assert again.headers["Thing-Version"] == "7"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert calls.count == 1


async def test_the_same_body_in_another_member_order_or_spacing_is_the_same_request(
    client: tuple[TestClient[Any, Any], Calls],
) -> None:
    test_client, calls = client
    first = await post(test_client, "k-parsed", '{"a": 1, "b": {"c": [1, 2]}}')
    reordered = await post(test_client, "k-parsed", '{ "b" : {"c":[1,2]},\n "a":1 }')
    different = await post(test_client, "k-parsed", '{"a": 1, "b": {"c": [2, 1]}}')
    assert first.status == reordered.status == 201
    assert reordered.headers["Idempotent-Replayed"] == "true"
    assert different.status == 409
    assert calls.count == 1


async def test_a_slot_whose_request_died_lapses_and_the_retry_proceeds(
    client: tuple[TestClient[Any, Any], Calls],
    scratch_redis: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_client, calls = client
    calls.hang = True

    # A process that dies neither renews its lease nor gives it back.
    @contextlib.asynccontextmanager
    async def no_heartbeat(self: Lease) -> AsyncIterator[None]:
        yield

    async def no_release(self: Lease) -> None:
        return None

    monkeypatch.setattr(Lease, "kept", no_heartbeat)
    monkeypatch.setattr(Lease, "release", no_release)
    dying = asyncio.create_task(post(test_client, "k-dead", '{"a": 1}'))
    await asyncio.wait_for(calls.started.wait(), 10)
    (slot,) = [key async for key in scratch_redis.scan_iter("idem:org_leases:*")]
    assert 0 < await scratch_redis.pttl(slot) <= RUNNING_LEASE_SECONDS * 1000
    calls.die.set()
    await asyncio.wait_for(calls.ended.wait(), 10)
    with contextlib.suppress(Exception):
        await dying

    calls.hang = False
    monkeypatch.undo()
    in_progress = await post(test_client, "k-dead", '{"a": 1}')
    assert in_progress.status == 409  # still held: nobody knows yet that it died
    retried = await _eventually(lambda: post(test_client, "k-dead", '{"a": 1}'), 201)
    assert retried.headers.get("Idempotent-Replayed") is None
    assert calls.count == 2


async def test_a_running_request_keeps_its_slot_past_the_lease(
    client: tuple[TestClient[Any, Any], Calls],
    scratch_redis: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_client, calls = client
    monkeypatch.setattr(idempotency, "RUNNING_LEASE_SECONDS", 0.6)
    calls.hang = True
    running = asyncio.create_task(post(test_client, "k-alive", '{"a": 1}'))
    await asyncio.wait_for(calls.started.wait(), 10)
    (slot,) = [key async for key in scratch_redis.scan_iter("idem:org_leases:*")]
    # Renewed by the heartbeat: still held after several lease periods.
    for _ in range(5):
        renewed = await _pttl_renewed(scratch_redis, slot)
        assert renewed
    assert (await post(test_client, "k-alive", '{"a": 1}')).status == 409
    calls.die.set()
    with contextlib.suppress(Exception):
        await running


async def _pttl_renewed(redis: Redis, slot: str) -> bool:
    """Waits until the slot's remaining time goes up again (a heartbeat), bounded."""
    last = await redis.pttl(slot)
    async with asyncio.timeout(5):
        while True:
            await asyncio.sleep(0.05)
            now = await redis.pttl(slot)
            if now <= 0:
                return False
            if now > last:
                return True
            last = now


async def _eventually(call: Callable[[], Any], status: int) -> Any:
    """Repeats ``call`` until it answers ``status`` (bounded by a lease and some)."""
    async with asyncio.timeout(RUNNING_LEASE_SECONDS + 20):
        while True:
            response = await call()
            if response.status == status:
                return response
            assert response.status == 409
            await asyncio.sleep(0.25)
