"""Open-loop pacing: when each request of a fixed-rate run is due (pure).

Requests are issued at ``start + i / rate`` whatever the previous ones are doing, and each
latency is measured from that *intended* time, so a stalled server cannot slow the generator
down and hide its own queueing (coordinated omission).
"""

from __future__ import annotations

import math


def total_requests(rate: float, duration: float) -> int:
    """How many requests a run of ``duration`` seconds at ``rate`` per second issues."""
    if rate <= 0 or duration <= 0:
        return 0
    return math.floor(rate * duration + 1e-9)


def intended_offset(index: int, rate: float) -> float:
    """Seconds after the start at which request ``index`` (0-based) is due."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    return index / rate


def due_count(rate: float, elapsed: float, total: int) -> int:
    """How many requests are due ``elapsed`` seconds after the start (request 0 is due at 0),
    capped at ``total``."""
    if elapsed < 0:
        return 0
    return min(total, math.floor(elapsed * rate + 1e-9) + 1)


def next_due_in(rate: float, issued: int, elapsed: float) -> float:
    """Seconds to sleep until request number ``issued`` is due (0 when it already is)."""
    return max(0.0, intended_offset(issued, rate) - elapsed)
