"""The single-use guard: a share token leaves ``created`` exactly once (redeem or expire).

A Lua script checks the token's status in the Redis view and takes a claim key with SET NX in
one atomic step, so two concurrent claimers can never both win. The claim is a lease
(:mod:`connect_shared.leases`): the winner keeps it with :meth:`TokenGuard.kept` while it writes
the new status, and a winner that dies stops renewing it, so the token is claimable again within
``CLAIM_SECONDS`` (the write never happened: a pending or expired token is not ``created``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import LockNotOwnedError

from connect_shared.claims import ClaimResult
from connect_shared.leases import Lease
from connect_shared.state import record_key

_CLAIM_SCRIPT = """
local body = redis.call('HGET', KEYS[1], 'body')
if not body or body == '' then return -1 end
local token = cjson.decode(body)
if token.status ~= 'created' then return 0 end
if tonumber(token.expires_at_ms) <= tonumber(ARGV[2]) then return -2 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'EX', ARGV[3]) then return 1 end
return 0
"""

CLAIM_SECONDS = 30
__all__ = ["CLAIM_SECONDS", "ClaimResult", "TokenGuard"]


def _claim_key(token_id: str) -> str:
    return f"guard:token:{token_id}"


class TokenGuard:
    """Claims and releases tokens atomically in Redis."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._claim = redis.register_script(_CLAIM_SCRIPT)

    async def claim(self, token_id: str, claimant: str, now_ms: int) -> ClaimResult:
        """Try to move ``token_id`` out of ``created`` on behalf of ``claimant``."""
        result = await self._claim(
            keys=[record_key(token_id), _claim_key(token_id)],
            args=[claimant, now_ms, CLAIM_SECONDS],
        )
        return ClaimResult(int(result))

    @contextlib.asynccontextmanager
    async def kept(self, token_id: str, claimant: str) -> AsyncIterator[None]:
        """Renew ``claimant``'s claim while the block runs (the winner's durable write)."""
        async with Lease(self._redis, _claim_key(token_id), claimant, CLAIM_SECONDS).kept():
            yield

    async def release(self, token_id: str, claimant: str) -> None:
        """Give a claim back (the durable write failed), if it is still ours."""
        # The claim is taken by the script above, but given back like any redis-py lock.
        lock = self._redis.lock(_claim_key(token_id), thread_local=False)
        with contextlib.suppress(LockNotOwnedError):
            await lock.do_release(claimant.encode())
