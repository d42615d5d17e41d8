"""Inbound adapter: the ``connect.redemptions`` consumer (group ``redeemer-worker``).

A thin translator: parse the message with the shared model and hand it to the processor.
Offsets are committed by the :class:`Subscriber` after the work, so a killed worker's requests
are redelivered and carried out (idempotently) by whoever owns the partition next.
"""

from __future__ import annotations

from connect_shared.backoff import Backoff
from connect_shared.redemptions import RedemptionRequest
from connect_shared.subscriber import Incoming, Subscriber, Subscription, model_value
from redeemer.config import RedeemerSettings
from redeemer.usecases.processing import RedemptionProcessor


def redemption_worker(
    settings: RedeemerSettings, processor: RedemptionProcessor
) -> Subscriber[RedemptionRequest]:
    """A consumer-group subscriber over the redemption requests (only the redeemer writes that
    topic; an unreadable message is a bug, not work, and is logged and skipped)."""
    session_ms = int(settings.worker_session_timeout_seconds * 1000)
    subscription = Subscription(
        settings.topic_redemptions,
        settings.worker_group,
        "redeemer-worker",
        model_value(RedemptionRequest),
        retry=Backoff(first=0.5, cap=30.0),
        consumer_options={
            "session_timeout_ms": session_ms,
            "heartbeat_interval_ms": max(1000, session_ms // 3),
        },
    )

    async def handle(incoming: Incoming[RedemptionRequest]) -> None:
        await processor.process(incoming.message)

    return Subscriber.each(settings, subscription, handle)
