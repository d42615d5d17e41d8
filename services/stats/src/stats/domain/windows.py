"""Windows: UTC hours and days, aligned to the epoch (as faust's tumbling windows are)."""

from __future__ import annotations

from typing import Literal

Interval = Literal["hour", "day"]
INTERVAL_SECONDS: dict[Interval, int] = {"hour": 3600, "day": 86400}
INTERVALS: tuple[Interval, ...] = ("hour", "day")

# How far back a window is kept (tables and the published view), and the widest range one
# request may ask for: enough for a month of hours and a year of days.
RETENTION_SECONDS: dict[Interval, int] = {"hour": 35 * 86400, "day": 400 * 86400}
MAX_RANGE_SECONDS: dict[Interval, int] = {"hour": 31 * 86400, "day": 366 * 86400}
DEFAULT_RANGE_SECONDS: dict[Interval, int] = {"hour": 2 * 86400, "day": 30 * 86400}


def window_start(at: float, interval: Interval) -> int:
    """The start (epoch seconds) of the window holding ``at``."""
    size = INTERVAL_SECONDS[interval]
    return int(at // size) * size


def window_starts(first: float, last: float, interval: Interval) -> list[int]:
    """Starts of every window from the one holding ``first`` to the one holding ``last``."""
    size = INTERVAL_SECONDS[interval]
    return list(range(window_start(first, interval), window_start(last, interval) + 1, size))
