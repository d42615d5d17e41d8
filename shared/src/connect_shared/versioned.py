"""Compare-and-set writes: a change of a record is made against the version it was read at.

The version of a record is the Kafka offset of its newest write, which the view keeps in
``rec:{id}`` (:mod:`connect_shared.state`). A change goes:

1. read the record and its version (:meth:`StateStore.read`);
2. decide the change (domain rules);
3. claim: one Lua script checks that the view still holds the version read and takes the
   record's write guard with ``SET NX PX`` (a lease); a newer version, a held guard or a
   deleted record loses with :class:`LostRace` (409 with the current ``status`` in ``meta``);
4. write the change durably to Kafka, carrying the claim;
5. apply it to the view. The apply script frees the guard in the same atomic step that moves
   the version on, and so does the state follower or a replay applying the same write: the
   guard is never freed before the winning write is in the view, so a writer that read the
   older version can never win a second time.

A writer that dies after the claim holds the guard until the lease runs out (nothing was
written), or until the follower applies its committed write, whichever comes first. A write
refused with 503 keeps its guard until the lease ends too: its transaction was aborted, so
nothing lands, and the lease is only the bound on how long the record stays busy.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from redis.asyncio import Redis

from connect_shared import jsonutil
from connect_shared.domain_errors import WrongState
from connect_shared.kafka import OutgoingMessage
from connect_shared.state import StateRecord, StateStore, record_key, write_guard_key

LEASE_SECONDS = 30.0
LEASE_PER_PRODUCE_TIMEOUT = 3
DELETED = "deleted"

# KEYS: the record hash, its write guard. ARGV: version read, claim, lease ms.
_CLAIM_SCRIPT = """
local state = redis.call('HMGET', KEYS[1], 'offset', 'body')
if not state[2] or state[2] == '' then return {-1, ''} end
if tonumber(state[1]) ~= tonumber(ARGV[1]) then return {0, state[2]} end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return {-2, state[2]} end
return {1, ''}
"""


class ClaimOutcome(IntEnum):
    """What a claim found."""

    WON = 1
    STALE = 0
    DELETED = -1
    BUSY = -2


StatusOf = Callable[[dict[str, Any]], str]


def status_field(body: dict[str, Any]) -> str:
    """The record's ``status`` attribute (connections, webhooks)."""
    return str(body.get("status", "unknown"))


class LostRace(WrongState):
    """The record changed (or is being changed) since it was read; ``meta.status`` says what
    it is now. A domain exception: each service's error table answers it 409."""

    def __init__(self, noun: str, status: str, *, busy: bool = False) -> None:
        if status == DELETED:
            details = f"The {noun} was deleted while this request was handled."
        elif busy:
            details = f"Another change to the {noun} is in progress; read it again and retry."
        else:
            details = f"The {noun} changed while this request was handled; read it again."
        super().__init__(details, status=status)


class VersionedWriter:
    """Writes changes of existing records only if they are still at the version read."""

    def __init__(self, store: StateStore, lease_seconds: float | None = None) -> None:
        self._store = store
        if lease_seconds is None:
            # Outlast a send that timed out but may still land (see the module docstring).
            lease_seconds = max(
                LEASE_SECONDS, LEASE_PER_PRODUCE_TIMEOUT * store.produce_timeout_seconds
            )
        self._lease_ms = int(lease_seconds * 1000)
        redis: Redis = store.redis
        self._claim = redis.register_script(_CLAIM_SCRIPT)

    async def claim(
        self, record_id: str, version: int, claim: str
    ) -> tuple[ClaimOutcome, dict[str, Any] | None]:
        """Take the write guard of ``record_id`` if the view still holds ``version``; returns
        the outcome and, when lost to a newer version or a held guard, the current body."""
        outcome, raw = await self._claim(
            keys=[record_key(record_id), write_guard_key(record_id)],
            args=[version, claim, self._lease_ms],
        )
        return ClaimOutcome(int(outcome)), (jsonutil.loads(raw) if raw else None)

    async def put(
        self,
        record: StateRecord,
        version: int,
        *,
        noun: str,
        status_of: StatusOf = status_field,
        also: Sequence[OutgoingMessage] = (),
    ) -> None:
        """Write ``record`` (a change or a delete of an existing record) with ``also`` if the
        record is still at ``version``; otherwise raise :class:`LostRace` naming ``noun``.
        Raises ``Unavailable`` (503) if Kafka does not acknowledge."""
        claim = secrets.token_hex(12)
        outcome, current = await self.claim(record.id, version, claim)
        if outcome is not ClaimOutcome.WON:
            status = DELETED if current is None else status_of(current)
            raise LostRace(noun, status, busy=outcome is ClaimOutcome.BUSY)
        # Whoever applies this write to the view (this put, the follower, a replay) frees the
        # guard; on any failure it stays until the lease ends (see the module docstring).
        await self._store.put(record.model_copy(update={"claim": claim}), also=also)
