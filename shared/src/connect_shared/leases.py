"""Leases, not locks: every claim in Redis ends by itself when its holder dies.

A lease is a key holding its owner's token with a short expiry (``SET NX PX``). A live holder
keeps it with :meth:`Lease.keep` (a heartbeat that extends it while the work runs); a holder
that dies stops extending it, so the key lapses within one lease period and the next claimant
proceeds. Renewing, replacing and releasing compare the owner token first (one Lua script
each), so a holder whose lease already lapsed can never extend, overwrite or free the next
holder's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# KEYS[1] the lease. ARGV[1] the holder's value, ARGV[2] lease ms.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# KEYS[1] the lease. ARGV[1] the holder's value, ARGV[2] the new value, ARGV[3] its ttl (s).
# The key may also have lapsed (nobody else took it): the holder's result still goes in.
_REPLACE = """
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] or not current then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def owner_token() -> str:
    """A random holder token (what the lease key holds while it is held)."""
    return secrets.token_hex(12)


class Lease:
    """One lease key held with ``value`` for ``seconds`` at a time."""

    def __init__(self, redis: Redis, key: str, value: str, seconds: float) -> None:
        self._redis = redis
        self.key = key
        self.value = value
        self._ms = max(1, int(seconds * 1000))

    async def acquire(self) -> bool:
        """Take the lease if nobody holds it."""
        return bool(await self._redis.set(self.key, self.value, nx=True, px=self._ms))

    async def renew(self) -> bool:
        """Extend the lease if it is still ours."""
        script = self._redis.register_script(_RENEW)
        return bool(await script(keys=[self.key], args=[self.value, self._ms]))

    async def replace(self, value: str, ttl_seconds: int) -> bool:
        """Swap the held lease for ``value`` kept ``ttl_seconds`` (e.g. a finished result),
        unless someone else holds the key now."""
        script = self._redis.register_script(_REPLACE)
        return bool(await script(keys=[self.key], args=[self.value, value, ttl_seconds]))

    async def release(self) -> None:
        """Give the lease up if it is still ours (errors are logged: it lapses anyway)."""
        try:
            await self._redis.register_script(_RELEASE)(keys=[self.key], args=[self.value])
        except RedisError as exc:
            log.warning(
                "lease not released; it lapses", extra={"key": self.key, "error": repr(exc)}
            )

    @contextlib.asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        """Renew the lease every third of its period while the block runs."""
        task = asyncio.create_task(self._heartbeat(), name=f"lease:{self.key}")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._ms / 3000)
            try:
                if not await self.renew():
                    log.warning("lease lost while held", extra={"key": self.key})
                    return
            except RedisError as exc:
                log.warning("lease not renewed", extra={"key": self.key, "error": repr(exc)})
