"""Turning ``connect.source-events`` messages into objects and platform events.

Every message must carry a valid ``Connect-Ingest-Signature`` of an ingest key of the
organization it names; that is checked before anything else is read or written, and a message
that fails it is dead-lettered with the reason (contract section 3).

Idempotent by (object id, event name, created-at): the platform event id derives from them, and
a processed message leaves a marker, so a redelivery changes nothing and emits nothing new.
Messages that can never succeed are dead-lettered with the reason; only infrastructure errors
raise (the consumer retries those without committing).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from connect_shared.domain_errors import StoreUnavailable
from connect_shared.events import build_event
from connect_shared.ingest_signature import HEADER, MalformedSignature, parse_signature
from connect_shared.records import source_object_state
from connect_shared.views import source_object_resource
from issuer.domain.ingest_keys import (
    IngestKeyRecord,
    IngestRefused,
    check_organization,
    check_signature,
)
from issuer.domain.source_events import (
    MalformedSourceEvent,
    SourceEvent,
    parse_source_event,
    upserted,
    verification_ids,
)
from issuer.ports import DeadLetters, IngestedEvents, IngestKeys, SourceEventStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceMessage:
    """What the consumer hands over: where the message came from, its key, value and headers,
    and when (unix seconds) the broker stored it, the reference for the signature's age."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    stored_at: int


class SourceEventIngestion:
    """Handles one source event at a time (the consumer keeps per-partition order)."""

    def __init__(
        self,
        store: SourceEventStore,
        keys: IngestKeys,
        ingested: IngestedEvents,
        dead_letters: DeadLetters,
    ) -> None:
        self._store = store
        self._keys = keys
        self._ingested = ingested
        self._dead_letters = dead_letters

    async def handle(self, message: SourceMessage) -> None:
        """Process ``message`` or dead-letter it; raises only when a retry may succeed."""
        try:
            key = await self._authenticate(message)
            event = parse_source_event(message.value)
            check_organization(key, event.organization_id)
            await self._ingest(event)
        except (MalformedSourceEvent, IngestRefused) as reason:
            await self._dead_letter(message, str(reason))

    async def _authenticate(self, message: SourceMessage) -> IngestKeyRecord:
        """The ingest key that signed ``message``; refuses before anything is parsed."""
        found = [value for name, value in message.headers if name.lower() == HEADER.lower()]
        if not found:
            raise IngestRefused(f"unsigned: no {HEADER} header")
        if len(found) > 1:
            raise IngestRefused(f"malformed {HEADER} header: given {len(found)} times")
        try:
            signature = parse_signature(found[0])
        except MalformedSignature as exc:
            raise IngestRefused(f"malformed {HEADER} header: {exc}") from None
        key = await self._keys.get(signature.key_id)
        if key is None and not await self._store.view_ready():
            raise StoreUnavailable("state view is being rebuilt")  # retry, no dead letter
        secret = self._keys.secret_of(key) if key is not None else None
        return check_signature(signature, key, secret, message.value or b"", message.stored_at)

    async def _ingest(self, event: SourceEvent) -> None:
        org_id = event.organization_id
        platform_event = build_event(
            event.name,
            org_id,
            {},
            idempotency_parts=event.idempotency_parts,
            created_at=event.created_at,
        )
        if await self._ingested.seen(platform_event.id):
            return
        if await self._store.organization(org_id) is None:
            if not await self._store.view_ready():
                raise StoreUnavailable("state view is being rebuilt")  # retry, no dead letter
            raise MalformedSourceEvent(f"unknown organization {org_id}")
        objects = [event.object, *event.payload.included]
        existing = await self._store.source_objects([o.id for o in objects])
        for obj, stored in zip(objects, existing, strict=True):
            if stored is not None and stored.organization_id != org_id:
                raise MalformedSourceEvent(f"{obj.id} belongs to another organization")
        main = upserted(
            event.object,
            org_id,
            existing[0],
            event.created_at,
            redact=event.is_redaction,
            verifications=verification_ids(event),
        )
        included = [
            upserted(
                obj,
                org_id,
                stored,
                event.created_at,
                redact=False,
                verifications=stored.verification_ids if stored else None,
            )
            for obj, stored in zip(event.payload.included, existing[1:], strict=True)
        ]
        emitted = build_event(
            event.name,
            org_id,
            source_object_resource(main),
            included=[source_object_resource(obj) for obj in included],
            idempotency_parts=event.idempotency_parts,
            created_at=event.created_at,
        )
        records = [source_object_state(obj) for obj in (main, *included)]
        await self._store.put(*records, events=[(main.id, emitted)])
        await self._ingested.remember(platform_event.id)

    async def _dead_letter(self, message: SourceMessage, reason: str) -> None:
        log.warning("source event dead-lettered", extra={"reason": reason})
        origin = f"{message.topic}/{message.partition}/{message.offset}"
        key = message.key.decode(errors="replace") if message.key is not None else ""
        await self._dead_letters.send(key, message.value or b"", reason=reason, origin=origin)
