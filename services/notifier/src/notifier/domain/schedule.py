"""The retry schedule: when the next attempt is due, with jitter and Retry-After."""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import datetime


def parse_schedule(text: str) -> tuple[float, ...]:
    """``"0,5,300"`` -> ``(0.0, 5.0, 300.0)``: one delay per attempt; at least one value."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueError("the retry schedule needs at least one delay")
    delays = tuple(float(part) for part in parts)
    if any(delay < 0 or delay != delay for delay in delays):
        raise ValueError("retry delays must be non-negative numbers of seconds")
    return delays


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts an event gets and how far apart they are."""

    schedule: tuple[float, ...]
    jitter_ratio: float = 0.2
    retry_after_max: float = 3600.0

    @property
    def total_attempts(self) -> int:
        """Attempts per delivery (the length of the schedule)."""
        return len(self.schedule)

    def first_delay(self, unit_random: float) -> float:
        """Delay before the first attempt."""
        return self._jittered(self.schedule[0], unit_random)

    def next_delay(
        self, attempts_made: int, unit_random: float, retry_after: float | None = None
    ) -> float | None:
        """Delay before attempt ``attempts_made + 1``, or None when the schedule is spent.

        ``unit_random`` in [0, 1) spreads the delay by +/- ``jitter_ratio``; a Retry-After
        (429/503) is honoured up to ``retry_after_max`` when it asks for longer.
        """
        if attempts_made >= self.total_attempts:
            return None
        delay = self._jittered(self.schedule[attempts_made], unit_random)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.retry_after_max))
        return delay

    def _jittered(self, delay: float, unit_random: float) -> float:
        spread = delay * self.jitter_ratio
        return max(0.0, delay - spread + 2 * spread * unit_random)
