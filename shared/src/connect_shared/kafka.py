"""Kafka plumbing with durable defaults: acks=all, an idempotent producer, and consumers that
commit only after their handler finished (at-least-once; handlers must be idempotent)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.helpers import create_ssl_context

from connect_shared.backoff import Backoff, retry
from connect_shared.config import KafkaSecuritySettings, KafkaSettings
from connect_shared.errors import Unavailable

log = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]
MessageHandler = Callable[[ConsumerRecord[bytes, bytes]], Awaitable[None]]


def security_options(settings: KafkaSecuritySettings) -> dict[str, Any]:
    """The aiokafka keyword arguments for TLS and SASL from ``settings`` (the same for
    producers, consumers and admin clients)."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_uses_tls:
        key_password = settings.kafka_ssl_key_password
        context = create_ssl_context(
            cafile=settings.kafka_ssl_cafile or None,
            certfile=settings.kafka_ssl_certfile or None,
            keyfile=settings.kafka_ssl_keyfile or None,
            password=key_password.get_secret_value() if key_password else None,
        )
        context.check_hostname = settings.kafka_ssl_check_hostname
        options["ssl_context"] = context
    if settings.kafka_security_protocol.startswith("SASL_"):
        password = settings.kafka_sasl_password
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=password.get_secret_value() if password else None,
        )
    return options


def client_options(settings: KafkaSettings, client_id: str) -> dict[str, Any]:
    """Bootstrap servers, a prefixed client id and the security options of any client."""
    return {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "client_id": f"{settings.kafka_client_id_prefix}-{client_id}",
        **security_options(settings),
    }


def make_admin(settings: KafkaSettings, client_id: str, **overrides: Any) -> AIOKafkaAdminClient:
    """An admin client (topics, metadata) with the configured security."""
    return AIOKafkaAdminClient(**{**client_options(settings, client_id), **overrides})


@dataclass(frozen=True)
class OutgoingMessage:
    """One record to produce: topic, key and value bytes (None: a tombstone), optional
    headers."""

    topic: str
    key: str
    value: bytes | None
    headers: Headers = field(default_factory=list)


@dataclass(frozen=True)
class Delivered:
    """Where the broker stored a record."""

    topic: str
    partition: int
    offset: int


class DurableProducer:
    """One idempotent, acks=all producer per process, shared by every request."""

    def __init__(self, settings: KafkaSettings, client_id: str) -> None:
        self._timeout = settings.kafka_produce_timeout_seconds
        self._producer = AIOKafkaProducer(
            **client_options(settings, client_id),
            acks="all",
            enable_idempotence=True,
            # A little lingering batches concurrent requests into one round trip.
            linger_ms=2,
            max_batch_size=256 * 1024,
            compression_type=None,
            request_timeout_ms=int(self._timeout * 1000),
        )

    @property
    def timeout_seconds(self) -> float:
        """How long a send waits for acknowledgements before it counts as failed."""
        return self._timeout

    @property
    def raw(self) -> AIOKafkaProducer:
        """The underlying aiokafka producer (for readiness checks)."""
        return self._producer

    async def start(self) -> None:
        """Connect; retries until Kafka answers so services may start before the broker."""
        await self._producer.start()

    async def stop(self) -> None:
        """Flush what is queued and disconnect."""
        await self._producer.stop()

    async def send_all(self, messages: Sequence[OutgoingMessage]) -> list[Delivered]:
        """Produce ``messages`` concurrently and wait until every one is acknowledged.

        Raises :class:`Unavailable` (503) when Kafka does not acknowledge them in time.
        """
        try:
            async with asyncio.timeout(self._timeout):
                futures = [
                    await self._producer.send(
                        m.topic, m.value, key=m.key.encode(), headers=m.headers or None
                    )
                    for m in messages
                ]
                results = await asyncio.gather(*futures)
        except (KafkaError, TimeoutError) as exc:
            log.warning("kafka produce failed", extra={"error": repr(exc)})
            raise Unavailable("Kafka did not acknowledge the write; nothing was stored.") from exc
        return [Delivered(r.topic, r.partition, r.offset) for r in results]

    async def send(self, message: OutgoingMessage) -> Delivered:
        """Produce one message and wait for its acknowledgement."""
        (delivered,) = await self.send_all([message])
        return delivered


def make_consumer(
    settings: KafkaSettings,
    *topics: str,
    group_id: str | None,
    client_id: str,
    **overrides: Any,
) -> AIOKafkaConsumer:
    """A consumer that starts from the earliest offset and never auto-commits."""
    options: dict[str, Any] = {
        **client_options(settings, client_id),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 500,
    }
    options.update(overrides)
    return AIOKafkaConsumer(*topics, **options)


class ConsumerWorker:
    """Runs ``handler`` over every record of a consumer group and commits after the work.

    Partitions of one batch are processed concurrently, and so are records with different keys;
    records with the same key are processed in order. A
    handler that raises is retried with back-off and its offset is not committed, so nothing is
    skipped; handlers turn poison messages into dead letters themselves.
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        handler: MessageHandler,
        *,
        name: str,
        max_records: int = 500,
        retry_delay_seconds: float = 1.0,
        max_concurrency: int = 32,
    ) -> None:
        self._consumer = consumer
        self._handler = handler
        self._name = name
        self._max_records = max_records
        self._backoff = Backoff(first=retry_delay_seconds, cap=30.0)
        # Bounds the keys handled at once, so a big batch cannot drain the Redis pool.
        self._slots = asyncio.Semaphore(max_concurrency)

    async def run(self) -> None:
        """Start the consumer and process until cancelled."""
        await self._consumer.start()
        try:
            while True:
                batches = await self._consumer.getmany(
                    timeout_ms=500, max_records=self._max_records
                )
                if not batches:
                    continue
                await self.process(batches)
                # One commit for the whole batch, and only after all of it was handled.
                await self._consumer.commit(
                    {tp: records[-1].offset + 1 for tp, records in batches.items()}
                )
        finally:
            await self._consumer.stop()

    async def process(
        self, batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]
    ) -> None:
        """Handle one fetched batch. Records with the same key keep their order; different keys
        run concurrently, so a partition is not limited to one round trip at a time."""
        by_key: dict[tuple[TopicPartition, bytes | None], list[ConsumerRecord[bytes, bytes]]] = {}
        for partition, records in batches.items():
            for record in records:
                by_key.setdefault((partition, record.key), []).append(record)
        await asyncio.gather(*(self._handle_in_order(group) for group in by_key.values()))

    async def _handle_in_order(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        async with self._slots:
            for record in records:
                await self._handle_with_retry(record)

    async def _handle_with_retry(self, record: ConsumerRecord[bytes, bytes]) -> None:
        def failed(_: Exception) -> None:
            log.exception(
                "handler failed; will retry",
                extra={"worker": self._name, "topic": record.topic, "offset": record.offset},
            )

        await retry(lambda: self._handler(record), self._backoff, failed=failed)
