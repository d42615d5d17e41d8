"""Reading the real ``connect.events`` topic the way a downstream system would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from connect_shared import jsonutil
from tests.support.ports import KAFKA_BOOTSTRAP as BOOTSTRAP


class TopicRecorder:
    """Records every message of a topic produced after :meth:`start`."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.messages: list[dict[str, Any]] = []
        self.keys: list[str] = []
        # read_committed, as every consumer of the platform's transactional writes.
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=BOOTSTRAP,
            enable_auto_commit=False,
            group_id=None,
            isolation_level="read_committed",
        )
        self._task: asyncio.Task[None] | None = None
        self._partitions: list[TopicPartition] = []
        # Per partition, the position after everything recorded (past transaction markers).
        self._next: dict[TopicPartition, int] = {}

    async def start(self) -> None:
        await self._consumer.start()
        partitions = await topic_partitions(self.topic)
        self._partitions = partitions
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:  # resolve positions now, so nothing produced later is missed
            self._next[tp] = await self._consumer.position(tp)
        self._task = asyncio.create_task(self._run())

    async def caught_up(self, timeout: float = 20.0) -> None:
        """Wait until every message on the topic now has been recorded.

        The end of each partition, read at the call, is the later marker: once the recorder
        has passed it, whatever was written before the call is in :attr:`messages`, so a
        check that something was *not* written needs no sleep."""
        ends = await self._consumer.end_offsets(self._partitions)
        async with asyncio.timeout(timeout):
            while any(self._next[tp] < end for tp, end in ends.items()):
                await asyncio.sleep(0.02)

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for message in records:
                    self.keys.append(message.key.decode() if message.key else "")
                    self.messages.append(jsonutil.loads(message.value) if message.value else {})
            for tp in self._partitions:
                self._next[tp] = await self._consumer.position(tp)

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], count: int = 1, timeout: float = 20.0
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` recorded messages match ``predicate``; return them."""
        async with asyncio.timeout(timeout):
            while True:
                found = [m for m in self.messages if predicate(m)]
                if len(found) >= count:
                    return found
                await asyncio.sleep(0.05)

    def matching(self, predicate: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return [m for m in self.messages if predicate(m)]

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await self._consumer.stop()


def event_named(name: str, **attributes: str) -> Callable[[dict[str, Any]], bool]:
    """Predicate: an event with this name and these ``data.attributes`` values."""

    def check(message: dict[str, Any]) -> bool:
        attrs = message.get("data", {}).get("attributes", {})
        return attrs.get("name") == name and all(attrs.get(k) == v for k, v in attributes.items())

    return check


async def read_topic(topic: str, timeout: float = 20.0) -> list[tuple[str, bytes | None]]:
    """Every ``(key, value)`` of ``topic`` from the beginning to its current end, raw (a
    tombstone has the value None)."""
    return [(m.key.decode() if m.key else "", m.value) for m in await read_records(topic, timeout)]


async def read_records(topic: str, timeout: float = 20.0) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of ``topic`` (key, value, headers...) from the beginning to its current end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, isolation_level="read_committed"
    )
    await consumer.start()
    try:
        partitions = await topic_partitions(topic)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[ConsumerRecord[bytes, bytes]] = []
        async with asyncio.timeout(timeout):
            while True:
                positions = [await consumer.position(tp) for tp in partitions]
                if all(pos >= ends[tp] for pos, tp in zip(positions, partitions, strict=True)):
                    return found
                for messages in (await consumer.getmany(timeout_ms=500)).values():
                    found += messages
    finally:
        await consumer.stop()


async def topic_partitions(topic: str) -> list[TopicPartition]:
    """Every partition of ``topic`` (none when it does not exist), as the cluster describes it."""
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    numbers = sorted(int(p["partition"]) for p in described.get("partitions", []))
    return [TopicPartition(topic, n) for n in numbers]
