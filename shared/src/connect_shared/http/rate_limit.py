"""Admission of an ``/api/v1`` request in one Redis round trip: is the view built, whose key is
this, and is that key within its budget.

The budget is a GCRA (a token bucket kept as one "theoretical arrival time" per API key): an
organization's rate ``r`` (requests per second, ``lk:rate-limit:<org>``, written with the
organization's state record so a rebuild restores it) lets each key make ``r`` requests a
second after a burst of ``2r``. The clock is Redis's own (``TIME``), so every replica of every
service draws from the same bucket with the same clock.

Keys the script derives (``lk:rate-limit:...``, ``rl:...``) are not declared up front: like the
rest of the view, this assumes one (non-cluster) Redis per deployment.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from enum import Enum

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from connect_shared.auth import Principal
from connect_shared.records import DEFAULT_RATE_LIMIT
from connect_shared.redis_replies import as_text
from connect_shared.state import VIEW_READY_KEY

BURST_SECONDS = 2  # a burst of twice the per-second rate
_MICROS = 1_000_000

# KEYS[1] view marker, KEYS[2] the key's lookup; ARGV[1] default rate, ARGV[2] burst seconds.
# Answers {0} view missing, {1} unknown key, {2, key, org, 0, rate, version, remaining, full}
# admitted, {3, key, org, wait in microseconds, rate, version, 0, full} over budget (nothing is
# consumed then). ``version`` is the organization's default API version ('' for none),
# ``remaining`` the requests the bucket still holds, ``full`` microseconds until it is full.
_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local owner = redis.call('GET', KEYS[2])
if not owner then return {1} end
local space = string.find(owner, ' ', 1, true)
if not space then return {1} end
local key_id = string.sub(owner, 1, space - 1)
local org_id = string.sub(owner, space + 1)
local rate = tonumber(redis.call('GET', 'lk:rate-limit:' .. org_id) or '') or tonumber(ARGV[1])
if rate < 1 then rate = 1 end
local interval = 1000000 / rate
local tolerance = tonumber(ARGV[2]) * 1000000
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local bucket = 'rl:' .. key_id
local tat = tonumber(redis.call('GET', bucket) or '') or now
if tat < now then tat = now end
local next_tat = tat + interval
local allowed_at = next_tat - tolerance
local version = redis.call('GET', 'lk:api-version:' .. org_id) or ''
if allowed_at > now then
  return {3, key_id, org_id, math.ceil(allowed_at - now), rate, version, 0, math.ceil(tat - now)}
end
redis.call('SET', bucket, string.format('%.3f', next_tat),
           'PX', math.ceil((next_tat - now) / 1000) + 1)
local remaining = math.floor((now + tolerance - next_tat) / interval)
return {2, key_id, org_id, 0, rate, version, remaining, math.ceil(next_tat - now)}
"""
_SHA = hashlib.sha1(_SCRIPT.encode(), usedforsecurity=False).hexdigest()


class Verdict(Enum):
    """What the admission script decided."""

    VIEW_MISSING = 0
    UNKNOWN_KEY = 1
    ADMITTED = 2
    OVER_BUDGET = 3


@dataclass(frozen=True)
class Admission:
    """The verdict, the caller (when the key is known), its rate and how long to wait."""

    verdict: Verdict
    principal: Principal | None = None
    rate_limit: int = DEFAULT_RATE_LIMIT
    wait_micros: int = 0
    api_version: str | None = None
    remaining: int = 0
    full_micros: int = 0

    @property
    def burst(self) -> int:
        """How many requests a full bucket holds (twice the per-second rate)."""
        return self.rate_limit * BURST_SECONDS

    @property
    def reset_seconds(self) -> int:
        """Whole seconds until the bucket is full again (0 when it is)."""
        return max(0, math.ceil(self.full_micros / _MICROS))

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds until a request would be admitted again (at least 1)."""
        return max(1, math.ceil(self.wait_micros / _MICROS))


ADMISSION_KEY = web.RequestKey("connect.admission", Admission)
"""The admission of an authenticated request (its organization's default API version and the
key's budget, for the response headers)."""


async def admit(redis: Redis, key_lookup: str) -> Admission:
    """Run the admission script for the key stored under ``key_lookup`` (one round trip; the
    script is sent again if a restarted Redis forgot it)."""
    keys_and_args = (VIEW_READY_KEY, key_lookup, DEFAULT_RATE_LIMIT, BURST_SECONDS)
    try:
        raw = await redis.evalsha(_SHA, 2, *keys_and_args)
    except NoScriptError:
        raw = await redis.eval(_SCRIPT, 2, *keys_and_args)
    verdict = Verdict(int(raw[0]))
    if verdict in (Verdict.VIEW_MISSING, Verdict.UNKNOWN_KEY):
        return Admission(verdict)
    principal = Principal(api_key_id=as_text(raw[1]), organization_id=as_text(raw[2]))
    return Admission(
        verdict,
        principal,
        rate_limit=int(raw[4]),
        wait_micros=int(raw[3]),
        api_version=as_text(raw[5]) or None,
        remaining=max(0, int(raw[6])),
        full_micros=max(0, int(raw[7])),
    )
