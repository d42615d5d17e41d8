"""Clone and hydrate: what a redemption writes into the destination organization (pure).

Copies get ids derived from the token and the source object, so a redelivered request lands on
the same objects: one copy per token, however often the work runs.

What a copy may carry is decided by the connection's sharing settings
(:mod:`connect_shared.sharing`): only ``full`` fields are copied, the existing ``presence``
fields are named in ``provenance.present-fields`` and ``none`` fields leave no trace. Field
mappings rename only what was selected, so no mapping can route a withheld field anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from connect_shared.clock import iso
from connect_shared.ids import derived_id
from connect_shared.records import (
    FailureReason,
    Provenance,
    ShareTokenRecord,
    SharingLevel,
    SourceObjectRecord,
)
from connect_shared.redemptions import FieldMapping
from connect_shared.sharing import select_for_copy
from connect_shared.views import source_object_resource
from redeemer.domain.attestation import hydrate_statement, signed_payload

Sign = Callable[[bytes], str]


class RedemptionFailed(Exception):
    """The redemption cannot succeed; the token ends ``failed`` with ``reason``."""

    def __init__(self, reason: FailureReason, details: str) -> None:
        super().__init__(details)
        self.reason: FailureReason = reason


def copy_id(token_id: str, source_object_id: str) -> str:
    """The id of the copy of ``source_object_id`` made by ``token_id`` (same prefix)."""
    return derived_id(source_object_id[:4], token_id, "copy", source_object_id)


def map_fields(source: Mapping[str, Any], mappings: Sequence[FieldMapping]) -> dict[str, Any]:
    """``source`` fields under their destination names: mapped ones renamed, the rest under
    their own name. Only what is in ``source`` is written: a mapping whose source field is
    not there (missing, or withheld by the sharing settings) writes nothing."""
    renamed = {m.source_field_name: m.destination_field_name for m in mappings}
    return {renamed.get(name, name): value for name, value in source.items()}


def attest(
    obj: SourceObjectRecord, sign: Sign, *, copied: Collection[str] | None = None
) -> SourceObjectRecord:
    """Sign ``obj`` (whose provenance has an empty attestation) as the destination reads it:
    the whole object for a copy the redemption made, or, with ``copied`` (a hydrate), only
    the fields of that name (:func:`redeemer.domain.attestation.hydrate_statement`)."""
    if obj.provenance is None:
        raise ValueError("only a copy with provenance can be attested")
    resource = source_object_resource(obj)
    statement = resource if copied is None else hydrate_statement(resource, copied)
    attestation = sign(signed_payload(statement))
    provenance = obj.provenance.model_copy(update={"attestation": attestation})
    return obj.model_copy(update={"provenance": provenance})


def _provenance(
    token: ShareTokenRecord, source_object_id: str, stamp: str, present_fields: list[str]
) -> Provenance:
    return Provenance(
        share_token_id=token.id,
        source_organization_id=token.source_organization_id,
        source_object_id=source_object_id,
        destination_organization_id=token.destination_organization_id,
        copied_at=stamp,
        present_fields=present_fields,
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
    token: ShareTokenRecord,
    original: SourceObjectRecord,
    sharing: Mapping[str, SharingLevel],
    mappings: Sequence[FieldMapping],
    stamp: str,
    **changes: Any,
) -> SourceObjectRecord:
    selected = select_for_copy(original.fields, sharing)
    return original.model_copy(
        update={
            "id": copy_id(token.id, original.id),
            "organization_id": token.destination_organization_id,
            "created_at": stamp,
            "updated_at": stamp,
            "fields": map_fields(selected.fields, mappings),
            "verification_ids": [],
            "provenance": _provenance(token, original.id, stamp, selected.present_fields),
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
    *,
    sharing: Mapping[str, SharingLevel],
) -> list[SourceObjectRecord]:
    """New objects in the destination organization: the copy last, its verifications first.

    An inquiry's verifications are copied too (redacted ones are left out) and linked from the
    copy; ``sharing`` decides the fields of each; field mappings rename the copied top-level
    fields.
    """
    stamp = iso(now)
    copies = [
        attest(_copy_of(token, v, sharing, (), stamp), sign)
        for v in verifications
        if not v.redacted and v.organization_id == token.source_organization_id
    ]
    main = _copy_of(
        token, source, sharing, mappings, stamp, verification_ids=[c.id for c in copies]
    )
    return [*copies, attest(main, sign)]


def hydrate(
    token: ShareTokenRecord,
    source: SourceObjectRecord,
    destination: SourceObjectRecord | None,
    mappings: Sequence[FieldMapping],
    now: datetime,
    sign: Sign,
    *,
    sharing: Mapping[str, SharingLevel],
) -> SourceObjectRecord:
    """The destination organization's existing object, filled from the source: the fields
    ``sharing`` lets through (renamed by ``mappings``) are written over its own; the
    attestation covers only those."""
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
    selected = select_for_copy(source.fields, sharing)
    copied = map_fields(selected.fields, mappings)
    filled = destination.model_copy(
        update={
            "fields": {**destination.fields, **copied},
            "updated_at": stamp,
            "provenance": _provenance(token, source.id, stamp, selected.present_fields),
        }
    )
    return attest(filled, sign, copied=copied.keys())
