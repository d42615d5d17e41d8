"""Dead letters: where a consumer puts a message it cannot handle, so its partition moves on.

Every :class:`~connect_shared.subscriber.Subscriber` dead-letters a record that does not parse
and one whose handler kept failing for a reason of its own (``max_attempts`` of the
subscription, counted only over failures that are not a dependency being away: Kafka, Redis
or the view being down are retried without counting, since the message is not at fault).

A dead letter is the original record (key, value, headers) produced to ``connect.dead-letters``
with these headers added:

* ``connect-dlq-reason``: why (the exception, or the parse error), at most 1,000 bytes;
* ``connect-dlq-origin``: ``topic/partition/offset`` of the original;
* ``connect-dlq-group``: the consumer group that gave up;
* ``connect-dlq-attempts``: how many counted attempts failed (0 for a parse failure).

``connect-admin dlq replay TOPIC`` produces dead letters back onto their topic with
``connect-redrive-group`` naming the group that gave up: only that group handles them again,
every other group of the topic skips them (they handled the original already).
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka.errors import KafkaError
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from connect_shared.config import KafkaSettings
from connect_shared.errors import Unavailable
from connect_shared.kafka import DurableProducer, OutgoingMessage
from connect_shared.kafka_types import Headers

log = logging.getLogger(__name__)

DEAD_LETTER_TOPIC = "connect.dead-letters"
REASON_HEADER = "connect-dlq-reason"
ORIGIN_HEADER = "connect-dlq-origin"
GROUP_HEADER = "connect-dlq-group"
ATTEMPTS_HEADER = "connect-dlq-attempts"
REDRIVE_GROUP_HEADER = "connect-redrive-group"
_ADDED = {REASON_HEADER, ORIGIN_HEADER, GROUP_HEADER, ATTEMPTS_HEADER, REDRIVE_GROUP_HEADER}
MAX_REASON_BYTES = 1000


def is_transient(exc: BaseException) -> bool:
    """True for failures of a dependency (retried without counting), not of the message."""
    transient = (
        Unavailable,
        KafkaError,
        RedisConnectionError,
        RedisTimeoutError,
        BusyLoadingError,
        ConnectionError,
        TimeoutError,
        asyncio.TimeoutError,
    )
    return isinstance(exc, transient)


def header(headers: Headers, name: str) -> str | None:
    """The value of header ``name`` (the last one given), as text."""
    found = [value for key, value in headers if key == name]
    return found[-1].decode(errors="replace") if found else None


def dead_letter_message(
    topic: str,
    key: bytes | None,
    value: bytes | None,
    headers: Headers,
    *,
    reason: str,
    origin: str,
    group: str,
    attempts: int,
) -> OutgoingMessage:
    """The dead letter of one record: the original bytes with the reason and where it was."""
    kept = [(k, v) for k, v in headers if k not in _ADDED]
    added = [
        (REASON_HEADER, reason.encode()[:MAX_REASON_BYTES]),
        (ORIGIN_HEADER, origin.encode()),
        (GROUP_HEADER, group.encode()),
        (ATTEMPTS_HEADER, str(attempts).encode()),
    ]
    text_key = key.decode(errors="replace") if key is not None else ""
    return OutgoingMessage(topic, text_key, value, [*kept, *added])


class DeadLetterSink:
    """Produces dead letters of one consumer group (its own small producer, started on the
    first dead letter: most subscribers never need it)."""

    def __init__(self, settings: KafkaSettings, group: str, client_id: str, topic: str) -> None:
        self._settings = settings
        self._group = group
        self._client_id = client_id
        self.topic = topic
        self._producer: DurableProducer | None = None
        self._lock = asyncio.Lock()

    async def send(
        self,
        source_topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        headers: Headers,
        reason: str,
        attempts: int,
    ) -> None:
        """Produce the dead letter; raises :class:`Unavailable` when Kafka did not take it
        (the subscriber then keeps the record and tries again)."""
        producer = await self._ready()
        message = dead_letter_message(
            self.topic,
            key,
            value,
            headers,
            reason=reason,
            origin=f"{source_topic}/{partition}/{offset}",
            group=self._group,
            attempts=attempts,
        )
        await producer.send(message)
        log.error(
            "message dead-lettered",
            extra={
                "topic": source_topic,
                "partition": partition,
                "offset": offset,
                "group": self._group,
                "attempts": attempts,
                "reason": reason[:300],
            },
        )

    async def _ready(self) -> DurableProducer:
        async with self._lock:
            if self._producer is None:
                # One record at a time, nothing to keep atomic with it: the plain producer.
                producer = DurableProducer(self._settings, f"{self._client_id}-dlq", atomic=False)
                await producer.start()
                self._producer = producer
            return self._producer

    async def close(self) -> None:
        """Stop the producer if one was started."""
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
