"""Messages source systems produce on ``connect.source-events`` (contract section 3), how they
are validated, and what object each one upserts.

A message is malformed (dead-lettered, never retried) when it is not JSON, does not match the
models below, names an event of another kind than its object, or uses the wrong id prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from connect_shared import jsonutil
from connect_shared.clock import iso
from connect_shared.records import SourceObjectRecord
from issuer.domain.source_objects import (
    VERIFICATIONS,
    InquiryStatus,
    collection_of_id,
    collection_of_type,
)

EVENT_NAME_PATTERN = (
    r"^(inquiry|account|transaction|verification)\."
    r"(created|updated|completed|approved|declined|failed|redacted)$"
)


class MalformedSourceEvent(ValueError):
    """Why a source event cannot be processed; the reason travels in the DLQ header."""


class _Lenient(BaseModel):
    # Source systems send more than we keep (Persona objects carry many attributes).
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class SourceAttributes(_Lenient):
    """The attributes of an object that Connect keeps."""

    status: str = Field("created", min_length=1, max_length=64)
    reference_id: str | None = Field(None, alias="reference-id", max_length=255)
    fields: dict[str, Any] = Field(default_factory=dict)


class SourceIdentifier(_Lenient):
    """``{"type", "id"}`` in a relationship."""

    type: str
    id: str


class SourceObject(_Lenient):
    """``payload.data`` (or one of ``payload.included``)."""

    type: str = Field(min_length=1, max_length=100)
    id: str = Field(pattern=r"^(inq|act|txn|ver)_[A-Za-z0-9]{1,64}$")
    attributes: SourceAttributes = Field(default_factory=SourceAttributes)
    relationships: dict[str, Any] = Field(default_factory=dict)


class SourcePayload(_Lenient):
    """``payload``: the object and the objects it includes."""

    data: SourceObject
    included: list[SourceObject] = Field(default_factory=list)


class SourceEvent(_Lenient):
    """One message of ``connect.source-events``."""

    name: str = Field(pattern=EVENT_NAME_PATTERN)
    organization_id: str = Field(alias="organization-id", pattern=r"^org_[A-Za-z0-9]+$")
    created_at: AwareDatetime = Field(alias="created-at")
    payload: SourcePayload

    @property
    def object(self) -> SourceObject:
        """The object the event is about."""
        return self.payload.data

    @property
    def idempotency_parts(self) -> tuple[str, ...]:
        """What makes this event unique: object, (name, organization: in the id) and time."""
        return (self.object.id, iso(self.created_at))

    @property
    def is_redaction(self) -> bool:
        """``<noun>.redacted``: the object's end-user data must go."""
        return self.name.endswith(".redacted")


def _check_object(obj: SourceObject, where: str) -> None:
    by_type = collection_of_type(obj.type)
    by_id = collection_of_id(obj.id)
    if by_type is None or by_type is not by_id:
        raise MalformedSourceEvent(f"{where}: type {obj.type!r} does not match id {obj.id!r}")
    if by_type is VERIFICATIONS and not obj.type.startswith("verification/"):
        raise MalformedSourceEvent(f"{where}: a verification's type is verification/<kind>")
    if obj.type == "inquiry" and obj.attributes.status not in get_args(InquiryStatus):
        raise MalformedSourceEvent(f"{where}: unknown inquiry status {obj.attributes.status!r}")


def parse_source_event(raw: bytes | None) -> SourceEvent:
    """Validate one message value; raises :class:`MalformedSourceEvent` with the reason."""
    if not raw:
        raise MalformedSourceEvent("empty message")
    try:
        # The payload is a JSON:API document like a request body, one level inside the
        # envelope: it gets the same depth limit as a request (contract: user data is data).
        document = jsonutil.loads_untrusted(raw, max_depth=jsonutil.MAX_DEPTH + 1)
        event = SourceEvent.model_validate(document)
    except ValueError as exc:  # orjson and pydantic errors are both ValueErrors
        raise MalformedSourceEvent(_short_reason(exc)) from exc
    noun = event.name.split(".", 1)[0]
    if event.object.type.split("/", 1)[0] != noun:
        raise MalformedSourceEvent(f"event {event.name} does not match type {event.object.type}")
    _check_object(event.object, "payload.data")
    for index, included in enumerate(event.payload.included):
        _check_object(included, f"payload.included[{index}]")
    return event


def _short_reason(exc: ValueError) -> str:
    if isinstance(exc, jsonutil.JsonRejected) and exc.too_deep:
        where = exc.pointer or "/payload"
        return f"{where[:120]}: the payload nests deeper than {jsonutil.MAX_DEPTH} levels"
    if isinstance(exc, jsonutil.JsonRejected):
        return f"{exc.pointer[:120] or '/'}: the message {exc.reason}"
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "message"
        return f"{where}: {first['msg']}"
    return f"not JSON: {exc}"[:200]


def verification_ids(event: SourceEvent) -> list[str]:
    """Verifications of the object: ``relationships.verifications`` plus included ones."""
    found: list[str] = []
    related = event.object.relationships.get("verifications")
    data = related.get("data") if isinstance(related, dict) else None
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and str(item.get("id", "")).startswith("ver_"):
            found.append(str(item["id"]))
    found += [obj.id for obj in event.payload.included if obj.id.startswith("ver_")]
    return list(dict.fromkeys(found))


def upserted(
    obj: SourceObject,
    org_id: str,
    existing: SourceObjectRecord | None,
    at: datetime,
    *,
    redact: bool,
    verifications: list[str] | None = None,
) -> SourceObjectRecord:
    """The stored object after this event: attributes from the message, creation time kept,
    and once redacted always redacted (without its end-user data)."""
    stays_redacted = redact or (existing is not None and existing.redacted)
    stamp = iso(at)
    return SourceObjectRecord(
        id=obj.id,
        organization_id=org_id,
        type=obj.type,
        status=obj.attributes.status,
        reference_id=obj.attributes.reference_id,
        fields={} if stays_redacted else dict(obj.attributes.fields),
        verification_ids=verifications if verifications is not None else [],
        redacted=stays_redacted,
        created_at=existing.created_at if existing else stamp,
        updated_at=stamp,
    )
