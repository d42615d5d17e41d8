"""Kafka from the load generator's side: a durable producer (the services' own plumbing) and a
watcher that resolves a future when a record with an awaited key shows up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.loadgen import OperationError

# Decides what a record means for the awaited key: "done", "failed" or None (not yet).
Verdict = Callable[[bytes], str | None]


class KeyWatcher:
    """Tails ``topic`` from its end and settles the futures awaiting each record key."""

    def __init__(self, bootstrap: str, topic: str, verdict: Verdict) -> None:
        self.topic = topic
        self.verdict = verdict
        self.waiting: dict[bytes, asyncio.Future[float]] = {}
        self.seen = 0
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            group_id=None,
            max_partition_fetch_bytes=4 * 1024 * 1024,
            fetch_max_wait_ms=5,
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        cluster = await self._consumer._client.fetch_all_metadata()
        numbers = sorted(cluster.partitions_for_topic(self.topic) or set())
        partitions = [TopicPartition(self.topic, p) for p in numbers]
        if not partitions:
            await self._consumer.stop()
            raise RuntimeError(f"topic {self.topic} has no partitions")
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._run())

    def expect(self, key: str) -> asyncio.Future[float]:
        """A future resolved (with the loop time) when ``key``'s record arrives."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[key.encode()] = future
        return future

    def forget(self, key: str) -> None:
        self.waiting.pop(key.encode(), None)

    async def wait(self, key: str, future: asyncio.Future[float], limit_s: float) -> None:
        try:
            async with asyncio.timeout(limit_s):
                await future
        except TimeoutError:
            raise OperationError("timeout") from None
        finally:
            self.forget(key)

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=100, max_records=5000)
            for records in batches.values():
                for record in records:
                    self.seen += 1
                    key = record.key
                    if key is None:
                        continue
                    future = self.waiting.get(key)
                    if future is None or future.done():
                        continue
                    verdict = self.verdict(record.value or b"")
                    if verdict == "done":
                        future.set_result(asyncio.get_running_loop().time())
                    elif verdict == "failed":
                        future.set_exception(OperationError("redemption-failed"))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()
