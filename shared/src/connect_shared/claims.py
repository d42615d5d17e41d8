"""The outcome of a single-use claim on a share token (:mod:`connect_shared.token_guard`), apart
from the Redis guard so that use cases can read it without loading an I/O client."""

from __future__ import annotations

from enum import IntEnum
from typing import Protocol


class ClaimResult(IntEnum):
    """Outcome of a claim attempt."""

    MISSING = -1
    EXPIRED = -2
    NOT_CREATED = 0
    WON = 1


class TokenClaims(Protocol):
    """The single-use guard as use cases see it (:class:`connect_shared.token_guard.TokenGuard`
    implements it over Redis): a token leaves ``created`` once."""

    async def claim(self, token_id: str, claimant: str, now_ms: int) -> ClaimResult:
        """Try to take ``token_id`` out of ``created`` for ``claimant``."""
        ...

    async def release(self, token_id: str, claimant: str) -> None:
        """Give the claim back if ``claimant`` still holds it."""
        ...
