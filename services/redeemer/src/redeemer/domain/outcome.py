"""The result of one redemption and the events that announce it (pure).

Event ids are derived from the token and the outcome, and their time is the token's
``redeemed-at`` / ``failed-at``: running the same redemption again re-emits byte-identical
events, which consumers dedupe by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from connect_shared.clock import epoch_ms, parse_iso
from connect_shared.events import Event, build_event
from connect_shared.records import ShareTokenRecord, SourceObjectRecord
from connect_shared.views import share_token_resource


@dataclass(frozen=True)
class Outcome:
    """A finished redemption: the token (``redeemed`` or ``failed``) and the objects written."""

    token: ShareTokenRecord
    objects: Sequence[SourceObjectRecord] = ()


def outcome_events(token: ShareTokenRecord) -> list[Event]:
    """``outbound-<what>`` to the source and ``inbound-<what>`` to the destination."""
    if token.status == "redeemed" and token.redeemed_at is not None:
        what, stamp = "redeemed", token.redeemed_at
    elif token.status == "failed" and token.failed_at is not None:
        what, stamp = "failed", token.failed_at
    else:
        raise ValueError(f"token {token.id} has not finished redeeming ({token.status})")
    moment = parse_iso(stamp)
    now_ms = epoch_ms(moment)
    return [
        build_event(
            f"connect/share-token.{side}-{what}",
            org_id,
            share_token_resource(token, org_id, now_ms),
            idempotency_parts=(token.id, what),
            created_at=moment,
        )
        for side, org_id in (
            ("outbound", token.source_organization_id),
            ("inbound", token.destination_organization_id),
        )
    ]
