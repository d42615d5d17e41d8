"""Request attributes of the issuer's routes. These models validate every body (unknown
attributes are 400, wrong JSON types 400, out-of-range values 422) and generate the request
schemas of the OpenAPI document, so the two cannot drift apart."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from connect_shared.records import SharingLevel
from issuer.domain.share_tokens import DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS
from issuer.domain.source_objects import DEFAULT_VERIFICATION_KIND, InquiryStatus

ORG_ID = r"^org_[A-Za-z0-9]+$"
CONNECTION_ID = r"^cxn_[A-Za-z0-9]+$"
SOURCE_ID = r"^(inq|act|txn|ver)_[A-Za-z0-9]+$"
VERIFICATION_ID = r"^ver_[A-Za-z0-9]+$"
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RequestAttributes(BaseModel):
    """Strict: no coercion (``"60"`` is not an integer) and no attributes beyond the model's."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class NoAttributes(RequestAttributes):
    """Action routes (accept, expire, redact...): an empty body or no attributes."""


class CreateConnection(RequestAttributes):
    """``POST /connect/connections``."""

    destination_organization_id: str = Field(
        alias="destination-organization-id",
        pattern=ORG_ID,
        max_length=100,
        description="The organization that will receive share tokens.",
    )


class UpdateConnection(RequestAttributes):
    """``PATCH /connect/connections/{id}`` (source only)."""

    sharing_settings: dict[FieldName, SharingLevel] = Field(
        alias="sharing-settings",
        max_length=500,
        description="Per source field: full (the value), presence (a boolean) or none. "
        'Merged into the current settings; fields never named take the level of the "*" '
        "entry, or full without one.",
    )


class CreateShareToken(RequestAttributes):
    """``POST /connect/share-tokens``."""

    connection_id: str = Field(
        alias="connection-id",
        pattern=CONNECTION_ID,
        max_length=100,
        description="An active connection whose source is the caller.",
    )
    source_id: str = Field(
        alias="source-id",
        pattern=SOURCE_ID,
        max_length=100,
        description="An inquiry, account, transaction or verification of the caller.",
    )
    expires_in_seconds: int = Field(
        DEFAULT_TTL_SECONDS,
        alias="expires-in-seconds",
        ge=MIN_TTL_SECONDS,
        le=MAX_TTL_SECONDS,
        description="Lifetime of the token in seconds (60 to 21 days; default 14 days).",
    )


class _ObjectAttributes(RequestAttributes):
    reference_id: str | None = Field(None, alias="reference-id", max_length=255)
    fields: dict[FieldName, Any] = Field(
        default_factory=dict, description="The end user's data, e.g. name-first, birthdate."
    )


class CreateSourceObject(_ObjectAttributes):
    """``POST /accounts`` and ``POST /transactions``."""

    status: str = Field("created", pattern=r"^[a-z][a-z_-]{0,39}$")


class CreateInquiry(_ObjectAttributes):
    """``POST /inquiries``."""

    status: InquiryStatus = "created"
    verification_ids: list[Annotated[str, StringConstraints(pattern=VERIFICATION_ID)]] = Field(
        default_factory=list,
        alias="verification-ids",
        max_length=100,
        description="Verifications of the caller listed under relationships.verifications.",
    )


class CreateVerification(CreateSourceObject):
    """``POST /verifications``: the type is ``verification/<kind>``."""

    kind: str = Field(DEFAULT_VERIFICATION_KIND, pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")
