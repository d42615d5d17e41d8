"""The issuer's background work: the source-events consumer and the expiry sweeper, each run
for the app's lifetime by ``connect_shared.background.background_task``."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from aiokafka import ConsumerRecord

from connect_shared.kafka import ConsumerWorker, make_consumer
from issuer.bootstrap import ISSUER
from issuer.usecases.ingestion import SourceMessage

log = logging.getLogger(__name__)

LOG_APPEND_TIME = 1  # aiokafka's timestamp_type of a broker-stamped record


def stored_at(record: ConsumerRecord[bytes, bytes]) -> int:
    """When the broker stored ``record`` (unix seconds): its own stamp when the topic uses
    LogAppendTime, so a lagging consumer keeps fresh messages fresh; otherwise now, because a
    producer-set CreateTime is as forgeable as the signature's own timestamp."""
    if record.timestamp_type == LOG_APPEND_TIME:
        return int(record.timestamp) // 1000
    return int(time.time())


async def consume_source_events(app: web.Application) -> None:
    """Read ``connect.source-events`` in the issuers' consumer group; commit after the work."""
    issuer = app[ISSUER]
    settings = issuer.settings
    consumer = make_consumer(
        settings,
        settings.topic_source_events,
        group_id=settings.source_events_group,
        client_id="issuer-source-events",
    )

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        await issuer.ingestion.handle(
            SourceMessage(
                record.topic,
                record.partition,
                record.offset,
                record.key,
                record.value,
                headers=list(record.headers),
                stored_at=stored_at(record),
            )
        )

    await ConsumerWorker(consumer, handle, name="source-events").run()


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
