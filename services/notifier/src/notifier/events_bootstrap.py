"""Wiring of the events view (contract 2.6): the view, its guardian and its feed, apart from
the webhook machinery in :mod:`notifier.bootstrap` (the two consume ``connect.events`` in
separate groups, so a paused webhook fan-out never holds the view back)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from connect_shared.background import CleanupContext
from connect_shared.runtime import RUNTIME
from notifier.adapters.consumers.event_feed import EventViewGuardian, follow_events
from notifier.adapters.stores.event_view import EventView
from notifier.config import NotifierSettings

log = logging.getLogger(__name__)

RESTART_SECONDS = 2.0


@dataclass(frozen=True)
class EventsFeed:
    """The events view and the guardian that rebuilds it."""

    view: EventView
    guardian: EventViewGuardian


EVENTS = web.AppKey("events", EventsFeed)


def events_context(settings: NotifierSettings) -> CleanupContext:
    """``cleanup_ctx``: build the view; with workers enabled, follow ``connect.events``."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        view = EventView(
            app[RUNTIME].redis, retention_seconds=settings.events_view_retention_seconds
        )
        guardian = EventViewGuardian(settings, settings.topic_events, view)
        app[EVENTS] = EventsFeed(view, guardian)
        task = None
        if settings.workers_enabled:
            task = asyncio.create_task(_follow(settings, view, guardian))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await guardian.close()

    return context


async def _follow(settings: NotifierSettings, view: EventView, guardian: EventViewGuardian) -> None:
    while True:
        try:
            await follow_events(
                settings, settings.topic_events, settings.events_view_group, view, guardian
            )
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("events view feed crashed; restarting")
            await asyncio.sleep(RESTART_SECONDS)
