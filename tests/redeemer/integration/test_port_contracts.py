"""The redeemer's ports (``redeemer.ports``): one contract, run against the in-memory fake the
unit tests use and the real ``RedemptionStore`` over real Kafka and Redis."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from connect_shared.clock import iso, utcnow
from connect_shared.events import Event
from connect_shared.ids import new_id
from connect_shared.records import (
    ConnectionRecord,
    ShareTokenRecord,
    SourceObjectRecord,
    connection_state,
    share_token_state,
    source_object_state,
)
from connect_shared.redemptions import RedemptionRequest
from connect_shared.state import VIEW_READY_KEY
from redeemer.domain.outcome import Outcome, outcome_events
from redeemer.domain.tokens import mark_redeemed
from tests.redeemer.integration.test_redemption_store import World, event_ids, world
from tests.redeemer.unit.builders import connection, inquiry, token
from tests.redeemer.unit.fakes import FakeRecords
from tests.support.kafka import read_topic

pytestmark = pytest.mark.integration

__all__ = ["world"]  # the real store's fixture

Record = ShareTokenRecord | SourceObjectRecord | ConnectionRecord


@dataclass
class Contract:
    store: FakeRecords  # the real store answers the same Protocols (redeemer.ports)
    seed: Callable[..., Awaitable[None]]
    emitted: Callable[[], Awaitable[Counter[str]]]
    submitted: Callable[[], Awaitable[list[RedemptionRequest]]]


def fake_contract() -> Contract:
    store = FakeRecords()

    async def seed(*records: Record) -> None:
        for record in records:
            store.records[record.id] = record

    async def emitted() -> Counter[str]:
        return Counter(e.id for e in store.emitted)

    async def submitted() -> list[RedemptionRequest]:
        return list(store.submitted)

    return Contract(store, seed, emitted, submitted)


def real_contract(world: World) -> Contract:
    async def seed(*records: Record) -> None:
        states = []
        for record in records:
            if isinstance(record, ShareTokenRecord):
                states.append(share_token_state(record))
            elif isinstance(record, ConnectionRecord):
                states.append(connection_state(record))
            else:
                states.append(source_object_state(record))
        await world.state.put(*states)

    async def emitted() -> Counter[str]:
        return await event_ids(world.events_topic)

    async def submitted() -> list[RedemptionRequest]:
        found = await read_topic(world.redemptions_topic)
        return [RedemptionRequest.from_bytes(value) for _, value in found if value]

    return Contract(world.store, seed, emitted, submitted)  # type: ignore[arg-type]


@pytest.fixture(params=["fake", "real"])
async def contract(request: pytest.FixtureRequest, world: World) -> AsyncIterator[Contract]:
    if request.param == "fake":
        yield fake_contract()
    else:
        # The scratch database holds a built view (the marker a rebuild leaves).
        await world.state.redis.set(VIEW_READY_KEY, "1")
        yield real_contract(world)


def fresh() -> tuple[ShareTokenRecord, SourceObjectRecord, ConnectionRecord]:
    source = inquiry(id=new_id("inq_"))
    cxn = connection(id=new_id("cxn_"))
    return token(id=new_id("cnst_"), source_id=source.id, connection_id=cxn.id), source, cxn


async def test_records_read_back_by_kind(contract: Contract) -> None:
    created, source, cxn = fresh()
    await contract.seed(created, source, cxn)
    store = contract.store
    assert await store.view_ready()
    assert await store.token(created.id) == created
    assert await store.connection(cxn.id) == cxn
    assert await store.object(source.id) == source
    missing = new_id("inq_")
    assert await store.objects([missing, source.id]) == [None, source]
    assert await store.token(new_id("cnst_")) is None


async def test_what_a_redemption_reads_comes_back_together(contract: Contract) -> None:
    created, source, cxn = fresh()
    destination = inquiry(id=new_id("inq_"))
    await contract.seed(created, source, cxn, destination)
    store = contract.store
    assert await store.inputs(source.id, cxn.id, None) == (source, cxn, None)
    assert await store.inputs(source.id, cxn.id, destination.id) == (source, cxn, destination)
    missing = new_id("inq_")
    assert await store.inputs(missing, new_id("cxn_"), missing) == (None, None, None)


async def test_a_submitted_redeem_is_the_pending_token_and_its_request(contract: Contract) -> None:
    created, source, cxn = fresh()
    await contract.seed(created, source, cxn)
    now = utcnow()
    pending = created.model_copy(update={"status": "pending", "pending_at": iso(now)})
    request = RedemptionRequest(
        token_id=created.id,
        destination_organization_id=created.destination_organization_id,
        mode="clone",
        pending_at=iso(now),
        requested_at_ms=0,
    )
    await contract.store.submit(pending, request)
    assert await contract.store.token(created.id) == pending
    assert await contract.submitted() == [request]


async def test_attempts_keep_the_time_of_the_first(contract: Contract) -> None:
    token_id, first = new_id("cnst_"), utcnow()
    assert await contract.store.begin_attempt(token_id, first) == (first, False)
    started, retried = await contract.store.begin_attempt(token_id, first + timedelta(seconds=5))
    assert retried and iso(started) == iso(first)


async def test_a_finished_redemption_is_announced_once(contract: Contract) -> None:
    created, source, cxn = fresh()
    pending = created.model_copy(update={"status": "pending", "pending_at": iso(utcnow())})
    await contract.seed(pending, source, cxn)
    copy = inquiry(id=new_id("inq_"))
    finished = mark_redeemed(pending, copy.id, "inquiry", utcnow())
    events: list[Event] = outcome_events(finished)
    await contract.store.redemption_finished(Outcome(finished, [copy]), events, retried=False)
    assert await contract.store.token(created.id) == finished
    assert await contract.store.object(copy.id) == copy
    await contract.store.announce(finished, events)
    await contract.store.redemption_finished(Outcome(finished, [copy]), events, retried=True)
    assert await contract.emitted() == Counter({e.id: 1 for e in events})
