"""The outcome of a single-use claim on a share token (:mod:`connect_shared.token_guard`), apart
from the Redis guard so that use cases can read it without loading an I/O client."""

from __future__ import annotations

from enum import IntEnum


class ClaimResult(IntEnum):
    """Outcome of a claim attempt."""

    MISSING = -1
    EXPIRED = -2
    NOT_CREATED = 0
    WON = 1
