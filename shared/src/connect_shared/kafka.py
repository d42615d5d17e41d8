"""Kafka plumbing with durable defaults: acks=all, an idempotent producer, and consumers that
never auto-commit (:mod:`connect_shared.subscriber` commits after the work)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.helpers import create_ssl_context

from connect_shared.config import KafkaSecuritySettings, KafkaSettings
from connect_shared.errors import Unavailable

log = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]


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


async def topic_partitions(settings: KafkaSettings, topic: str, client_id: str) -> list[int]:
    """The partition ids of ``topic`` as the cluster describes it now (empty when the topic
    does not exist), through a short-lived admin client."""
    admin = make_admin(settings, client_id)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described.get("error_code"):
        return []
    return sorted(int(p["partition"]) for p in described.get("partitions", []))
