"""SIGTERM is a graceful stop (issue 13, bullet 4): a service stops accepting, finishes the
requests and the Kafka batches in hand, flushes and commits, leaves its groups and exits 0; a
restart under load fails no client request (a retried 503 is fine) and loses no work.

Real processes (the suite's ``services``), through the real gateway."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest

from tests.redeemer.e2e.world import (
    all_objects,
    connected_pair,
    copies_of,
    create_object,
    wait_finished,
)
from tests.support.admin import set_rate_limit
from tests.support.api import ApiClient
from tests.support.kafka import TopicRecorder
from tests.support.services import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.disruptive]

REDEEM = "/connect/share-tokens/{}/redeem"


def _terminate(service: ServiceProcess) -> int:
    """SIGTERM and the exit code (the process gets the bound a supervisor would give it)."""
    assert service.process is not None
    service.process.terminate()
    return service.process.wait(45)


async def _create(api: ApiClient, body: dict[str, Any], key: str) -> int:
    reply = await api.post("/connect/share-tokens", body, headers={"Idempotency-Key": key})
    return reply.status


async def test_sigterm_of_the_issuer_under_load_answers_every_request_201_or_503(
    org_factory: Any, client: Any, services: dict[str, ServiceProcess]
) -> None:
    pair = await connected_pair(org_factory, client)
    await asyncio.to_thread(set_rate_limit, pair.source_org, 5000)
    inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
    attributes = {"connection-id": pair.connection_id, "source-id": inquiry["id"]}
    body = {"data": {"attributes": attributes}}
    seen: dict[str, list[int]] = {}
    stopping = asyncio.Event()

    async def one_client() -> None:
        while not stopping.is_set():
            key = str(uuid.uuid4())
            seen[key] = [await _create(pair.source, body, key)]

    clients = [asyncio.create_task(one_client()) for _ in range(6)]
    while sum(s == [201] for s in seen.values()) < 20:
        await asyncio.sleep(0.05)
    code = await asyncio.to_thread(_terminate, services["issuer"])
    stopping.set()
    await asyncio.gather(*clients)
    assert code == 0
    services["issuer"].start()

    # The clients' retries, same key and body, once the issuer is back.
    for key, statuses in seen.items():
        while statuses[-1] == 503:
            statuses.append(await _create(pair.source, body, key))
    assert {s for statuses in seen.values() for s in statuses} <= {201, 503}
    assert all(statuses[-1] == 201 for statuses in seen.values())
    listed = await all_objects(pair.source, "connect/share-tokens")
    assert len(listed) == len(seen), "a retried 503 created a second token (or one was lost)"


async def test_sigterm_of_the_redeemer_mid_flight_exits_0_and_loses_or_doubles_nothing(
    org_factory: Any, client: Any, services: dict[str, ServiceProcess]
) -> None:
    pair = await connected_pair(org_factory, client)
    await asyncio.to_thread(set_rate_limit, pair.destination_org, 5000)
    state = TopicRecorder("connect.state")
    await state.start()
    try:
        inquiry = await create_object(pair.source, "inquiries", {"name-first": "Ada"})
        attributes = {"connection-id": pair.connection_id, "source-id": inquiry["id"]}
        tokens = []
        for _ in range(60):
            reply = await pair.source.post(
                "/connect/share-tokens", {"data": {"attributes": attributes}}
            )
            assert reply.status == 201, reply.body
            tokens.append(reply.data["id"])
        replies = await asyncio.gather(*(pair.destination.post(REDEEM.format(t)) for t in tokens))
        assert [r.status for r in replies] == [202] * len(tokens)
        # Mid-flight: the first redemption is done, so the worker holds a batch.
        await wait_finished(pair.destination, tokens[0], timeout=60)
        code = await asyncio.to_thread(_terminate, services["redeemer"])
        assert code == 0
        services["redeemer"].start()

        finished = await asyncio.gather(
            *(wait_finished(pair.destination, t, timeout=90) for t in tokens)
        )
        assert {t["attributes"]["status"] for t in finished} == {"redeemed"}
        copies = await all_objects(pair.destination, "inquiries")
        async with asyncio.timeout(30):
            while not all(copies_of(copies, t) for t in tokens):
                await asyncio.sleep(0.5)
                copies = await all_objects(pair.destination, "inquiries")
        copy_ids = [c["id"] for t in tokens for c in copies_of(copies, t)]
        assert len(copy_ids) == len(tokens)
        await state.caught_up()
        # (The batch in hand finishing and committing is specified, deterministically, by
        # tests/foundation/test_subscriber_shutdown.py.)
        writes = Counter(key for key in state.keys if key in set(copy_ids))
        assert set(writes.values()) == {1}, writes.most_common(3)
    finally:
        await state.stop()
