"""One contract per issuer port (``issuer.ports``), run against the in-memory fake the unit tests
use and the real store in ``issuer/adapters/stores`` over the real Kafka and Redis: the fakes
are only as good as this proves them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from connect_shared.claims import ClaimResult
from connect_shared.clock import epoch_ms, iso
from connect_shared.ids import new_id
from connect_shared.pagination import CursorNotFound, PageRequest
from connect_shared.records import (
    ConnectionRecord,
    OrganizationRecord,
    ShareTokenRecord,
    SourceObjectRecord,
    connection_index,
    connection_state,
    organization_state,
    share_token_state,
    source_object_state,
)
from connect_shared.runtime import Runtime
from connect_shared.state_record import StateRecord
from connect_shared.token_guard import TokenGuard
from connect_shared.versioned import LostRace
from issuer.adapters.stores.entity_store import EntityStore
from issuer.adapters.stores.expiry_queue import RedisExpiryQueue
from issuer.adapters.stores.source_events import (
    DLQ_ORIGIN_HEADER,
    DLQ_REASON_HEADER,
    KafkaDeadLetters,
    RedisIngestedEvents,
)
from issuer.bootstrap import ingest_key_store
from issuer.config import IssuerSettings
from issuer.domain.ingest_keys import issue_ingest_key
from issuer.ports import (
    ConnectionStore,
    DeadLetters,
    ExpiryQueue,
    IngestedEvents,
    IngestKeys,
    SourceEventStore,
    SourceObjectStore,
    TokenClaims,
    TokenStore,
)
from tests.issuer.integration.conftest import token_record
from tests.issuer.unit.fakes import (
    FakeClaims,
    FakeDeadLetters,
    FakeEntities,
    FakeIngestedEvents,
    FakeIngestKeys,
)
from tests.support.kafka import read_records

pytestmark = pytest.mark.integration

SETTINGS = IssuerSettings()


class Entities(ConnectionStore, SourceObjectStore, TokenStore, SourceEventStore):
    """Every record port at once (both implementations are one class each)."""


@dataclass
class Ports:
    entities: Entities
    queue: ExpiryQueue
    claims: TokenClaims
    ingested: IngestedEvents
    keys: IngestKeys
    new_key: Callable[[str], Awaitable[tuple[str, str]]]
    dead_letters: DeadLetters
    letters: Callable[[str], Awaitable[list[tuple[bytes, dict[str, bytes]]]]]


def fake_ports() -> Ports:
    entities = FakeEntities()
    keys = FakeIngestKeys()
    dead = FakeDeadLetters()

    async def new_key(org_id: str) -> tuple[str, str]:
        key = issue_ingest_key(org_id, "sealed", datetime.now(UTC))
        keys.add(key, "secret-" + key.id)
        return key.id, "secret-" + key.id

    async def letters(key: str) -> list[tuple[bytes, dict[str, bytes]]]:
        return [
            (value, {DLQ_REASON_HEADER: r.encode(), DLQ_ORIGIN_HEADER: o.encode()})
            for k, value, r, o in dead.letters
            if k == key
        ]

    return Ports(
        entities,
        entities,
        FakeClaims(entities.share_token),
        FakeIngestedEvents(),
        keys,
        new_key,
        dead,
        letters,
    )


def real_ports(runtime: Runtime) -> Ports:
    keys = ingest_key_store(runtime.store, SETTINGS)
    topic = SETTINGS.topic_source_events_dlq

    async def new_key(org_id: str) -> tuple[str, str]:
        issued = await keys.create(org_id, datetime.now(UTC))
        return issued.record.id, issued.secret

    async def letters(key: str) -> list[tuple[bytes, dict[str, bytes]]]:
        return [
            (r.value or b"", dict(r.headers))
            for r in await read_records(topic)
            if r.key == key.encode()
        ]

    return Ports(
        EntityStore(runtime.store, SETTINGS.topic_events),
        RedisExpiryQueue(runtime.redis),
        TokenGuard(runtime.redis),
        RedisIngestedEvents(runtime.redis),
        keys,
        new_key,
        KafkaDeadLetters(runtime.store, topic),
        letters,
    )


@pytest.fixture(params=["fake", "real"])
async def ports(request: pytest.FixtureRequest, runtime: Runtime) -> AsyncIterator[Ports]:
    # The fake runs here too (beside the unit tests), so both answer the same contract.
    yield fake_ports() if request.param == "fake" else real_ports(runtime)


def stamp(offset_seconds: float = 0) -> str:
    return iso(datetime.now(UTC) + timedelta(seconds=offset_seconds))


def connection(source: str, **changes: object) -> ConnectionRecord:
    base = ConnectionRecord(
        id=new_id("cxn_"),
        source_organization_id=source,
        destination_organization_id=new_id("org_"),
        status="pending",
        created_at=stamp(),
        updated_at=stamp(),
    )
    return base.model_copy(update=changes)


def token(expires_at_ms: int) -> ShareTokenRecord:
    return token_record(datetime.fromtimestamp(expires_at_ms / 1000, UTC))


async def test_records_read_back_at_their_version_and_change_only_from_it(ports: Ports) -> None:
    store = ports.entities
    pending = connection(new_id("org_"))
    await store.put(connection_state(pending))
    read = await store.read(ConnectionRecord, pending.id, "cxn_")
    assert read is not None and read.value == pending
    active = pending.model_copy(update={"status": "active"})
    await store.put_if(connection_state(active), read.version, noun="connection")
    assert await store.connection(pending.id) == active
    with pytest.raises(LostRace) as lost:  # the version read before the change is stale now
        await store.put_if(connection_state(pending), read.version, noun="connection")
    assert lost.value.meta == {"status": "active"}
    again = await store.read(ConnectionRecord, pending.id, "cxn_")
    assert again is not None and again.version > read.version
    await store.put_if(StateRecord.tombstone(pending.id, "connection"), again.version, noun="c")
    assert await store.read(ConnectionRecord, pending.id, "cxn_") is None
    with pytest.raises(LostRace) as gone:
        await store.put_if(connection_state(active), again.version, noun="connection")
    assert gone.value.meta == {"status": "deleted"}


async def test_typed_reads_return_none_for_absent_or_misnamed_ids(ports: Ports) -> None:
    store = ports.entities
    org = OrganizationRecord(id=new_id("org_"), name="o", created_at=stamp(), updated_at=stamp())
    obj = SourceObjectRecord(
        id=new_id("inq_"),
        organization_id=org.id,
        type="inquiry",
        created_at=stamp(),
        updated_at=stamp(),
        fields={"a": 1},
    )
    cxn = connection(org.id)
    await store.put(organization_state(org), source_object_state(obj), connection_state(cxn))
    assert await store.view_ready()  # the real runtime waited for its view
    assert await store.organization(org.id) == org
    assert await store.source_object(obj.id) == obj
    assert await store.connection_and_source(cxn.id, obj.id) == (cxn, obj)
    assert await store.connection_and_source(obj.id, cxn.id) == (None, None)
    assert await store.source_objects([new_id("inq_"), obj.id]) == [None, obj]
    assert await store.organization(obj.id) is None
    assert await store.share_token(new_id("cnst_")) is None
    assert await store.read(ConnectionRecord, obj.id, "cxn_") is None


async def test_pages_run_newest_first_with_filters_and_cursors(ports: Ports) -> None:
    store = ports.entities
    org = new_id("org_")
    made = [connection(org, created_at=stamp(i), status=s) for i, s in enumerate("aaia")]
    made = [
        c.model_copy(update={"status": "inactive" if c.status == "i" else "active"}) for c in made
    ]
    await store.put(*[connection_state(c) for c in made])
    newest = [c.id for c in reversed(made) if c.status == "active"]
    index = [connection_index(org)]

    def active(c: ConnectionRecord) -> bool:
        return c.status == "active"

    first = await store.page(ConnectionRecord, index, PageRequest(size=2), active)
    assert (first.ids, first.has_next, first.has_prev) == (newest[:2], True, False)
    rest = await store.page(ConnectionRecord, index, PageRequest(size=2, after=newest[1]), active)
    assert (rest.ids, rest.has_next, rest.has_prev) == (newest[2:], False, True)
    back = await store.page(ConnectionRecord, index, PageRequest(size=2, before=newest[2]), active)
    assert back.ids == newest[:2]
    with pytest.raises(CursorNotFound):
        await store.page(ConnectionRecord, index, PageRequest(after=new_id("cxn_")), active)


async def test_expiry_queue_hands_out_due_tokens_soonest_first_until_dropped(
    ports: Ports,
) -> None:
    # Expiring in 1970: no other test's token is due that early, so the real queue is ours here.
    base = 1_000 + int(new_id("").removeprefix("_")[:6].encode().hex(), 16) % 10_000 * 10
    later, sooner, announced = token(base + 5), token(base + 1), token(base + 3)
    done = announced.model_copy(update={"status": "expired", "expiry_announced": True})
    await ports.entities.put(*(share_token_state(t) for t in (later, sooner, announced)))
    await ports.entities.put(share_token_state(done))
    due = await ports.queue.due(base + 5, 10)
    assert [i for i in due if i in {later.id, sooner.id, announced.id}] == [sooner.id, later.id]
    await ports.queue.drop(sooner.id)
    assert sooner.id not in await ports.queue.due(base + 5, 10)


async def test_a_token_is_claimed_once_until_its_holder_releases_it(ports: Ports) -> None:
    now_ms = epoch_ms(datetime.now(UTC))
    live, old = token(now_ms + 60_000), token(now_ms - 1)
    await ports.entities.put(share_token_state(live), share_token_state(old))
    claims = ports.claims
    assert await claims.claim(new_id("cnst_"), "a", now_ms) is ClaimResult.MISSING
    assert await claims.claim(old.id, "a", now_ms) is ClaimResult.EXPIRED
    assert await claims.claim(live.id, "a", now_ms) is ClaimResult.WON
    assert await claims.claim(live.id, "b", now_ms) is ClaimResult.NOT_CREATED
    await claims.release(live.id, "b")  # not the holder: nothing changes
    assert await claims.claim(live.id, "b", now_ms) is ClaimResult.NOT_CREATED
    await claims.release(live.id, "a")
    assert await claims.claim(live.id, "b", now_ms) is ClaimResult.WON


async def test_an_ingested_event_is_remembered(ports: Ports) -> None:
    event_id = new_id("evt_")
    assert not await ports.ingested.seen(event_id)
    await ports.ingested.remember(event_id)
    assert await ports.ingested.seen(event_id)


async def test_ingest_keys_open_their_own_secret(ports: Ports) -> None:
    key_id, secret = await ports.new_key(new_id("org_"))
    key = await ports.keys.get(key_id)
    assert key is not None and ports.keys.secret_of(key) == secret
    assert await ports.keys.get(new_id("ink_")) is None
    assert await ports.keys.get(new_id("cxn_")) is None


async def test_a_dead_letter_keeps_the_value_with_its_reason_and_origin(ports: Ports) -> None:
    key = new_id("dlq_")
    await ports.dead_letters.send(key, b"\x00raw", reason="unsigned", origin="t/1/2")
    assert await ports.letters(key) == [
        (b"\x00raw", {DLQ_REASON_HEADER: b"unsigned", DLQ_ORIGIN_HEADER: b"t/1/2"})
    ]
