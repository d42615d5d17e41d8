"""Share-token status transitions owned by the redeemer (pure)."""

from __future__ import annotations

from datetime import datetime

from connect_shared.clock import iso
from connect_shared.records import FailureReason, ShareTokenRecord
from redeemer.domain.commands import RedeemCommand


def start_redemption(
    token: ShareTokenRecord, command: RedeemCommand, now: datetime
) -> ShareTokenRecord:
    """``created`` -> ``pending``: the claimed token as the redeem's 202 shows it."""
    stamp = iso(now)
    hydrate = command.destination_id is not None
    return token.model_copy(
        update={
            "status": "pending",
            "pending_at": stamp,
            "updated_at": stamp,
            "redeem_mode": command.mode,
            "destination_id": command.destination_id,
            "destination_type": token.source_type if hydrate else None,
            "redeem_request": command.request_key,
        }
    )


def mark_redeemed(
    token: ShareTokenRecord, destination_id: str, destination_type: str, now: datetime
) -> ShareTokenRecord:
    """``pending`` -> ``redeemed``, naming the new or hydrated object."""
    stamp = iso(now)
    return token.model_copy(
        update={
            "status": "redeemed",
            "redeemed_at": stamp,
            "updated_at": stamp,
            "destination_id": destination_id,
            "destination_type": destination_type,
        }
    )


def mark_failed(token: ShareTokenRecord, reason: FailureReason, now: datetime) -> ShareTokenRecord:
    """``pending`` -> ``failed`` with a contract failure reason."""
    stamp = iso(now)
    return token.model_copy(
        update={
            "status": "failed",
            "failed_at": stamp,
            "updated_at": stamp,
            "failure_reason": reason,
        }
    )
