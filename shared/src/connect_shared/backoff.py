"""The one back-off policy for "try again until it works": capped, jittered exponential waits.

Built on stamina (itself on tenacity): it waits with jitter, so many consumers that lost the
same dependency do not retry in lock-step, and it never retries ``CancelledError`` or
``KeyboardInterrupt``, so shutdown stays prompt.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import stamina

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """How to retry: the first wait, the longest wait, and how many attempts in all (None:
    until it succeeds or the task is cancelled). Waits double and gain up to ``first`` of
    jitter."""

    first: float
    cap: float
    attempts: int | None = None


async def retry(
    call: Callable[[], Awaitable[T]],
    backoff: Backoff,
    *,
    on: type[Exception] | tuple[type[Exception], ...] = Exception,
    failed: Callable[[Exception], None] | None = None,
) -> T:
    """Await ``call()`` until it returns, retrying exceptions of type ``on`` with ``backoff``.

    ``failed`` sees every failed attempt (to log it). Once the attempts are used up, the last
    exception propagates; any other exception propagates at once.

    The first attempt runs without the retry machinery (building it costs more than most
    calls it guards: the profile of issue 14); only a failure sets it up, for the rest, with
    the same waits as if it had been there from the start.
    """
    try:
        return await call()
    except on as exc:
        if failed is not None:
            failed(exc)
        if backoff.attempts == 1:
            raise
    await asyncio.sleep(min(backoff.cap, backoff.first + random.uniform(0, backoff.first)))  # noqa: S311
    left = None if backoff.attempts is None else backoff.attempts - 1
    async for attempt in stamina.retry_context(
        on=on,
        attempts=left,
        timeout=None,
        wait_initial=min(backoff.cap, backoff.first * 2),
        wait_max=backoff.cap,
        wait_jitter=backoff.first,
    ):
        with attempt:
            try:
                return await call()
            except on as exc:
                if failed is not None:
                    failed(exc)
                raise
    raise AssertionError("unreachable: stamina re-raises after the last attempt")
