"""The SDK's Kafka helpers end to end: a source event produced (signed, acks=all) with
``SourceEventProducer`` is ingested by the issuer and comes back on ``connect.events``, where
``EventConsumer`` hands it to a handler once (dedupe by id), committing only after the
handler returned."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from connect_sdk import Event, EventConsumer, SourceEventProducer
from connect_shared import jsonutil
from tests.notifier.sink import publish, token_event
from tests.sdk.helpers import eventually, sdk
from tests.support.ingest import create_ingest_key
from tests.support.ports import KAFKA_BOOTSTRAP

pytestmark = pytest.mark.e2e


class Collected:
    """A handler that records the events of one organization (and can fail once)."""

    def __init__(self, org_id: str, fail_first: bool = False) -> None:
        self.org_id = org_id
        self.events: list[Event] = []
        self.fail_next = fail_first

    async def __call__(self, event: Event) -> None:
        if event.organization_id != self.org_id:
            return
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("handler failed")
        self.events.append(event)


async def _consume_until(consumer: EventConsumer, handler: Collected, count: int) -> None:
    task = asyncio.create_task(consumer.run(handler))
    try:
        async with asyncio.timeout(60):
            while len(handler.events) < count:
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
    finally:
        consumer.stop()
        await task


async def test_a_produced_source_event_is_ingested_and_consumed_back_as_a_platform_event(
    org_factory: Any,
) -> None:
    org = org_factory("sdk-kafka")
    key = create_ingest_key(org["id"])
    inquiry_id = f"inq_sdk{uuid.uuid4().hex}"
    async with SourceEventProducer(KAFKA_BOOTSTRAP, key.id, key.secret) as producer:
        partition, offset = await producer.send(
            "inquiry.completed",
            org["id"],
            {
                "type": "inquiry",
                "id": inquiry_id,
                "attributes": {"status": "completed", "fields": {"name-first": "Ada"}},
            },
        )
    assert partition >= 0 and offset >= 0
    async with sdk(org["api-key"]) as connect:

        async def ingested() -> Any:
            page = await connect.events.list(object_id=inquiry_id)
            return page.items or None

        await eventually(ingested)
        assert (await connect.inquiries.get(inquiry_id)).attributes.fields == {"name-first": "Ada"}

    handler = Collected(org["id"])
    consumer = EventConsumer(KAFKA_BOOTSTRAP, f"sdk-test-{uuid.uuid4().hex}")
    await _consume_until(consumer, handler, 1)
    (event,) = handler.events
    assert event.name == "inquiry.completed"
    assert event.data["id"] == inquiry_id


async def test_a_duplicated_event_is_handled_once(org_factory: Any) -> None:
    org = org_factory("sdk-dedupe")
    first, marker = token_event(org["id"]), token_event(org["id"])
    # One key, one partition: the marker is consumed after both copies of the first event.
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    await producer.start()
    try:
        for event in (first, first, marker):
            value = jsonutil.dumps(event.to_wire())
            await producer.send_and_wait("connect.events", value, key=first.id.encode())
    finally:
        await producer.stop()
    handler = Collected(org["id"])
    consumer = EventConsumer(KAFKA_BOOTSTRAP, f"sdk-test-{uuid.uuid4().hex}")
    await _consume_until(consumer, handler, 2)
    assert [e.id for e in handler.events] == [first.id, marker.id]


async def test_an_event_whose_handler_failed_is_not_committed_and_comes_again(
    org_factory: Any,
) -> None:
    org = org_factory("sdk-commit")
    event = token_event(org["id"])
    await publish(event)
    group = f"sdk-test-{uuid.uuid4().hex}"
    failing = Collected(org["id"], fail_first=True)
    with pytest.raises(RuntimeError):
        await EventConsumer(KAFKA_BOOTSTRAP, group).run(failing)
    assert failing.events == []
    # The same group starts again from the last commit: the event is delivered again.
    handler = Collected(org["id"])
    await _consume_until(EventConsumer(KAFKA_BOOTSTRAP, group), handler, 1)
    assert [e.id for e in handler.events] == [event.id]
