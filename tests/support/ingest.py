"""Producing onto ``connect.source-events`` as a source system does: signed with an ingest key
of the organization the message names (contract section 3)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer

from connect_shared import jsonutil
from connect_shared.ingest_signature import sign_headers
from tests.support import admin
from tests.support.ports import KAFKA_BOOTSTRAP

SOURCE_EVENTS = "connect.source-events"


@dataclass(frozen=True)
class IngestKey:
    """An ingest key as ``connect-admin ingest-key create`` printed it."""

    id: str
    secret: str
    organization_id: str


def create_ingest_key(org_id: str) -> IngestKey:
    """A new ingest key of ``org_id``, made by the admin CLI's code (in-process)."""
    printed = admin.create_ingest_key(org_id)
    return IngestKey(printed["id"], printed["secret"], printed["organization-id"])


_keys: dict[str, IngestKey] = {}


def ingest_key_for(org_id: str) -> IngestKey:
    """One ingest key per organization for the whole test session (made on first use)."""
    if org_id not in _keys:
        _keys[org_id] = create_ingest_key(org_id)
    return _keys[org_id]


def _named_organization(value: bytes) -> str | None:
    try:
        message: Any = jsonutil.loads(value)
    except ValueError:
        return None
    org = message.get("organization-id") if isinstance(message, dict) else None
    return org if isinstance(org, str) and org.startswith("org_") else None


def signed_headers(
    value: bytes, signer: IngestKey | None = None, *, at: int | None = None
) -> list[tuple[str, bytes]]:
    """Signature headers for ``value``: by ``signer``, or by a key of the organization the
    message names; none when neither is known. ``at`` overrides the signing time."""
    if signer is None:
        org = _named_organization(value)
        signer = ingest_key_for(org) if org else None
    if signer is None:
        return []
    return sign_headers(signer.id, signer.secret, value, at if at is not None else int(time.time()))


async def produce_raw(
    topic: str, key: str | None, value: bytes, headers: list[tuple[str, bytes]]
) -> None:
    """Produce one message with exactly these headers."""
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA_BOOTSTRAP, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, value, key=key.encode() if key else None, headers=headers or None
        )
    finally:
        await producer.stop()


async def produce_signed(
    key: str | None, value: bytes, signer: IngestKey | None = None, *, at: int | None = None
) -> None:
    """Produce ``value`` onto ``connect.source-events``, signed (see :func:`signed_headers`)."""
    await produce_raw(SOURCE_EVENTS, key, value, signed_headers(value, signer, at=at))
