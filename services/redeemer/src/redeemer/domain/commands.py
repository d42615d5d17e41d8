"""What a redeem asks for (contract 2.3), as the rules see it.

The request body is parsed in :mod:`redeemer.adapters.http.requests`; checks that need the token
(the destination's prefix must match the source's collection) are here.
"""

from __future__ import annotations

from dataclasses import dataclass

from connect_shared.domain_errors import InvalidValue
from connect_shared.records import COLLECTION_BY_PREFIX, RedeemMode, ShareTokenRecord
from connect_shared.redemptions import FieldMapping


@dataclass(frozen=True)
class RedeemCommand:
    """What the destination asked for: clone (no destination) or hydrate an existing object."""

    destination_id: str | None = None
    field_mappings: tuple[FieldMapping, ...] = ()
    # The request's identity across its retries (Idempotency-Key), kept on the pending token.
    request_key: str | None = None

    @property
    def mode(self) -> RedeemMode:
        """``hydrate`` when a destination object is named, else ``clone``."""
        return "clone" if self.destination_id is None else "hydrate"


def check_destination_fits(command: RedeemCommand, token: ShareTokenRecord) -> None:
    """A hydrate target must be of the source's collection (an invalid ``destination-id``
    otherwise)."""
    if command.destination_id is None:
        return
    expected = token.source_id[:4]
    if not command.destination_id.startswith(expected):
        collection = COLLECTION_BY_PREFIX.get(expected, "objects")
        raise InvalidValue(
            f"'destination-id' must name one of your {collection} ({expected}...), "
            "the same kind of object the token shares.",
            field="destination-id",
        )
