"""The expiry queue: the sorted set ``TOKEN_EXPIRY_INDEX`` of tokens scored by ``expires_at_ms``.

Share token state writes put a token in (and its ``expired`` write with ``expiry_announced``
takes it out); the sweeper reads what is due and drops entries that need no announcement.
"""

from __future__ import annotations

from redis.asyncio import Redis

from connect_shared.records import TOKEN_EXPIRY_INDEX
from connect_shared.redis_replies import as_texts


class RedisExpiryQueue:
    """:class:`issuer.ports.ExpiryQueue` over the view's expiry index."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def due(self, now_ms: int, limit: int) -> list[str]:
        """Up to ``limit`` token ids due at ``now_ms``, soonest first."""
        raw = await self._redis.zrangebyscore(
            TOKEN_EXPIRY_INDEX, "-inf", now_ms, start=0, num=limit
        )
        return as_texts(raw)

    async def drop(self, token_id: str) -> None:
        """Take ``token_id`` out of the queue."""
        await self._redis.zrem(TOKEN_EXPIRY_INDEX, token_id)
