"""Redis client factory: one blocking pool per process, closed on shutdown."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Iterable

from redis.asyncio import BlockingConnectionPool, Connection, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError

from connect_shared.config import RedisSettings


class TimelyConnection(Connection):
    """A TCP connection whose writes are bounded by ``asyncio.timeout`` instead of
    ``asyncio.wait_for``: the same write timeout, without a new Task (and its extra event
    loop passes) for every command on Python 3.11 (the profile of issue 14). Reads keep
    redis-py's own timeout."""

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        """Send ``command``; a write that takes longer than the socket timeout disconnects
        and raises redis' ``TimeoutError``, as before."""
        bound = self.socket_timeout
        if not bound:
            await super().send_packed_command(command, check_health)
            return
        try:
            async with asyncio.timeout(bound):
                # Unbounded inside (no wait_for); the timeout above bounds it, and the base
                # class disconnects when the cancellation interrupts the write.
                self.socket_timeout = None
                try:
                    await super().send_packed_command(command, check_health)
                finally:
                    self.socket_timeout = bound
        except builtins.TimeoutError as exc:  # the builtin one; TimeoutError here is redis'
            await self.disconnect(nowait=True)
            raise TimeoutError("Timeout writing to socket") from exc


def make_redis(settings: RedisSettings) -> Redis:
    """A client over a bounded pool: callers wait for a free connection instead of opening more."""
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout_seconds,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        health_check_interval=30,
        connection_class=TimelyConnection,  # rediss:// and unix:// keep redis-py's own class
        # A pooled connection may be dead after a Redis restart: reconnect and retry a few
        # times (within about a second) before the caller sees the error as a 503.
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), 4),
        retry_on_error=[BusyLoadingError, ConnectionError, TimeoutError],
    )
    return Redis(connection_pool=pool)
