"""The faust app class of the stats worker: faust with a consumer that reads committed
messages only, like every other consumer of the platform (``connect_shared.kafka``).

faust asks Kafka for ``read_committed`` only in its exactly-once mode, which this service does
not use (see docs/decisions/0002-faust-for-statistics.md); without this, an event a
transactional producer aborted would still be counted.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver
from faust.types.transports import TransportT


class ReadCommittedConsumerThread(driver.AIOKafkaConsumerThread):
    """faust's consumer thread, creating its aiokafka consumer with ``read_committed``."""

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka reads this attribute when it starts the consumer (not yet started here).
        consumer._isolation_level = "read_committed"
        return consumer


class ReadCommittedConsumer(driver.Consumer):
    """faust's aiokafka consumer with :class:`ReadCommittedConsumerThread`, recording offset
    gaps in linear time."""

    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return ReadCommittedConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _add_gap(self, tp: Any, offset_from: int, offset_to: int) -> None:
        # Every transaction leaves a commit marker in each partition it wrote, so a
        # read_committed reader meets an offset gap after nearly every transaction: thousands
        # per commit interval while catching up. faust rebuilds the partition's whole interval
        # tree for each gap (merge_overlaps), which is quadratic and was measured to hold a
        # worker at a full core behind a backlog. Gaps arrive in increasing offset order, so a
        # gap starting after the last one recorded is simply added; anything else takes
        # faust's own path.
        committed = self._committed_offset[tp]
        if committed is not None:
            offset_from = max(offset_from, committed + 1)
        if offset_from > offset_to:
            return
        gaps = self._gap[tp]
        if gaps and gaps.end() > offset_from:
            await super()._add_gap(tp, offset_from, offset_to)
            return
        gaps.addi(offset_from, offset_to + 1)


class ReadCommittedTransport(driver.Transport):
    """faust's aiokafka transport with :class:`ReadCommittedConsumer`."""

    Consumer = ReadCommittedConsumer


class StatsApp(faust.App):
    """A faust app whose consumer (stream and table recovery) reads committed messages."""

    def _new_transport(self) -> TransportT:
        return ReadCommittedTransport(self.conf.broker_consumer, self)
