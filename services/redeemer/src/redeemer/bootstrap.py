"""Composition root: the redeemer's services built from the process's pooled clients.

Production (``app.py``) and the tests build the service the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from redis.exceptions import RedisError

from connect_shared.runtime import Runtime
from connect_shared.token_guard import TokenGuard
from redeemer.adapters.key_directory import KeyRing
from redeemer.adapters.stores.event_log import EventLog
from redeemer.adapters.stores.redemption_store import RedemptionStore
from redeemer.config import RedeemerSettings
from redeemer.usecases.processing import RedemptionProcessor
from redeemer.usecases.reaping import RedemptionReaper
from redeemer.usecases.redeeming import RedeemService


@dataclass(frozen=True)
class Redeemer:
    """Everything the redeemer's adapters call into."""

    keyring: KeyRing
    store: RedemptionStore
    redeem_service: RedeemService
    processor: RedemptionProcessor
    reaper: RedemptionReaper


REDEEMER = web.AppKey("redeemer", Redeemer)


def bootstrap(runtime: Runtime, settings: RedeemerSettings, keyring: KeyRing) -> Redeemer:
    """Wire the redeemer onto ``runtime`` (producer, Redis, state store, view guardian)."""
    store = RedemptionStore(
        runtime.store,
        EventLog(settings, runtime.producer, settings.topic_events),
        settings.topic_redemptions,
        settings.topic_events,
    )
    return Redeemer(
        keyring=keyring,
        store=store,
        redeem_service=RedeemService(store, TokenGuard(runtime.redis)),
        processor=RedemptionProcessor(
            store,
            keyring.sign,
            on_view_lost=runtime.guardian.start_rebuild,
            pending_grace_seconds=settings.worker_pending_grace_seconds,
            transient=(RedisError, OSError),
        ),
        reaper=RedemptionReaper(store, timeout_seconds=settings.pending_timeout_seconds),
    )
