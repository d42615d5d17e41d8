"""Service layer of the HTTP side: accept a redeem (``created`` -> ``pending``) exactly once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from connect_shared.claims import ClaimResult
from connect_shared.clock import epoch_ms, utcnow
from connect_shared.domain_errors import InvalidValue, NotVisible, WrongState
from connect_shared.ids import new_id
from connect_shared.records import ShareTokenRecord
from connect_shared.redemptions import RedemptionRequest
from redeemer.domain.commands import RedeemCommand, check_destination_fits
from redeemer.domain.tokens import start_redemption
from redeemer.ports import RedemptionRequests, TokenClaims

log = logging.getLogger(__name__)


class RedeemService:
    """Checks, claims and durably records one redeem."""

    def __init__(
        self,
        store: RedemptionRequests,
        guard: TokenClaims,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self._guard = guard
        self._clock = clock

    async def redeem(
        self, organization_id: str, token_id: str, command: RedeemCommand
    ) -> ShareTokenRecord:
        """The token, now ``pending``. Refusals are domain exceptions (not visible, wrong state,
        invalid value); a dependency that is down raises the store's 503."""
        token = await self._store.token(token_id)
        if token is None or token.destination_organization_id != organization_id:
            raise NotVisible(f"No share token {token_id}.")
        if command.request_key is not None and token.redeem_request == command.request_key:
            # This request ran before and its redemption landed, but its process died before
            # the answer was kept: the retry is answered as the first run would have been.
            return token
        check_destination_fits(command, token)
        connection = await self._store.connection(token.connection_id)
        if connection is None or connection.status != "active":
            raise InvalidValue(
                "The token's connection is not active.",
                meta={"connection-id": token.connection_id},
            )
        now = self._clock()
        claimant = new_id("rdm_")
        claimed = await self._guard.claim(token_id, claimant, epoch_ms(now))
        if claimed is ClaimResult.MISSING:
            raise NotVisible(f"No share token {token_id}.")
        if claimed is ClaimResult.EXPIRED:
            raise WrongState("The share token has expired.", status="expired")
        if claimed is not ClaimResult.WON:
            again = await self._store.token(token_id) if command.request_key else None
            if again is not None and again.redeem_request == command.request_key:
                return again  # the view caught up with this request's earlier run meanwhile
            raise WrongState(
                "The share token is not redeemable (it was redeemed, is being redeemed, "
                "expired or failed).",
                status=token.status,
                # Still `created`: another redeem (or the expiry) holds the claim right now.
                transient=token.status == "created",
            )
        pending = start_redemption(token, command, now)
        request = RedemptionRequest(
            token_id=token.id,
            destination_organization_id=organization_id,
            mode=command.mode,
            destination_id=command.destination_id,
            field_mappings=command.field_mappings,
            pending_at=pending.pending_at or "",
            requested_at_ms=epoch_ms(now),
        )
        try:
            async with self._guard.kept(token_id, claimant):
                await self._store.submit(pending, request)
        except BaseException:
            # Nothing was acknowledged together: the token stays redeemable.
            await self._guard.release(token_id, claimant)
            raise
        return pending
