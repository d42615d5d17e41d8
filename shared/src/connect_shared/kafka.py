"""Kafka plumbing with durable defaults: acks=all, a transactional producer whose writes land
all or nothing (:mod:`connect_shared.transactions`), and ``read_committed`` consumers that never
auto-commit (:mod:`connect_shared.subscriber` commits after the work)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.helpers import create_ssl_context

from connect_shared.config import KafkaSecuritySettings, KafkaSettings
from connect_shared.errors import Unavailable
from connect_shared.kafka_types import Delivered as Delivered
from connect_shared.kafka_types import Headers as Headers
from connect_shared.kafka_types import OutgoingMessage as OutgoingMessage
from connect_shared.stages import stage
from connect_shared.transactions import LANES, REFUSED, GroupCommit

log = logging.getLogger(__name__)

# A transaction left open by a killed process holds back read_committed readers of its
# partitions until the coordinator aborts it: keep that short, but longer than a healthy
# transaction can take (its sends are bounded by the produce timeout, then one commit).
MIN_TRANSACTION_TIMEOUT_SECONDS = 10.0


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


class DurableProducer:
    """One transactional, acks=all producer per process, shared by every request and handler.

    :meth:`send_all` writes one set of messages all or nothing; concurrent sets share a
    transaction (group commit, :class:`~connect_shared.transactions.GroupCommit`). Each process
    gets its own transactional id. ``atomic=False`` gives the plain idempotent producer (the
    benchmark's baseline), whose messages may land after a timeout was reported.
    """

    def __init__(self, settings: KafkaSettings, client_id: str, *, atomic: bool = True) -> None:
        self._settings = settings
        self._client_id = client_id
        self._timeout = settings.kafka_produce_timeout_seconds
        self._atomic = atomic
        self.transactional_id = (
            f"{settings.kafka_client_id_prefix}-{client_id}-{uuid.uuid4().hex[:12]}"
            if atomic
            else None
        )
        self._first = self._new_producer()
        # Atomic writes go through the lanes (lane 0 uses the first producer); plain ones do not.
        self._commits = GroupCommit(
            self._new_producer,
            self._timeout,
            self._was_committed,
            first=self._first,
            lanes=LANES if atomic else 1,
        )

    def _new_producer(self, lane: int = 0) -> AIOKafkaProducer:
        transaction_timeout = max(MIN_TRANSACTION_TIMEOUT_SECONDS, 2 * self._timeout)
        transactional_id = f"{self.transactional_id}-{lane}" if self.transactional_id else None
        return AIOKafkaProducer(
            **client_options(self._settings, self._client_id),
            acks="all",
            enable_idempotence=True,
            transactional_id=transactional_id,
            transaction_timeout_ms=int(transaction_timeout * 1000),
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
        """The underlying aiokafka producer in use (for readiness checks and metadata)."""
        return self._commits.producer if self._atomic else self._first

    @property
    def transactions(self) -> int:
        """How many transactions this producer committed (each may carry many sets)."""
        return self._commits.transactions

    async def start(self) -> None:
        """Connect (and, when atomic, register the transactional id)."""
        if self._atomic:
            await self._commits.start()
        else:
            await self._first.start()

    async def stop(self) -> None:
        """Finish what is queued and disconnect."""
        if self._atomic:
            await self._commits.stop()
        else:
            await self._first.stop()

    async def send_all(self, messages: Sequence[OutgoingMessage]) -> list[Delivered]:
        """Write ``messages`` all or nothing and return where each landed.

        Raises :class:`Unavailable` (503) only when none of them will ever be visible to a
        ``read_committed`` reader; while the outcome is unknown it keeps waiting.
        """
        with stage("produce_commit"):
            return await self._send_all(messages)

    async def _send_all(self, messages: Sequence[OutgoingMessage]) -> list[Delivered]:
        if self._atomic:
            return await self._commits.write(messages)
        try:
            async with asyncio.timeout(self._timeout):
                futures = [
                    await self._first.send(
                        m.topic, m.value, key=m.key.encode(), headers=m.headers or None
                    )
                    for m in messages
                ]
                results = await asyncio.gather(*futures)
        except (KafkaError, TimeoutError) as exc:
            log.warning("kafka produce failed", extra={"error": repr(exc)})
            raise Unavailable(REFUSED) from exc
        return [Delivered(r.topic, r.partition, r.offset) for r in results]

    async def send(self, message: OutgoingMessage) -> Delivered:
        """Produce one message and wait for its acknowledgement."""
        (delivered,) = await self.send_all([message])
        return delivered

    async def _was_committed(self, probe: Delivered) -> bool:
        """Whether a read_committed reader sees the record at ``probe`` (its transaction must
        be finished: the record is then either visible or skipped as aborted)."""
        consumer = make_consumer(self._settings, group_id=None, client_id="txn-probe")
        await consumer.start()
        try:
            tp = TopicPartition(probe.topic, probe.partition)
            consumer.assign([tp])
            consumer.seek(tp, probe.offset)
            while True:
                batch = await consumer.getmany(tp, timeout_ms=1000, max_records=1)
                for record in batch.get(tp, []):
                    return bool(record.offset == probe.offset)
                if await consumer.position(tp) > probe.offset:
                    return False
        finally:
            await consumer.stop()


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
