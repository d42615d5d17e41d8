"""Background work inside the aiohttp lifecycle: started with the app, cancelled on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def background_task(
    name: str, make: Callable[[web.Application], Awaitable[None]]
) -> CleanupContext:
    """A ``cleanup_ctx`` running ``make(app)`` as a task for the app's lifetime.

    If the task dies with an error it is logged and restarted after a pause, so a consumer that
    lost its broker comes back by itself.
    """

    async def supervise(app: web.Application) -> None:
        while True:
            try:
                await make(app)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background task crashed; restarting", extra={"task": name})
                await asyncio.sleep(2.0)

    async def context(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(supervise(app), name=name)
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context
