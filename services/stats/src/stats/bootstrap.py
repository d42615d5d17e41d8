"""Composition root: the view the routes read, and the worker that hosts the HTTP app next to
the faust agent. Production (``__main__``) and tests use the same functions."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import faust
from aiohttp import web
from mode import Service
from redis.asyncio import Redis

from connect_shared.redis_client import make_redis
from connect_shared.runtime import RUNTIME
from stats.adapters.consumers.stream import create_stream_app
from stats.adapters.stores.tally_view import RedisTallyView
from stats.config import StatsSettings


@dataclass(frozen=True)
class Stats:
    """What the routes and pages of one process use."""

    settings: StatsSettings
    view: RedisTallyView


STATS = web.AppKey("stats", Stats)


def stats_context(
    settings: StatsSettings,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A ``cleanup_ctx`` entry (after the runtime's): the view over the runtime's Redis."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        app[STATS] = Stats(settings, RedisTallyView(app[RUNTIME].redis))
        yield

    return context


class HttpServer(Service):
    """The aiohttp app (API, dashboard, health, metrics) as a service of the faust worker,
    so one process serves the route and runs the agent, and SIGTERM stops both."""

    def __init__(self, app: web.Application, settings: StatsSettings) -> None:
        super().__init__()
        self._app = app
        self._settings = settings
        self._runner: web.AppRunner | None = None

    async def on_start(self) -> None:
        """Open the runtime (cleanup_ctx) and listen."""
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=10)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._settings.http_host, self._settings.http_port)
        await site.start()

    async def on_stop(self) -> None:
        """Stop listening and close the runtime."""
        if self._runner is not None:
            await self._runner.cleanup()


class RedisPool(Service):
    """Closes the agent's Redis pool when the worker stops."""

    def __init__(self, redis: Redis) -> None:
        super().__init__()
        self._redis = redis

    async def on_stop(self) -> None:
        """Close the pool."""
        await self._redis.aclose()


def build_worker(settings: StatsSettings, http_app: web.Application) -> faust.Worker:
    """The faust worker running the agent, with the HTTP app as one of its services. The
    agent publishes through its own Redis pool (closed with the worker)."""
    redis = make_redis(settings)
    stream_app = create_stream_app(settings, RedisTallyView(redis))

    return faust.Worker(
        stream_app,
        HttpServer(http_app, settings),
        RedisPool(redis),
        loglevel=settings.log_level.lower(),
        override_logging=False,
        redirect_stdouts=False,
        quiet=True,
    )
