"""Redis client factory: one blocking pool per process, closed on shutdown."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

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
    )
    return Redis(connection_pool=pool)
