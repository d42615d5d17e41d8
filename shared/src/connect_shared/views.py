"""How records look through the API (contract sections 2.2 and 2.3). The issuer's routes, the
redeemer's 202 answers and every event payload render through these, so all agree."""

from __future__ import annotations

from typing import Any

from connect_shared.domain.share_tokens import effective_status, token_direction, token_is_visible
from connect_shared.jsonapi import relationship, resource
from connect_shared.records import ConnectionRecord, ShareTokenRecord, SourceObjectRecord

SHARE_TOKEN_TYPE = "connect/share-token"
CONNECTION_TYPE = "connect/connection"

# The visibility rules moved to connect_shared.domain.share_tokens; importing them from here
# keeps working.
__all__ = [
    "CONNECTION_TYPE",
    "SHARE_TOKEN_TYPE",
    "connection_resource",
    "effective_status",
    "share_token_resource",
    "source_object_resource",
    "token_direction",
    "token_is_visible",
]


CREATOR_TYPES = {"api_": "api-key", "wfl_": "workflow", "user_": "user"}


def creator_relationship(creator_id: str | None) -> dict[str, Any] | None:
    """``{"data": {"type": "api-key", "id": "api_..."}}`` for whoever created an object (the
    type follows the id's prefix); None when the record predates creators."""
    if creator_id is None:
        return None
    prefix = creator_id.split("_", 1)[0] + "_"
    return relationship(CREATOR_TYPES.get(prefix, "api-key"), creator_id)


def share_token_resource(
    token: ShareTokenRecord, viewer_org_id: str, now_ms: int
) -> dict[str, Any]:
    """The share-token resource object as ``viewer_org_id`` sees it."""
    attributes = {
        "status": effective_status(token, now_ms),
        "direction": token_direction(token, viewer_org_id),
        "created-at": token.created_at,
        "updated-at": token.updated_at,
        "expires-at": token.expires_at,
        "pending-at": token.pending_at,
        "redeemed-at": token.redeemed_at,
        "failed-at": token.failed_at,
        "failure-reason": token.failure_reason,
        "redeem-mode": token.redeem_mode,
        "connection-id": token.connection_id,
        "source-organization-id": token.source_organization_id,
        "destination-organization-id": token.destination_organization_id,
    }
    relationships = {
        "connection": relationship(CONNECTION_TYPE, token.connection_id),
        "source": relationship(token.source_type, token.source_id),
        "destination": relationship(token.destination_type, token.destination_id),
    }
    creator = creator_relationship(token.creator_id)
    if creator is not None:
        relationships["creator"] = creator
    return resource(SHARE_TOKEN_TYPE, token.id, attributes, relationships)


def connection_resource(connection: ConnectionRecord) -> dict[str, Any]:
    """The connection resource object (both sides see the same)."""
    attributes = {
        "status": connection.status,
        "source-organization-id": connection.source_organization_id,
        "destination-organization-id": connection.destination_organization_id,
        "sharing-settings": dict(connection.sharing),
        "created-at": connection.created_at,
        "updated-at": connection.updated_at,
    }
    creator = creator_relationship(connection.creator_id)
    relationships = {"creator": creator} if creator is not None else None
    return resource(CONNECTION_TYPE, connection.id, attributes, relationships)


def source_object_resource(obj: SourceObjectRecord) -> dict[str, Any]:
    """An inquiry / account / transaction / verification, with provenance if it is a copy."""
    attributes: dict[str, Any] = {
        "status": obj.status,
        "reference-id": obj.reference_id,
        "fields": obj.fields,
        "created-at": obj.created_at,
        "updated-at": obj.updated_at,
    }
    if obj.redacted:
        attributes["redacted"] = True
    if obj.provenance is not None:
        provenance = obj.provenance
        attributes["provenance"] = {
            "share-token-id": provenance.share_token_id,
            "source-organization-id": provenance.source_organization_id,
            "source-object-id": provenance.source_object_id,
            "copied-at": provenance.copied_at,
            "attestation": provenance.attestation,
        }
        if provenance.destination_organization_id is not None:
            attributes["provenance"]["destination-organization-id"] = (
                provenance.destination_organization_id
            )
        if provenance.present_fields is not None:
            attributes["provenance"]["present-fields"] = list(provenance.present_fields)
    relationships: dict[str, Any] | None = None
    if obj.type == "inquiry":
        relationships = {
            "verifications": {
                "data": [{"type": "verification", "id": vid} for vid in obj.verification_ids]
            }
        }
    return resource(obj.type, obj.id, attributes, relationships)
