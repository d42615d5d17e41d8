"""Entity records shared by the services through ``connect.state`` and the Redis view.

These are contracts between services (the issuer writes tokens, the redeemer moves them on),
so they live here; each service renders its own API views from them. Bodies are stored with
snake_case keys; timestamps are ISO strings (see :mod:`connect_shared.clock`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from connect_shared.clock import parse_epoch_ms
from connect_shared.state_record import StateRecord, indexed_state

TokenStatus = Literal["created", "pending", "redeemed", "expired", "failed"]
ConnectionStatus = Literal["pending", "active", "inactive"]
SharingLevel = Literal["full", "presence", "none"]
FailureReason = Literal[
    "source_not_found", "source_redacted", "import_failed", "unrecoverable_error"
]
RedeemMode = Literal["clone", "hydrate"]

COLLECTION_BY_PREFIX = {
    "inq_": "inquiries",
    "act_": "accounts",
    "txn_": "transactions",
    "ver_": "verifications",
}


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    created_at: str
    updated_at: str


# Requests per second each API key of an organization may make (bursts of twice that).
DEFAULT_RATE_LIMIT = 100
MAX_RATE_LIMIT = 1_000_000


class OrganizationRecord(_Record):
    """An organization, with the request budget of each of its API keys."""

    name: str
    rate_limit: int = Field(
        DEFAULT_RATE_LIMIT,
        ge=1,
        le=MAX_RATE_LIMIT,
        description="Requests per second per API key; bursts of twice that.",
    )
    api_version: str | None = Field(
        None,
        description="Persona API version its requests default to (None: the Connect contract).",
    )


class ApiKeyRecord(_Record):
    """An API key: only the SHA-256 of the secret is stored."""

    organization_id: str
    secret_sha256: str
    revoked_at: str | None = None


class ConnectionRecord(_Record):
    """A connection from a source organization to a destination organization."""

    source_organization_id: str
    destination_organization_id: str
    status: ConnectionStatus = "pending"
    sharing: dict[str, SharingLevel] = Field(
        default_factory=dict, description="Per source field; fields not named are shared in full."
    )
    creator_id: str | None = Field(
        None, description="The API key (api_...) that created it; None on older records."
    )


class Provenance(BaseModel):
    """Where a copied object came from, with the redeemer's signed attestation."""

    share_token_id: str
    source_organization_id: str
    source_object_id: str
    copied_at: str
    attestation: str
    # Recorded for every copy since sharing settings govern copies; None only on copies made
    # before, whose attestations were signed without them (so they are not rendered).
    destination_organization_id: str | None = None
    present_fields: list[str] | None = Field(
        None, description="Names of the source's existing fields shared as `presence`."
    )


class SourceObjectRecord(_Record):
    """An inquiry, account, transaction or verification of one organization."""

    organization_id: str
    type: str  # inquiry | account | transaction | verification/<kind>
    status: str = "created"
    reference_id: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    verification_ids: list[str] = Field(default_factory=list)
    redacted: bool = False
    provenance: Provenance | None = None


class ShareTokenRecord(_Record):
    """A share token, as the source and destination both see it (views differ by direction)."""

    connection_id: str
    source_organization_id: str
    destination_organization_id: str
    source_id: str
    source_type: str
    status: TokenStatus = "created"
    expires_at: str
    expires_at_ms: int
    pending_at: str | None = None
    redeemed_at: str | None = None
    failed_at: str | None = None
    expired_at: str | None = None
    failure_reason: FailureReason | None = None
    redeem_mode: RedeemMode | None = None
    destination_id: str | None = None
    destination_type: str | None = None
    expiry_announced: bool = False
    creator_id: str | None = Field(
        None, description="The API key (api_...) or workflow (wfl_...) that created it."
    )
    redeem_request: str | None = Field(
        None,
        description="The identity of the redeem request that started the redemption (a digest"
        " of its Idempotency-Key and parameters), so its retry is answered, not refused.",
    )


def rate_limit_lookup(org_id: str) -> str:
    """The lookup key holding an organization's per-key budget (read by the auth script)."""
    return f"lk:rate-limit:{org_id}"


def api_version_lookup(org_id: str) -> str:
    """The lookup key holding an organization's default Persona API version (read by the auth
    script; absent means the Connect contract)."""
    return f"lk:api-version:{org_id}"


def organization_state(org: OrganizationRecord) -> StateRecord:
    """State write for an organization; its budget and default API version are lookups, so a
    rebuild restores them."""
    lookups = {rate_limit_lookup(org.id): str(org.rate_limit)}
    if org.api_version is not None:
        lookups[api_version_lookup(org.id)] = org.api_version
    return indexed_state("organization", org, "idx:organization", lookups=lookups)


def api_key_lookup(secret_sha256: str) -> str:
    """The lookup key that maps a key's hash to its owner."""
    return f"lk:api-key:{secret_sha256}"


def api_key_state(key: ApiKeyRecord) -> StateRecord:
    """State write for an API key; a revoked key loses its lookup, so it stops authenticating."""
    lookups = {}
    if key.revoked_at is None:
        lookups[api_key_lookup(key.secret_sha256)] = f"{key.id} {key.organization_id}"
    return indexed_state("api-key", key, f"idx:api-key:{key.organization_id}", lookups=lookups)


def connection_index(org_id: str) -> str:
    """Index of the connections an organization is a side of."""
    return f"idx:connection:{org_id}"


def connection_state(connection: ConnectionRecord) -> StateRecord:
    """State write for a connection, indexed for both sides."""
    return indexed_state(
        "connection",
        connection,
        connection_index(connection.source_organization_id),
        connection_index(connection.destination_organization_id),
    )


def object_index(org_id: str, collection: str) -> str:
    """Index of one organization's objects of one collection (``inquiries``...)."""
    return f"idx:object:{org_id}:{collection}"


def source_object_state(obj: SourceObjectRecord) -> StateRecord:
    """State write for a source object (or a copy made by a redemption)."""
    collection = COLLECTION_BY_PREFIX[obj.id[:4]]
    return indexed_state("object", obj, object_index(obj.organization_id, collection))


def token_index(org_id: str, direction: Literal["outbound", "inbound"]) -> str:
    """Index of an organization's outbound or inbound tokens."""
    return f"idx:share-token:{org_id}:{direction}"


TOKEN_EXPIRY_INDEX = "idx:share-token:expiry"
# ``pending`` tokens by the time they went pending: the redeemer's reaper finds the overdue.
TOKEN_PENDING_INDEX = "idx:share-token:pending"


def share_token_state(token: ShareTokenRecord) -> StateRecord:
    """State write for a share token: listed on both sides; ``created`` ones queue for expiry,
    ``pending`` ones for the redeemer's reaper."""
    score = float(parse_epoch_ms(token.created_at))
    indexes = {
        token_index(token.source_organization_id, "outbound"): score,
        token_index(token.destination_organization_id, "inbound"): score,
    }
    if not token.expiry_announced and token.status in ("created", "expired"):
        indexes[TOKEN_EXPIRY_INDEX] = float(token.expires_at_ms)
    if token.status == "pending" and token.pending_at:
        indexes[TOKEN_PENDING_INDEX] = float(parse_epoch_ms(token.pending_at))
    return StateRecord(id=token.id, kind="share-token", body=token.model_dump(), indexes=indexes)
