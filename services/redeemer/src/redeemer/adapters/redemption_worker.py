"""Inbound adapter: the ``connect.redemptions`` consumer (group ``redeemer-worker``).

A thin translator: parse the message with the shared model and hand it to the processor.
Offsets are committed by :class:`ConsumerWorker` after the work, so a killed worker's requests
are redelivered and carried out (idempotently) by whoever owns the partition next.
"""

from __future__ import annotations

import logging

from aiokafka import ConsumerRecord
from pydantic import ValidationError

from connect_shared.kafka import ConsumerWorker, make_consumer
from connect_shared.redemptions import RedemptionRequest
from redeemer.config import RedeemerSettings
from redeemer.processing import RedemptionProcessor

log = logging.getLogger(__name__)


def redemption_worker(settings: RedeemerSettings, processor: RedemptionProcessor) -> ConsumerWorker:
    """A consumer-group worker over the redemption requests."""
    session_ms = int(settings.worker_session_timeout_seconds * 1000)
    consumer = make_consumer(
        settings,
        settings.topic_redemptions,
        group_id=settings.worker_group,
        client_id="redeemer-worker",
        session_timeout_ms=session_ms,
        heartbeat_interval_ms=max(1000, session_ms // 3),
    )

    async def handle(message: ConsumerRecord[bytes, bytes]) -> None:
        if message.value is None:
            return
        try:
            request = RedemptionRequest.from_bytes(message.value)
        except (ValidationError, ValueError):
            # Only the redeemer writes this topic; an unreadable message is a bug, not work.
            log.error(
                "unreadable redemption request skipped",
                extra={"partition": message.partition, "offset": message.offset},
            )
            return
        await processor.process(request)

    return ConsumerWorker(consumer, handle, name="redemption-worker", retry_delay_seconds=0.5)
