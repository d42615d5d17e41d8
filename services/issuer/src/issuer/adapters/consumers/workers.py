"""The issuer's background work: the source-events consumer and the expiry sweeper, each run
for the app's lifetime by ``connect_shared.background.background_task``."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from connect_shared.subscriber import Incoming, Received, Subscriber, Subscription
from issuer.bootstrap import ISSUER
from issuer.usecases.ingestion import SourceMessage

log = logging.getLogger(__name__)

LOG_APPEND_TIME = 1  # aiokafka's timestamp_type of a broker-stamped record


def stored_at(received: Received) -> int:
    """When the broker stored ``received`` (unix seconds): its own stamp when the topic uses
    LogAppendTime, so a lagging consumer keeps fresh messages fresh; otherwise now, because a
    producer-set CreateTime is as forgeable as the signature's own timestamp."""
    if received.timestamp_type == LOG_APPEND_TIME:
        return int(received.timestamp) // 1000
    return int(time.time())


def source_message(received: Received) -> SourceMessage:
    """The message as the ingestion use case takes it: still raw, because the signature covers
    the exact bytes and is checked before anything is parsed (the use case dead-letters what
    fails, with the reason)."""
    return SourceMessage(
        received.topic,
        received.partition,
        received.offset,
        received.key,
        received.value,
        headers=received.headers,
        stored_at=stored_at(received),
    )


async def consume_source_events(app: web.Application) -> None:
    """Read ``connect.source-events`` in the issuers' consumer group; commit after the work."""
    issuer = app[ISSUER]
    settings = issuer.settings
    subscription = Subscription(
        settings.topic_source_events,
        settings.source_events_group,
        "issuer-source-events",
        source_message,
    )

    async def handle(incoming: Incoming[SourceMessage]) -> None:
        await issuer.ingestion.handle(incoming.message)

    await Subscriber.each(settings, subscription, handle).run()


async def sweep_expired_tokens(app: web.Application) -> None:
    """Announce tokens past expiry, scan after scan; a failed scan is logged and retried."""
    issuer = app[ISSUER]
    interval = issuer.settings.expiry_sweep_interval_seconds
    while True:
        try:
            await issuer.sweeper.sweep_once()
        except Exception:
            log.exception("expiry scan failed; retrying")
        await asyncio.sleep(interval)
