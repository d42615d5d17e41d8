"""The expiry sweeper: announces every token that ran past ``expires-at`` exactly once.

Tokens waiting for their expiry sit in ``TOKEN_EXPIRY_INDEX`` scored by ``expires_at_ms``. A
scan takes the ones due, claims each through the same guard redeems and the expire route use
(so a token leaves ``created`` once), then writes ``expired`` with ``expiry_announced`` (which
takes it out of the index) together with both events. Event ids derive from the token, so two
replicas or a retry emitting the same expiry emit the same ids (consumers dedupe by id).
"""

from __future__ import annotations

import logging

from connect_shared.claims import ClaimResult
from connect_shared.clock import epoch_ms
from connect_shared.domain_errors import StoreUnavailable
from connect_shared.ids import new_id
from connect_shared.records import ShareTokenRecord, share_token_state
from issuer.domain import share_tokens as rules
from issuer.ports import ExpiryQueue, TokenClaims, TokenStore
from issuer.usecases import Clock

log = logging.getLogger(__name__)


class ExpirySweeper:
    """One scan at a time; run it on a timer in every issuer replica."""

    def __init__(
        self, store: TokenStore, queue: ExpiryQueue, guard: TokenClaims, clock: Clock, batch: int
    ) -> None:
        self._store = store
        self._queue = queue
        self._guard = guard
        self._clock = clock
        self._batch = batch
        self._claimant = new_id("sweeper_")  # per replica: a release only frees our own claim

    async def sweep_once(self) -> int:
        """Announce the tokens due now; returns how many this call announced."""
        now_ms = epoch_ms(self._clock())
        announced = 0
        for token_id in await self._queue.due(now_ms, self._batch):
            try:
                announced += await self._announce(token_id)
            except StoreUnavailable:
                log.warning("kafka unavailable; expiry retried next scan", extra={"id": token_id})
                break
        return announced

    async def _announce(self, token_id: str) -> int:
        token = await self._store.share_token(token_id)
        if token is None:
            await self._queue.drop(token_id)
            return 0
        if token.status == "expired" and token.expiry_announced:
            await self._queue.drop(token_id)  # stale entry
            return 0
        if token.status == "created":
            # Claim as of the token's last live instant: the guard's clock check must not stop
            # the sweeper; what matters is that no redeem holds (or later takes) the claim.
            claim = await self._guard.claim(token.id, self._claimant, token.expires_at_ms - 1)
            if claim is not ClaimResult.WON:
                return 0  # another replica or a redemption has it
            return await self._write(token, release_on_failure=True)
        if token.status == "expired":
            return await self._write(token, release_on_failure=False)
        return 0  # pending / redeemed / failed: the redeemer's write drops the entry

    async def _write(self, token: ShareTokenRecord, *, release_on_failure: bool) -> int:
        fresh = await self._store.share_token(token.id) or token
        now = self._clock()
        done = rules.expired(fresh, now)
        events = [(token.id, event) for event in rules.expired_events(done, now)]
        try:
            await self._store.put(share_token_state(done), events=events)
        except BaseException:
            if release_on_failure:
                await self._guard.release(token.id, self._claimant)
            raise
        return 1
