"""Composition root: builds the notifier's parts from the shared runtime and the settings.
Production (``app.py``) and tests use the same functions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from connect_shared.background import CleanupContext
from connect_shared.runtime import RUNTIME, Runtime
from connect_shared.secret_box import SecretBox, decode_key
from notifier.adapters.consumers.fanout import Fanout
from notifier.adapters.disabler import WebhookDisabler
from notifier.adapters.dispatcher import Dispatcher, DispatchLimits
from notifier.adapters.guard import RegistrationVetting
from notifier.adapters.sender import HttpSender
from notifier.adapters.stores.attempt_log import AttemptLog
from notifier.adapters.stores.fanout_marks import FanoutMarks
from notifier.adapters.stores.queue import DeliveryQueue
from notifier.adapters.stores.webhook_store import WebhookStore
from notifier.config import NotifierSettings
from notifier.domain.schedule import RetryPolicy
from notifier.domain.ssrf import AddressPolicy
from notifier.metrics import DUE_BACKLOG, RETRY_QUEUE_DEPTH
from notifier.usecases.webhooks import WebhookUseCases

log = logging.getLogger(__name__)

GAUGE_INTERVAL_SECONDS = 5.0


@dataclass(frozen=True)
class Notifier:
    """Everything the routes and workers of one process use."""

    settings: NotifierSettings
    runtime: Runtime
    webhooks: WebhookStore
    queue: DeliveryQueue
    attempts: AttemptLog
    address_policy: AddressPolicy
    policy: RetryPolicy
    sender: HttpSender
    dispatcher: Dispatcher
    fanout: Fanout
    cases: WebhookUseCases


NOTIFIER = web.AppKey("notifier", Notifier)


def address_policy(settings: NotifierSettings) -> AddressPolicy:
    """The SSRF policy of the configured profile and allow-list."""
    return AddressPolicy(settings.allow_networks, development=settings.profile == "development")


def build_notifier(settings: NotifierSettings, runtime: Runtime) -> Notifier:
    """Wire the parts (no I/O; the sender opens its session in :func:`notifier_context`)."""
    policy = RetryPolicy(
        settings.schedule, settings.retry_jitter_ratio, settings.retry_after_max_seconds
    )
    guard = address_policy(settings)
    webhooks = WebhookStore(
        runtime.store, SecretBox(decode_key(settings.secrets_key.get_secret_value()))
    )
    queue = DeliveryQueue(
        runtime.redis,
        retention_seconds=settings.event_retention_seconds,
        log_max_entries=settings.attempt_log_max_entries,
    )
    sender = HttpSender(
        guard,
        total_timeout=settings.delivery_timeout_seconds,
        connect_timeout=settings.connect_timeout_seconds,
        max_connections=settings.max_in_flight,
    )
    dispatcher = Dispatcher(
        queue=queue,
        webhooks=webhooks,
        sender=sender,
        disabler=WebhookDisabler(webhooks, queue, settings.topic_events),
        policy=policy,
        limits=DispatchLimits(
            max_in_flight=settings.max_in_flight,
            per_webhook=settings.per_webhook_concurrency,
            batch=settings.claim_batch_size,
            lease_seconds=settings.lease_seconds,
            poll_seconds=settings.poll_interval_seconds,
            busy_defer_seconds=settings.busy_defer_seconds,
            auto_disable_seconds=settings.auto_disable_after_seconds,
            drain_seconds=settings.delivery_timeout_seconds + 2,
        ),
    )
    fanout = Fanout(
        queue=queue,
        webhooks=webhooks,
        guardian=runtime.guardian,
        marks=FanoutMarks(runtime.redis),
        policy=policy,
        max_due_backlog=settings.max_due_backlog,
        on_scheduled=dispatcher.wake,
    )
    return Notifier(
        settings,
        runtime,
        webhooks,
        queue,
        AttemptLog(runtime.redis),
        guard,
        policy,
        sender,
        dispatcher,
        fanout,
        WebhookUseCases(webhooks, queue, RegistrationVetting(guard), dispatcher.wake),
    )


def notifier_context(settings: NotifierSettings) -> CleanupContext:
    """``cleanup_ctx``: build the notifier, open its HTTP client, run its workers."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        notifier = build_notifier(settings, app[RUNTIME])
        app[NOTIFIER] = notifier
        await notifier.sender.start()
        tasks = []
        if settings.workers_enabled:
            tasks = [
                asyncio.create_task(_supervise("dispatcher", notifier.dispatcher.run)),
                asyncio.create_task(_supervise("fanout", lambda: _run_fanout(notifier))),
                asyncio.create_task(_supervise("queue-gauges", lambda: _gauges(notifier))),
            ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await notifier.sender.close()

    return context


async def _run_fanout(notifier: Notifier) -> None:
    s = notifier.settings
    await notifier.fanout.run(s, s.topic_events, s.fanout_group)


async def _gauges(notifier: Notifier) -> None:
    while True:
        RETRY_QUEUE_DEPTH.set(await notifier.queue.depth())
        DUE_BACKLOG.set(await notifier.queue.due_backlog(int(time.time() * 1000)))
        await asyncio.sleep(GAUGE_INTERVAL_SECONDS)


async def _supervise(name: str, make: Callable[[], Awaitable[None]]) -> None:
    while True:
        try:
            await make()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("notifier worker crashed; restarting", extra={"worker": name})
            await asyncio.sleep(2.0)
