"""Kafka helpers (contract section 3).

* :class:`EventConsumer` reads ``connect.events`` in a consumer group, calls your handler once
  per event, commits an offset only after the handler returned for it and everything before
  it, and skips an event id it already handled (events are at-least-once).
* :class:`SourceEventProducer` produces your objects' lifecycle events onto
  ``connect.source-events`` with ``acks=all`` (idempotent producer), signed with an ingest key
  of your organization (header ``Connect-Ingest-Signature``).

Every other keyword argument goes to aiokafka (TLS, SASL, client id...).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from connect_sdk.models import Event, parse_event

EVENTS_TOPIC = "connect.events"
SOURCE_EVENTS_TOPIC = "connect.source-events"
SIGNATURE_HEADER = "Connect-Ingest-Signature"
Handler = Callable[[Event], Awaitable[None]]


class SeenEvents(Protocol):
    """Where handled event ids are remembered (in memory by default; plug in Redis or a
    database table to dedupe across restarts)."""

    async def seen(self, event_id: str) -> bool:
        """True when ``event_id`` was handled before."""
        ...

    async def remember(self, event_id: str) -> None:
        """Record that ``event_id`` was handled."""
        ...


class MemorySeenEvents:
    """The last ``capacity`` handled event ids, in memory."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity

    async def seen(self, event_id: str) -> bool:
        """True when ``event_id`` is among the remembered ids."""
        return event_id in self._ids

    async def remember(self, event_id: str) -> None:
        """Remember ``event_id``, forgetting the oldest beyond the capacity."""
        self._ids[event_id] = None
        while len(self._ids) > self._capacity:
            self._ids.popitem(last=False)


class EventConsumer:
    """Consumes ``connect.events`` in group ``group_id``: ``await consumer.run(handler)``
    until :meth:`stop`. A handler that raises stops the consumer without committing that
    event, so it is delivered again after a restart (make handlers idempotent, or rely on
    the dedupe store)."""

    def __init__(
        self,
        bootstrap_servers: str,
        group_id: str,
        *,
        topic: str = EVENTS_TOPIC,
        seen: SeenEvents | None = None,
        names: set[str] | None = None,
        **kafka_options: Any,
    ) -> None:
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **kafka_options,
        )
        self._seen = seen or MemorySeenEvents()
        self._names = names
        self._stopping = asyncio.Event()

    async def run(self, handler: Handler) -> None:
        """Consume and handle until :meth:`stop` (or a handler raises)."""
        await self._consumer.start()
        try:
            while not self._stopping.is_set():
                batches = await self._consumer.getmany(timeout_ms=500, max_records=100)
                done: dict[TopicPartition, int] = {}
                try:
                    for tp, records in batches.items():
                        for record in records:
                            await self._handle(record.value, handler)
                            done[tp] = record.offset + 1  # the next offset to read
                finally:
                    # Commit what the handler finished, once per fetch, also when it failed.
                    if done:
                        await self._consumer.commit(done)
        finally:
            await self._consumer.stop()

    async def _handle(self, value: bytes | None, handler: Handler) -> None:
        if not value:
            return
        try:
            event = parse_event(value)
        except ValueError:
            return  # not an event document: nothing a handler could do with it
        if self._names is not None and event.name not in self._names:
            return
        if await self._seen.seen(event.id):
            return
        await handler(event)
        await self._seen.remember(event.id)

    def stop(self) -> None:
        """Finish the current batch and stop."""
        self._stopping.set()

    async def committed(self) -> dict[TopicPartition, int | None]:
        """The group's committed offsets of the assigned partitions (for monitoring)."""
        return {tp: await self._consumer.committed(tp) for tp in self._consumer.assignment()}


def ingest_signature(key_id: str, secret: str, value: bytes, timestamp: int | None = None) -> str:
    """The ``Connect-Ingest-Signature`` header value for ``value``."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + value, hashlib.sha256).hexdigest()
    return f"k={key_id},t={t},v1={digest}"


def source_event(
    name: str,
    organization_id: str,
    obj: Mapping[str, Any],
    *,
    included: list[Any] | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """A ``connect.source-events`` document: ``obj`` is the JSON:API resource
    (``{"type": "inquiry", "id": "inq_...", "attributes": {...}}``)."""
    moment = (created_at or datetime.now(UTC)).astimezone(UTC)
    return {
        "name": name,
        "organization-id": organization_id,
        "created-at": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "payload": {"data": dict(obj), "included": included or []},
    }


class SourceEventProducer:
    """Produces signed source events (``async with SourceEventProducer(...) as producer``)."""

    def __init__(
        self,
        bootstrap_servers: str,
        ingest_key_id: str,
        ingest_secret: str,
        *,
        topic: str = SOURCE_EVENTS_TOPIC,
        **kafka_options: Any,
    ) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            **kafka_options,
        )
        self._key_id = ingest_key_id
        self._secret = ingest_secret
        self._topic = topic

    async def __aenter__(self) -> SourceEventProducer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Connect to the cluster."""
        await self._producer.start()

    async def stop(self) -> None:
        """Flush and disconnect."""
        await self._producer.stop()

    async def send(
        self,
        name: str,
        organization_id: str,
        obj: Mapping[str, Any],
        *,
        included: list[Any] | None = None,
        created_at: datetime | None = None,
    ) -> tuple[int, int]:
        """Produce one event keyed by the object's id; returns (partition, offset) once every
        in-sync replica has it."""
        document = source_event(
            name, organization_id, obj, included=included, created_at=created_at
        )
        value = json.dumps(document, separators=(",", ":")).encode()
        header = ingest_signature(self._key_id, self._secret, value)
        metadata = await self._producer.send_and_wait(
            self._topic,
            value,
            key=str(obj["id"]).encode(),
            headers=[(SIGNATURE_HEADER, header.encode())],
        )
        return metadata.partition, metadata.offset
