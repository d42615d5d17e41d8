"""Clone and hydrate: what a redemption writes into the destination organization (pure).

Copies get ids derived from the token and the source object, so a redelivered request lands on
the same objects: one copy per token, however often the work runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from connect_shared.clock import iso
from connect_shared.ids import derived_id
from connect_shared.records import (
    FailureReason,
    Provenance,
    ShareTokenRecord,
    SourceObjectRecord,
)
from connect_shared.redemptions import FieldMapping
from connect_shared.views import source_object_resource
from redeemer.domain.attestation import signed_payload

Sign = Callable[[bytes], str]


class RedemptionFailed(Exception):
    """The redemption cannot succeed; the token ends ``failed`` with ``reason``."""

    def __init__(self, reason: FailureReason, details: str) -> None:
        super().__init__(details)
        self.reason: FailureReason = reason


def copy_id(token_id: str, source_object_id: str) -> str:
    """The id of the copy of ``source_object_id`` made by ``token_id`` (same prefix)."""
    return derived_id(source_object_id[:4], token_id, "copy", source_object_id)


def map_fields(
    source: dict[str, Any], mappings: Sequence[FieldMapping], into: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Source fields written over ``into``: mapped ones under their destination name, the rest
    under their own name."""
    renamed = {m.source_field_name: m.destination_field_name for m in mappings}
    result = dict(into or {})
    for name, value in source.items():
        result[renamed.get(name, name)] = value
    return result


def attest(obj: SourceObjectRecord, sign: Sign) -> SourceObjectRecord:
    """Sign ``obj`` (whose provenance has an empty attestation) as the destination reads it."""
    if obj.provenance is None:
        raise ValueError("only a copy with provenance can be attested")
    attestation = sign(signed_payload(source_object_resource(obj)))
    provenance = obj.provenance.model_copy(update={"attestation": attestation})
    return obj.model_copy(update={"provenance": provenance})


def _provenance(token: ShareTokenRecord, source_object_id: str, stamp: str) -> Provenance:
    return Provenance(
        share_token_id=token.id,
        source_organization_id=token.source_organization_id,
        source_object_id=source_object_id,
        copied_at=stamp,
        attestation="",
    )


def check_source(token: ShareTokenRecord, source: SourceObjectRecord | None) -> SourceObjectRecord:
    """The token's source object, or the failure that ends the redemption."""
    if source is None or source.organization_id != token.source_organization_id:
        raise RedemptionFailed("source_not_found", f"{token.source_id} no longer exists")
    if source.redacted:
        raise RedemptionFailed("source_redacted", f"{token.source_id} was redacted")
    return source


def _copy_of(
    token: ShareTokenRecord, original: SourceObjectRecord, stamp: str, **changes: Any
) -> SourceObjectRecord:
    return original.model_copy(
        update={
            "id": copy_id(token.id, original.id),
            "organization_id": token.destination_organization_id,
            "created_at": stamp,
            "updated_at": stamp,
            "verification_ids": [],
            "provenance": _provenance(token, original.id, stamp),
            **changes,
        }
    )


def clone(
    token: ShareTokenRecord,
    source: SourceObjectRecord,
    verifications: Sequence[SourceObjectRecord],
    mappings: Sequence[FieldMapping],
    now: datetime,
    sign: Sign,
) -> list[SourceObjectRecord]:
    """New objects in the destination organization: the copy last, its verifications first.

    An inquiry's verifications are copied too (redacted ones are left out) and linked from the
    copy; field mappings rename the copied top-level fields.
    """
    stamp = iso(now)
    copies = [
        attest(_copy_of(token, v, stamp), sign)
        for v in verifications
        if not v.redacted and v.organization_id == token.source_organization_id
    ]
    main = _copy_of(
        token,
        source,
        stamp,
        fields=map_fields(source.fields, mappings),
        verification_ids=[c.id for c in copies],
    )
    return [*copies, attest(main, sign)]


def hydrate(
    token: ShareTokenRecord,
    source: SourceObjectRecord,
    destination: SourceObjectRecord | None,
    mappings: Sequence[FieldMapping],
    now: datetime,
    sign: Sign,
) -> SourceObjectRecord:
    """The destination organization's existing object, filled from the source."""
    if (
        destination is None
        or destination.organization_id != token.destination_organization_id
        or destination.id[:4] != source.id[:4]
        or destination.redacted
    ):
        raise RedemptionFailed(
            "import_failed", "the destination object is missing or not the destination's"
        )
    stamp = iso(now)
    filled = destination.model_copy(
        update={
            "fields": map_fields(source.fields, mappings, into=destination.fields),
            "updated_at": stamp,
            "provenance": _provenance(token, source.id, stamp),
        }
    )
    return attest(filled, sign)
