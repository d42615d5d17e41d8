"""What ingesting ``connect.source-events`` keeps besides records: the markers of events already
ingested (Redis) and the dead-letter topic (Kafka, acknowledged before the offset commits)."""

from __future__ import annotations

from redis.asyncio import Redis

from connect_shared.kafka import OutgoingMessage
from connect_shared.state import StateStore
from connect_shared.store_errors import store_unavailable

DLQ_REASON_HEADER = "connect-dlq-reason"
DLQ_ORIGIN_HEADER = "connect-dlq-origin"
PROCESSED_TTL_SECONDS = 8 * 24 * 3600  # longer than the topic's retention


def _marker(event_id: str) -> str:
    return f"ingested:{event_id}"


class RedisIngestedEvents:
    """:class:`issuer.ports.IngestedEvents` as expiring Redis keys."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def seen(self, event_id: str) -> bool:
        """True when ``event_id`` was ingested before."""
        return bool(await self._redis.exists(_marker(event_id)))

    async def remember(self, event_id: str) -> None:
        """Mark ``event_id`` ingested for :data:`PROCESSED_TTL_SECONDS`."""
        await self._redis.set(_marker(event_id), "1", ex=PROCESSED_TTL_SECONDS)


class KafkaDeadLetters:
    """:class:`issuer.ports.DeadLetters` on the dead-letter topic, reason and origin as headers."""

    def __init__(self, state: StateStore, topic: str) -> None:
        self._state = state
        self._topic = topic

    async def send(self, key: str, value: bytes, *, reason: str, origin: str) -> None:
        """Produce ``value`` to the dead-letter topic; returns once Kafka acknowledged it."""
        headers = [
            (DLQ_REASON_HEADER, reason.encode()[:1000]),
            (DLQ_ORIGIN_HEADER, origin.encode()),
        ]
        with store_unavailable():
            await self._state.put(also=[OutgoingMessage(self._topic, key, value, headers)])
