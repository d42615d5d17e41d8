"""Time helpers: every timestamp on the wire is UTC ISO 8601 with milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Format ``moment`` as ``2026-01-02T03:04:05.678Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """Parse a timestamp written by :func:`iso` (or any ISO 8601 string with an offset)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch; used as sort scores in Redis indexes."""
    return int(moment.timestamp() * 1000)


def parse_epoch_ms(text: str) -> int:
    """Milliseconds since the epoch of a timestamp written by :func:`iso`: how a record's
    ``created_at`` orders it (the score of its Redis indexes)."""
    return epoch_ms(parse_iso(text))
