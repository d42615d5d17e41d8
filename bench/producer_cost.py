"""The cost of all-or-nothing writes at the producer, without the services around it.

    .venv/bin/python -m bench.producer_cost      # KAFKA_PORT (default 9092) of a running stack

Writes 320 sets of two messages (a state-sized and an event-sized record on two scratch topics)
through ``DurableProducer`` plain (``atomic=False``) and transactional, one at a time and 32 in
flight, and prints throughput and latency of each (docs/decisions/0001-atomic-writes.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time

from aiokafka.admin import NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from connect_shared.config import KafkaSettings
from connect_shared.kafka import DurableProducer, OutgoingMessage, make_admin

TOPICS = ("bench.producer-cost.state", "bench.producer-cost.events")
SETS = 320


async def _topics(settings: KafkaSettings) -> None:
    admin = make_admin(settings, "bench-producer-cost")
    await admin.start()
    try:
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics([NewTopic(t, 6, 1) for t in TOPICS])
    finally:
        await admin.close()


async def _measure(producer: DurableProducer, in_flight: int) -> str:
    latencies: list[float] = []

    async def one(i: int) -> None:
        began = time.perf_counter()
        await producer.send_all(
            [
                OutgoingMessage(TOPICS[0], f"k{i % 7}", b"s" * 500),
                OutgoingMessage(TOPICS[1], f"k{i % 5}", b"e" * 800),
            ]
        )
        latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    for first in range(0, SETS, in_flight):
        await asyncio.gather(*(one(i) for i in range(first, first + in_flight)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    return f"{SETS / elapsed:,.0f}/s p50 {p50 * 1000:.1f} ms p99 {p99 * 1000:.1f} ms"


async def main() -> None:
    """Print the four measurements."""
    settings = KafkaSettings(
        kafka_bootstrap_servers=f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"
    )
    await _topics(settings)
    for atomic in (False, True):
        producer = DurableProducer(settings, "bench-producer-cost", atomic=atomic)
        await producer.start()
        try:
            for in_flight in (1, 32):
                figure = await _measure(producer, in_flight)
                kind = "transactional" if atomic else "plain"
                print(f"{kind:13} {in_flight:2} in flight: {figure} ({producer.transactions} tx)")
        finally:
            await producer.stop()


if __name__ == "__main__":
    asyncio.run(main())
