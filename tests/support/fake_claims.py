"""An in-memory single-use guard (``connect_shared.claims.TokenClaims``) for unit tests; the port
contract tests hold it to what ``connect_shared.token_guard.TokenGuard`` does over Redis."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from connect_shared.claims import ClaimResult
from connect_shared.records import ShareTokenRecord


class FakeClaims:
    """Claims over the tokens ``token_of`` reads (the fake store's own records)."""

    def __init__(self, token_of: Callable[[str], Awaitable[ShareTokenRecord | None]]) -> None:
        self._token_of = token_of
        self.holders: dict[str, str] = {}

    async def claim(self, token_id: str, claimant: str, now_ms: int) -> ClaimResult:
        token = await self._token_of(token_id)
        if token is None:
            return ClaimResult.MISSING
        if token.status != "created":
            return ClaimResult.NOT_CREATED
        if token.expires_at_ms <= now_ms:
            return ClaimResult.EXPIRED
        if token_id in self.holders:
            return ClaimResult.NOT_CREATED
        self.holders[token_id] = claimant
        return ClaimResult.WON

    async def release(self, token_id: str, claimant: str) -> None:
        if self.holders.get(token_id) == claimant:
            del self.holders[token_id]
