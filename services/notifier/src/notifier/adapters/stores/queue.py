"""The durable delivery queue in Redis (AOF on): scheduling, leased claims, outcomes, resends.

Layout: ``ntf:due`` (sorted set of delivery ids by due time, ms), ``ntf:dlv:{id}`` (delivery
hash, see :mod:`notifier.adapters.stores.queue_scripts`), ``ntf:evt:{event id}`` (org, name and the
exact event bytes, kept for resends), ``ntf:log:{webhook id}`` (the attempt log, a capped
stream) and ``ntf:health:{webhook id}`` (failing-since and failure streak); the fan-out's marks
(``ntf:open:*`` and friends) are described in :mod:`notifier.adapters.stores.fanout_marks`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from connect_shared.redis_replies import as_text
from notifier.adapters.stores import queue_scripts
from notifier.domain.deliveries import ClaimedDelivery, delivery_id

DUE_KEY = "ntf:due"


def delivery_key(dlv_id: str) -> str:
    """The hash of one delivery."""
    return f"ntf:dlv:{dlv_id}"


def event_key(event_id: str) -> str:
    """The hash holding one event's exact bytes."""
    return f"ntf:evt:{event_id}"


def log_key(webhook_id: str) -> str:
    """The attempt-log stream of one webhook."""
    return f"ntf:log:{webhook_id}"


def health_key(webhook_id: str) -> str:
    """Failure streak and failing-since of one webhook."""
    return f"ntf:health:{webhook_id}"


@dataclass(frozen=True)
class EventFanout:
    """One event and the webhooks it goes to."""

    event_id: str
    organization_id: str
    name: str
    body: bytes
    webhook_ids: Sequence[str]
    partition: int = 0
    offset: int = 0


@dataclass(frozen=True)
class Finish:
    """The end of one claim: what happened and what to record."""

    delivery: ClaimedDelivery
    outcome: str  # delivered | retry | dead | defer | drop
    attempts: int
    first_attempted_at: int | None
    next_due_ms: int = 0
    log_entry: bytes = b""
    health: str = ""  # ok | fail | '' (not an attempt)


@dataclass(frozen=True)
class Finished:
    """What Redis said: whether we still held the lease, and the webhook's failure state."""

    owned: bool
    failing_since_ms: int | None
    failure_streak: int


class DeliveryQueue:
    """Every operation is one Lua script (atomic), pipelined when batched."""

    def __init__(self, redis: Redis, *, retention_seconds: int, log_max_entries: int) -> None:
        self._redis = redis
        self._retention = retention_seconds
        self._log_max = log_max_entries
        self._schedule = redis.register_script(queue_scripts.SCHEDULE)
        self._claim = redis.register_script(queue_scripts.CLAIM)
        self._finish = redis.register_script(queue_scripts.FINISH)
        self._resend = redis.register_script(queue_scripts.RESEND)

    async def schedule(self, fanouts: Sequence[EventFanout], due_ms: int) -> int:
        """Create the deliveries of ``fanouts`` (idempotent: existing ones are left alone)."""
        if not fanouts:
            return 0
        async with self._redis.pipeline(transaction=False) as pipe:
            for f in fanouts:
                args: list[Any] = [f.event_id, f.organization_id, f.name, f.body]
                args += [self._retention, due_ms, f.partition, f.offset]
                for webhook_id in f.webhook_ids:
                    args += [delivery_id(webhook_id, f.event_id), webhook_id]
                await self._schedule(keys=[DUE_KEY, event_key(f.event_id)], args=args, client=pipe)
            created = await pipe.execute()
        return sum(int(n) for n in created)

    async def claim(self, now_ms: int, lease_ms: int, limit: int) -> list[ClaimedDelivery]:
        """Lease up to ``limit`` due deliveries to this process."""
        token = secrets.token_hex(8)
        rows = await self._claim(keys=[DUE_KEY], args=[now_ms, lease_ms, limit, token])
        claimed = []
        for row in rows:
            dlv_id, webhook, event, attempts, first, lease, body, name = row
            claimed.append(
                ClaimedDelivery(
                    id=as_text(dlv_id),
                    webhook_id=as_text(webhook),
                    event_id=as_text(event),
                    event_name=as_text(name),
                    attempts_made=int(attempts),
                    first_attempted_at=int(first) if first else None,
                    lease=as_text(lease),
                    body=body if isinstance(body, bytes) else str(body).encode(),
                )
            )
        return claimed

    async def finish(self, items: Sequence[Finish], now_ms: int) -> list[Finished]:
        """Record the outcome of claims in one round trip."""
        if not items:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for item in items:
                d = item.delivery
                await self._finish(
                    keys=[
                        DUE_KEY,
                        delivery_key(d.id),
                        log_key(d.webhook_id),
                        health_key(d.webhook_id),
                    ],
                    args=[
                        d.id,
                        d.lease,
                        item.outcome,
                        item.attempts,
                        item.first_attempted_at or "",
                        item.next_due_ms,
                        self._retention,
                        self._log_max,
                        item.log_entry,
                        item.health,
                        now_ms,
                    ],
                    client=pipe,
                )
            replies = await pipe.execute()
        return [
            Finished(bool(int(owned)), int(since) if since else None, int(streak))
            for owned, since, streak in replies
        ]

    async def event_name(self, event_id: str, org_id: str) -> str | None:
        """The name of a kept event of ``org_id`` (None when unknown or another org's)."""
        org, name = await self._redis.hmget(event_key(event_id), ["org", "name"])
        if org is None or name is None or as_text(org) != org_id:
            return None
        return as_text(name)

    async def resend(self, webhook_id: str, event_id: str, org_id: str, due_ms: int) -> str | None:
        """Schedule ``event_id`` to ``webhook_id`` again as a fresh delivery (attempt 1).

        Returns the delivery id, or None when the event is not known for ``org_id``."""
        dlv_id = delivery_id(webhook_id, event_id)
        done = await self._resend(
            keys=[DUE_KEY, delivery_key(dlv_id), event_key(event_id)],
            args=[dlv_id, webhook_id, event_id, org_id, due_ms, self._retention],
        )
        return dlv_id if int(done) else None

    async def due_backlog(self, now_ms: int) -> int:
        """How many deliveries are due now (or leased)."""
        return int(await self._redis.zcount(DUE_KEY, "-inf", now_ms))

    async def depth(self) -> int:
        """Every delivery waiting in the queue (due or later)."""
        return int(await self._redis.zcard(DUE_KEY))

    async def reset_health(self, webhook_id: str) -> None:
        """Forget a webhook's failure streak (it was re-enabled)."""
        await self._redis.delete(health_key(webhook_id))
