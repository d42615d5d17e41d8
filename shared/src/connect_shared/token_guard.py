"""The single-use guard: a share token leaves ``created`` exactly once (redeem or expire).

A Lua script checks the token's status in the Redis view and takes a claim key with SET NX in
one atomic step, so two concurrent claimers can never both win. The claim expires on its own:
by then the winner has written the new status durably, or failed and released it.
"""

from __future__ import annotations

import contextlib

from redis.asyncio import Redis
from redis.exceptions import LockNotOwnedError

from connect_shared.claims import ClaimResult
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

CLAIM_SECONDS = 120
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

    async def release(self, token_id: str, claimant: str) -> None:
        """Give a claim back (the durable write failed), if it is still ours."""
        # The claim is taken by the script above, but given back like any redis-py lock.
        lock = self._redis.lock(_claim_key(token_id), thread_local=False)
        with contextlib.suppress(LockNotOwnedError):
            await lock.do_release(claimant.encode())
