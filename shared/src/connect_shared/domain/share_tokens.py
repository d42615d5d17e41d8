"""Who sees a share token, from which side, and in which status (contract section 2.3)."""

from __future__ import annotations

from typing import Literal

from connect_shared.records import ShareTokenRecord


def token_direction(token: ShareTokenRecord, viewer_org_id: str) -> Literal["outbound", "inbound"]:
    """``outbound`` for the source organization, ``inbound`` for the destination."""
    return "outbound" if viewer_org_id == token.source_organization_id else "inbound"


def token_is_visible(token: ShareTokenRecord, viewer_org_id: str) -> bool:
    """Only the two sides of the connection may see a token (everyone else gets 404)."""
    return viewer_org_id in (token.source_organization_id, token.destination_organization_id)


def effective_status(token: ShareTokenRecord, now_ms: int) -> str:
    """The status a reader sees: a ``created`` token past ``expires-at`` reads ``expired``
    even before the sweeper ran."""
    if token.status == "created" and token.expires_at_ms <= now_ms:
        return "expired"
    return token.status
