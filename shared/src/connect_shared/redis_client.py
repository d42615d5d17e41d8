"""Redis client factory: one blocking pool per process, closed on shutdown."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError

from connect_shared.config import RedisSettings


def make_redis(settings: RedisSettings) -> Redis:
    """A client over a bounded pool: callers wait for a free connection instead of opening more."""
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout_seconds,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        health_check_interval=30,
        # A pooled connection may be dead after a Redis restart: reconnect and retry a few
        # times (within about a second) before the caller sees the error as a 503.
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), 4),
        retry_on_error=[BusyLoadingError, ConnectionError, TimeoutError],
    )
    return Redis(connection_pool=pool)
