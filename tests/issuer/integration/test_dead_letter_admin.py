"""``connect-admin dlq list`` and ``dlq replay TOPIC`` (the real CLI against the real Kafka):
dead letters are listed with their reasons, re-driven once to the group that gave up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from connect_shared import jsonutil
from connect_shared.config import InfraSettings
from connect_shared.dead_letters import DEAD_LETTER_TOPIC, REDRIVE_GROUP_HEADER, DeadLetterSink
from connect_shared.subscriber import Received
from tests.support.admin import run_admin
from tests.support.ports import KAFKA_BOOTSTRAP
from tests.support.scratch_topics import fresh_topic, read_received

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(infrastructure: None) -> InfraSettings:
    return InfraSettings(kafka_bootstrap_servers=KAFKA_BOOTSTRAP)


@pytest.fixture
async def origin(settings: InfraSettings) -> AsyncIterator[str]:
    async with fresh_topic(settings, "test.origin") as name:
        yield name


async def records_of(settings: InfraSettings, topic: str, count: int) -> list[Received]:
    return await read_received(settings, topic, count)


async def admin_json(*args: str) -> object:
    return jsonutil.loads(await asyncio.to_thread(run_admin, *args))


async def test_dead_letters_are_listed_and_replayed_once_to_the_group_that_gave_up(
    settings: InfraSettings, origin: str
) -> None:
    sink = DeadLetterSink(settings, "tests-owner-group", "tests", DEAD_LETTER_TOPIC)
    try:
        await sink.send(origin, 0, 41, b"key-1", b'{"n": 1}', [("trace", b"t1")], "boom", 10)
    finally:
        await sink.close()

    listed = await admin_json("dlq", "list", "--topic", origin)
    assert isinstance(listed, list)
    (entry,) = listed
    assert entry["origin"] == f"{origin}/0/41"
    assert entry["group"] == "tests-owner-group"
    assert entry["reason"] == "boom"
    assert entry["attempts"] == 10
    assert entry["replayed"] is False

    assert await admin_json("dlq", "replay", origin) == {"topic": origin, "replayed": 1}
    (again,) = await records_of(settings, origin, 1)
    assert again.key == b"key-1"
    assert again.value == b'{"n": 1}'
    assert ("trace", b"t1") in again.headers
    assert (REDRIVE_GROUP_HEADER, b"tests-owner-group") in again.headers

    assert await admin_json("dlq", "replay", origin) == {"topic": origin, "replayed": 0}
    (entry,) = await admin_json("dlq", "list", "--topic", origin)  # type: ignore[misc]
    assert entry["replayed"] is True
