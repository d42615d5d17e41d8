"""Kafka ingest is authenticated per organization (contract section 3): a message on
``connect.source-events`` acts only when an unrevoked, fresh ingest key of the organization it
names signed exactly its bytes. Anything else goes to the dead-letter topic with the reason and
changes nothing."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiokafka import AIOKafkaConsumer
from redis.asyncio import Redis

from connect_shared import jsonutil
from connect_shared.ingest_signature import HEADER, sign_headers
from connect_shared.secret_box import SEALED_PREFIX
from tests.issuer.helpers import RawRecorder
from tests.support.admin import create_org, revoke_ingest_key, run_admin
from tests.support.api import ApiClient
from tests.support.ingest import (
    SOURCE_EVENTS,
    IngestKey,
    create_ingest_key,
    produce_raw,
    produce_signed,
)
from tests.support.kafka import TopicRecorder, event_named, topic_partitions
from tests.support.ports import KAFKA_BOOTSTRAP, redis_url, service_env
from tests.support.services import ROOT, ServiceProcess

pytestmark = pytest.mark.e2e

DLQ = "connect.source-events.dlq"


def unique_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def message(org_id: str, name: str, inquiry_id: str, first_name: str, **extra: Any) -> bytes:
    status = name.split(".", 1)[1]
    return jsonutil.dumps(
        {
            "name": name,
            "organization-id": org_id,
            "created-at": extra.get("created_at", "2026-01-02T03:04:05.000Z"),
            "payload": {
                "data": {
                    "type": "inquiry",
                    "id": inquiry_id,
                    "attributes": {"status": status, "fields": {"name-first": first_name}},
                },
                "included": extra.get("included", []),
            },
        }
    )


@dataclass
class World:
    """An owner organization with an ingest key, a revoked key, and another organization."""

    owner_id: str
    owner: ApiClient
    owner_key: IngestKey
    revoked_key: IngestKey
    other_key: IngestKey


@pytest.fixture(scope="module")
async def world(services: dict[str, ServiceProcess], http: aiohttp.ClientSession) -> World:
    owner = create_org("ingest-owner")
    other = create_org("ingest-other")
    revoked = create_ingest_key(owner["id"])
    revoke_ingest_key(revoked.id)
    return World(
        owner_id=owner["id"],
        owner=ApiClient(http, owner["api-key"]),
        owner_key=create_ingest_key(owner["id"]),
        revoked_key=revoked,
        other_key=create_ingest_key(other["id"]),
    )


@pytest.fixture
async def dead_letters() -> AsyncIterator[RawRecorder]:
    recorder = RawRecorder(DLQ)
    await recorder.start()
    yield recorder
    await recorder.stop()


Signer = Callable[[World, bytes], list[tuple[str, bytes]]]
MINUTE = 60


def signed_by(pick: Callable[[World], IngestKey], offset_seconds: int = 0) -> Signer:
    def sign(world: World, value: bytes) -> list[tuple[str, bytes]]:
        key = pick(world)
        return sign_headers(key.id, key.secret, value, int(time.time()) + offset_seconds)

    return sign


def signed_other_bytes(world: World, value: bytes) -> list[tuple[str, bytes]]:
    key = world.owner_key
    return sign_headers(key.id, key.secret, value + b" ", int(time.time()))


def wrong_secret(world: World, value: bytes) -> list[tuple[str, bytes]]:
    return sign_headers(world.owner_key.id, "inksec_guessed", value, int(time.time()))


def unknown_key(world: World, value: bytes) -> list[tuple[str, bytes]]:
    return sign_headers(unique_id("ink_"), world.owner_key.secret, value, int(time.time()))


def garbled(world: World, value: bytes) -> list[tuple[str, bytes]]:
    return [(HEADER, f"k={world.owner_key.id},t=yesterday,v1=00".encode())]


def twice(world: World, value: bytes) -> list[tuple[str, bytes]]:
    return signed_by(lambda w: w.owner_key)(world, value) * 2


REFUSALS: dict[str, tuple[Signer, str]] = {
    "unsigned": (lambda world, value: [], "unsigned"),
    "malformed-header": (garbled, "malformed"),
    "header-given-twice": (twice, "malformed"),
    "unknown-key": (unknown_key, "unknown ingest key"),
    "revoked-key": (signed_by(lambda w: w.revoked_key), "revoked ingest key"),
    "stale": (signed_by(lambda w: w.owner_key, -6 * MINUTE), "stale"),
    "future": (signed_by(lambda w: w.owner_key, 6 * MINUTE), "future"),
    "wrong-secret": (wrong_secret, "bad signature"),
    "value-changed-after-signing": (signed_other_bytes, "bad signature"),
    "foreign-organization-key": (signed_by(lambda w: w.other_key), "another organization"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
async def test_refused_source_event_is_dead_lettered_with_the_reason_and_changes_nothing(
    case: str, world: World, events: TopicRecorder, dead_letters: RawRecorder
) -> None:
    sign, reason_part = REFUSALS[case]
    target = unique_id("inq_")
    await produce_signed(
        target, message(world.owner_id, "inquiry.completed", target, "Ada"), world.owner_key
    )
    await events.wait_for(lambda m: m["data"]["attributes"]["payload"]["data"]["id"] == target)

    # The refused message would change the existing inquiry and create a verification.
    smuggled = unique_id("ver_")
    refused = message(
        world.owner_id,
        "inquiry.approved",
        target,
        "Mallory",
        created_at="2026-01-03T00:00:00.000Z",
        included=[{"type": "verification/government-id", "id": smuggled, "attributes": {}}],
    )
    await produce_raw(SOURCE_EVENTS, target, refused, sign(world, refused))
    # A good message with the same key lands on the same partition after it: once its event is
    # out, the refused one was handled.
    later = unique_id("inq_")
    await produce_signed(
        target, message(world.owner_id, "inquiry.completed", later, "Bo"), world.owner_key
    )

    headers = await dead_letters.wait_for_value(refused)
    assert reason_part in headers["connect-dlq-reason"].decode()
    await events.wait_for(lambda m: m["data"]["attributes"]["payload"]["data"]["id"] == later)
    assert not events.matching(
        lambda m: (
            m["data"]["attributes"]["name"] == "inquiry.approved"
            and m["data"]["attributes"]["payload"]["data"]["id"] == target
        )
    )
    stored = await world.owner.get(f"/inquiries/{target}")
    assert stored.status == 200
    assert stored.data["attributes"]["status"] == "completed"
    assert stored.data["attributes"]["fields"] == {"name-first": "Ada"}
    assert (await world.owner.get(f"/verifications/{smuggled}")).status == 404


async def test_signed_source_event_within_five_minutes_is_ingested(
    world: World, events: TopicRecorder
) -> None:
    inquiry_id = unique_id("inq_")
    value = message(world.owner_id, "inquiry.completed", inquiry_id, "Cy")
    await produce_signed(inquiry_id, value, world.owner_key, at=int(time.time()) - 4 * MINUTE)
    await events.wait_for(event_named("inquiry.completed", **{"organization-id": world.owner_id}))
    stored = await world.owner.get(f"/inquiries/{inquiry_id}")
    assert stored.status == 200
    assert stored.data["attributes"]["fields"] == {"name-first": "Cy"}


def test_ingest_key_secret_is_printed_once_and_never_listed(world: World) -> None:
    created = jsonutil.loads(run_admin("ingest-key", "create", world.owner_id))
    assert created["id"].startswith("ink_")
    assert created["secret"].startswith("inksec_")
    assert created["organization-id"] == world.owner_id

    listed_raw = run_admin("ingest-key", "list", world.owner_id)
    assert created["secret"].encode() not in listed_raw
    listed = {entry["id"]: entry for entry in jsonutil.loads(listed_raw)}
    assert set(listed[created["id"]]) == {"id", "created-at", "revoked-at"}
    assert listed[created["id"]]["revoked-at"] is None
    assert listed[world.revoked_key.id]["revoked-at"] is not None

    revoked = jsonutil.loads(run_admin("ingest-key", "revoke", created["id"]))
    assert revoked["id"] == created["id"] and revoked["revoked-at"]
    again = {e["id"]: e for e in jsonutil.loads(run_admin("ingest-key", "list", world.owner_id))}
    assert again[created["id"]]["revoked-at"] == revoked["revoked-at"]


def test_ingest_key_for_an_unknown_organization_is_refused(world: World) -> None:
    with pytest.raises(subprocess.CalledProcessError) as refused:
        run_admin("ingest-key", "create", "org_doesnotexist000000000000")
    assert refused.value.returncode == 2
    assert b"no organization" in refused.value.stderr


async def _state_values(record_id: str) -> list[bytes]:
    """Every value written to ``connect.state`` under the key ``record_id``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA_BOOTSTRAP, group_id=None)
    await consumer.start()
    try:
        partitions = await topic_partitions("connect.state")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[bytes] = []
        pending = {tp for tp in partitions if ends[tp] > 0}
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=1000)
            for records in batches.values():
                found += [r.value for r in records if r.key == record_id.encode() and r.value]
            pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        return found
    finally:
        await consumer.stop()


