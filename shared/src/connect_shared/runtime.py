"""The clients every service holds once per process: producer, Redis, state store, guardian."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from redis.asyncio import Redis

from connect_shared.backoff import Backoff, retry
from connect_shared.config import InfraSettings
from connect_shared.kafka import DurableProducer
from connect_shared.redis_client import make_redis
from connect_shared.replay import ViewGuardian, state_follower
from connect_shared.state import StateStore

log = logging.getLogger(__name__)

START_BACKOFF = Backoff(first=0.5, cap=5.0)


@dataclass(frozen=True)
class Runtime:
    """Pooled clients shared by every request and consumer of one process."""

    settings: InfraSettings
    producer: DurableProducer
    redis: Redis
    store: StateStore
    guardian: ViewGuardian


RUNTIME = web.AppKey("runtime", Runtime)


@asynccontextmanager
async def open_runtime(
    settings: InfraSettings, client_id: str, *, connect_timeout: float | None = None
) -> AsyncIterator[Runtime]:
    """Open the producer and the Redis pool; close both on exit.

    Services wait for Kafka indefinitely (it may start after them); command-line tools pass
    ``connect_timeout`` so they fail with a clear message instead of hanging.
    """
    redis = make_redis(settings)
    producer = DurableProducer(settings, client_id)
    async with asyncio.timeout(connect_timeout):
        await _start_producer(producer)
    store = StateStore(producer, redis, settings.topic_state)
    guardian = ViewGuardian(settings, settings.topic_state, store)
    try:
        yield Runtime(settings, producer, redis, store, guardian)
    finally:
        await guardian.close()
        await producer.stop()
        await redis.aclose()


async def _start_producer(producer: DurableProducer) -> None:
    # The broker may come up after the service (make run starts both at once): keep trying.
    def failed(exc: Exception) -> None:
        log.warning("kafka not reachable yet; retrying", extra={"error": repr(exc)})

    await retry(producer.start, START_BACKOFF, failed=failed)


async def _follow_state(runtime: Runtime) -> None:
    settings = runtime.settings
    while True:
        try:
            await state_follower(settings, settings.topic_state, runtime.store).run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("state follower stopped; restarting")
            await asyncio.sleep(2.0)


REDIS_CHECK_SECONDS = 1.0


async def _watch_redis(runtime: Runtime) -> None:
    # A Redis restart is noticed within a second, in every process (the first to see it
    # starts the rebuild; the others find the marker gone or renewed).
    while True:
        await asyncio.sleep(REDIS_CHECK_SECONDS)
        try:
            await runtime.guardian.verify()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.debug("redis identity check failed", extra={"error": repr(exc)})


def runtime_context(
    settings: InfraSettings, client_id: str
) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp ``cleanup_ctx`` that opens the runtime and stores it under :data:`RUNTIME`."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async with open_runtime(settings, client_id) as runtime:
            app[RUNTIME] = runtime
            # A missing view (first start, lost Redis) is rebuilt before anyone asks.
            await runtime.guardian.ready()
            follower = asyncio.create_task(_follow_state(runtime), name="state-follower")
            watcher = asyncio.create_task(_watch_redis(runtime), name="redis-watch")
            yield
            for task in (watcher, follower):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return context
