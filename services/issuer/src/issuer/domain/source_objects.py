"""Source objects: inquiries, accounts, transactions and verifications of one organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from connect_shared.clock import iso
from connect_shared.events import Event, build_event
from connect_shared.ids import new_id
from connect_shared.records import SourceObjectRecord
from connect_shared.views import source_object_resource

DEFAULT_VERIFICATION_KIND = "government-id"
InquiryStatus = Literal["created", "pending", "completed", "approved", "declined", "failed"]


@dataclass(frozen=True)
class Collection:
    """One collection of source objects: its URL segment, id prefix and event noun."""

    name: str  # URL segment and index name, e.g. ``inquiries``
    prefix: str  # id prefix, e.g. ``inq_``
    noun: str  # JSON:API type (or its stem for verifications) and event prefix

    def object_type(self, kind: str | None = None) -> str:
        """The JSON:API type: ``inquiry``..., ``verification/<kind>`` for verifications."""
        if self.noun == "verification":
            return f"verification/{kind or DEFAULT_VERIFICATION_KIND}"
        return self.noun

    def owns(self, object_id: str) -> bool:
        """True when ``object_id`` belongs to this collection (by prefix)."""
        return object_id.startswith(self.prefix)


INQUIRIES = Collection("inquiries", "inq_", "inquiry")
ACCOUNTS = Collection("accounts", "act_", "account")
TRANSACTIONS = Collection("transactions", "txn_", "transaction")
VERIFICATIONS = Collection("verifications", "ver_", "verification")
COLLECTIONS = (INQUIRIES, ACCOUNTS, TRANSACTIONS, VERIFICATIONS)


def collection_of_type(object_type: str) -> Collection | None:
    """The collection of a JSON:API type (``verification/<kind>`` -> verifications)."""
    noun = object_type.split("/", 1)[0]
    return next((c for c in COLLECTIONS if c.noun == noun), None)


def collection_of_id(object_id: str) -> Collection | None:
    """The collection an id belongs to by its prefix."""
    return next((c for c in COLLECTIONS if c.owns(object_id)), None)


def new_source_object(
    collection: Collection,
    org_id: str,
    *,
    status: str,
    reference_id: str | None,
    fields: dict[str, Any],
    verification_ids: list[str],
    kind: str | None,
    now: datetime,
) -> SourceObjectRecord:
    """A new object of ``org_id`` created over the API."""
    stamp = iso(now)
    return SourceObjectRecord(
        id=new_id(collection.prefix),
        organization_id=org_id,
        type=collection.object_type(kind),
        status=status,
        reference_id=reference_id,
        fields=fields,
        verification_ids=verification_ids,
        created_at=stamp,
        updated_at=stamp,
    )


def redacted(obj: SourceObjectRecord, now: datetime) -> SourceObjectRecord:
    """The object with its end-user data removed; redemptions of it fail ``source_redacted``."""
    if obj.redacted:
        return obj
    return obj.model_copy(update={"redacted": True, "fields": {}, "updated_at": iso(now)})


def object_event(
    obj: SourceObjectRecord,
    what: str,
    now: datetime,
    idempotency_parts: tuple[str, ...] | None = None,
) -> Event:
    """``<noun>.<what>`` (e.g. ``inquiry.redacted``) to the object's organization."""
    noun = obj.type.split("/", 1)[0]
    return build_event(
        f"{noun}.{what}",
        obj.organization_id,
        source_object_resource(obj),
        idempotency_parts=idempotency_parts,
        created_at=now,
    )