async def test_ingest_key_secret_is_sealed_in_redis_and_on_connect_state(world: World) -> None:
    secret = world.owner_key.secret.encode()
    redis = Redis.from_url(redis_url())
    try:
        stored = await redis.hget(f"rec:{world.owner_key.id}", "body")
    finally:
        await redis.aclose()
    assert stored is not None
    assert secret not in stored
    assert SEALED_PREFIX.encode() in stored
    written = await _state_values(world.owner_key.id)
    assert written
    assert all(secret not in value and SEALED_PREFIX.encode() in value for value in written)


def _admin_in_production_without_sealing_key(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "ISSUER_INGEST_SECRETS_KEY"}
    env.update(service_env("issuer"), ISSUER_PROFILE="production")
    return subprocess.run(
        [str(ROOT / ".venv/bin/connect-admin"), *args],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env=env,
    )


def test_admin_commands_that_seal_nothing_run_in_production_without_the_sealing_key(
    world: World,
) -> None:
    listed = _admin_in_production_without_sealing_key("org", "list")
    assert listed.returncode == 0, listed.stderr


def test_ingest_key_commands_refuse_the_public_development_sealing_key_in_production(
    world: World,
) -> None:
    refused = _admin_in_production_without_sealing_key("ingest-key", "list", world.owner_id)
    assert refused.returncode == 2
    assert b"ISSUER_INGEST_SECRETS_KEY" in refused.stderr
    assert b"development default" in refused.stderr
