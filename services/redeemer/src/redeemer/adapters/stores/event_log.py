"""Which events already reached ``connect.events``: the crash-recovery path's check.

A worker killed after producing but before recording that it did leaves the outcome unknown.
The redelivered request then reads the one partition the token's events are keyed to, from
shortly before the first attempt, and produces only what is missing: no event id lands twice.
Only redeliveries pay for this (one short-lived consumer per check).
"""

from __future__ import annotations

from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.kafka import DurableProducer, make_consumer

CLOCK_SLACK_MS = 10_000
_partitioner = DefaultPartitioner()


class EventLog:
    """Reads back recent events of one key."""

    def __init__(self, settings: KafkaSettings, producer: DurableProducer, topic: str) -> None:
        self._settings = settings
        self._producer = producer
        self._topic = topic

    async def ids_since(self, key: str, since_ms: int) -> set[str]:
        """Ids of the events keyed ``key`` produced since ``since_ms`` (with slack)."""
        consumer = make_consumer(self._settings, group_id=None, client_id="redeemer-event-check")
        await consumer.start()
        try:
            # The producer's view of the topic, so the key maps to the partition it wrote to.
            partitions = sorted(await self._producer.raw.partitions_for(self._topic))
            if not partitions:
                raise RuntimeError(f"topic {self._topic} has no partitions")
            tp = TopicPartition(self._topic, _partitioner(key.encode(), partitions, partitions))
            consumer.assign([tp])
            end = (await consumer.end_offsets([tp]))[tp]
            found = (await consumer.offsets_for_times({tp: max(0, since_ms - CLOCK_SLACK_MS)}))[tp]
            consumer.seek(tp, found.offset if found is not None else end)
            ids: set[str] = set()
            while await consumer.position(tp) < end:
                batch = await consumer.getmany(tp, timeout_ms=1000, max_records=2000)
                for message in batch.get(tp, []):
                    if message.key == key.encode() and message.value:
                        ids.add(str(jsonutil.loads(message.value)["data"]["id"]))
            return ids
        finally:
            await consumer.stop()
