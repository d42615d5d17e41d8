"""The Kafka half of the fan-out marks (:mod:`notifier.adapters.stores.fanout_marks`): the
marks are committed as the offsets of a consumer group of their own (``<fan-out group>-mark``,
never joined: partitions are assigned by hand), so they outlive Redis; a recovery reads them
back and hands each partition's owner the offset to schedule again from."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition

from connect_shared.config import KafkaSettings
from connect_shared.kafka import make_consumer, topic_partitions
from connect_shared.subscriber import Partitions
from notifier.adapters.stores.fanout_marks import FanoutMarks

log = logging.getLogger(__name__)

# How often the marks are committed: a loss redoes at most this much more than it must.
COMMIT_EVERY_SECONDS = 2.0
COMMIT_TIMEOUT_SECONDS = 10.0


def mark_group(fanout_group: str) -> str:
    """The consumer group whose offsets are the marks of ``fanout_group``."""
    return f"{fanout_group}-mark"


class MarkKeeper:
    """Commits the marks, recovers a lost queue from them, and rewinds the fan-out."""

    def __init__(
        self, settings: KafkaSettings, topic: str, fanout_group: str, marks: FanoutMarks
    ) -> None:
        self._settings = settings
        self._topic = topic
        self._group = mark_group(fanout_group)
        self._marks = marks

    def _consumer(self) -> AIOKafkaConsumer:
        return make_consumer(self._settings, group_id=self._group, client_id="notifier-marks")

    async def _assigned(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        partitions = await topic_partitions(self._settings, self._topic, "notifier-marks")
        assigned = [TopicPartition(self._topic, p) for p in partitions]
        consumer.assign(assigned)
        return assigned

    async def run(self) -> None:
        """Commit the marks every few seconds until cancelled."""
        consumer = self._consumer()
        await consumer.start()
        try:
            assigned = {tp.partition: tp for tp in await self._assigned(consumer)}
            while True:
                await asyncio.sleep(COMMIT_EVERY_SECONDS)
                try:
                    async with asyncio.timeout(COMMIT_TIMEOUT_SECONDS):
                        marks = await self._marks.marks()
                        offsets = {assigned[p]: m for p, m in marks.items() if p in assigned}
                        if offsets:
                            await consumer.commit(offsets)
                except Exception as exc:
                    # Redis or Kafka away for a moment: the last committed marks are older,
                    # which only means more is scheduled again after a loss. Try again.
                    log.warning("fan-out marks not committed", extra={"error": repr(exc)})
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def ensure_intact(self) -> bool:
        """True when the queue is whole; otherwise one process recovers it (the others wait):
        every partition with a committed mark is handed back to its owner."""
        if await self._marks.intact():
            return True
        if not await self._marks.begin_recovery():
            return False
        consumer = self._consumer()
        await consumer.start()
        try:
            back_to = {}
            for tp in await self._assigned(consumer):
                committed = await consumer.committed(tp)
                if committed is not None:
                    back_to[tp.partition] = committed
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()
        await self._marks.recovered(back_to)
        log.warning(
            "delivery queue lost; scheduling again from the marks",
            extra={"marks": {str(p): o for p, o in back_to.items()}},
        )
        return True

    async def rewind(self, partitions: Partitions) -> None:
        """Send the fan-out's partitions a recovery handed back to where their marks were."""
        for partition, position in (await partitions.positions()).items():
            back = await self._marks.take_refan(partition, position)
            if back is not None and back < position:
                partitions.rewind(partition, back)
