"""Batches the bookkeeping of finished attempts: whatever finished while the previous batch was
in Redis goes in the next pipeline, so the Redis round trips per attempt fall as load rises."""

from __future__ import annotations

import asyncio
import time

from notifier.adapters.stores.queue import DeliveryQueue, Finish, Finished

MAX_BATCH = 256


class FinishBatcher:
    """``await finish(item)`` resolves once the item is recorded (or raises what Redis raised)."""

    def __init__(self, queue: DeliveryQueue) -> None:
        self._queue = queue
        self._pending: list[tuple[Finish, asyncio.Future[Finished]]] = []
        self._wake = asyncio.Event()

    async def finish(self, item: Finish) -> Finished:
        """Queue ``item`` for the next pipeline and wait for its result."""
        future: asyncio.Future[Finished] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        self._wake.set()
        return await future

    async def run(self) -> None:
        """Flush until cancelled; waiting callers see the cancellation as an error."""
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._pending:
                    batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                    await self._flush(batch)
        finally:
            for _, future in self._pending:
                future.cancel()

    async def _flush(self, batch: list[tuple[Finish, asyncio.Future[Finished]]]) -> None:
        try:
            results = await self._queue.finish([item for item, _ in batch], int(time.time() * 1000))
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
