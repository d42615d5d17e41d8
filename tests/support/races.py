"""Running two requests against the same object at once, many times over, and judging the
outcomes by the contract's "Races" paragraph."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from tests.support.api import Reply

TRIALS = 20


async def at_once(
    first: Callable[[], Awaitable[Reply]], second: Callable[[], Awaitable[Reply]]
) -> tuple[Reply, Reply]:
    """Send both requests concurrently (they are in flight together)."""
    a, b = await asyncio.gather(first(), second())
    return a, b


def won(reply: Reply) -> bool:
    """A 2xx: the change was acknowledged and must be in the final state."""
    return 200 <= reply.status < 300


def lost_with_status(reply: Reply, allowed: set[str]) -> bool:
    """A loser's answer: 409 with the object's current ``status`` (one of ``allowed``)."""
    if reply.status != 409:
        return False
    meta: dict[str, Any] = reply.body["errors"][0].get("meta") or {}
    return meta.get("status") in allowed
