"""Latency statistics: percentiles and one-line summaries (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

PERCENTILES = (50.0, 90.0, 99.0, 99.9)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, linearly interpolated between the closest
    ranks (numpy's default "linear" method). ``nan`` for no values."""
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


@dataclass(frozen=True)
class LatencySummary:
    """Count, mean, max and percentiles of a set of latencies, in milliseconds."""

    count: int
    mean_ms: float
    max_ms: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "count": self.count,
            "mean-ms": self.mean_ms,
            "max-ms": self.max_ms,
            "p50-ms": self.p50_ms,
            "p90-ms": self.p90_ms,
            "p99-ms": self.p99_ms,
            "p99.9-ms": self.p999_ms,
        }


def summarize(latencies_s: Sequence[float]) -> LatencySummary:
    """Summarize latencies given in seconds (as measured) into milliseconds."""
    ms = sorted(x * 1000.0 for x in latencies_s)
    if not ms:
        nan = math.nan
        return LatencySummary(0, nan, nan, nan, nan, nan, nan)
    p50, p90, p99, p999 = (percentile(ms, q) for q in PERCENTILES)
    return LatencySummary(len(ms), sum(ms) / len(ms), ms[-1], p50, p90, p99, p999)


def rate(count: int, seconds: float) -> float:
    """Events per second; 0 for an empty or instant window."""
    return count / seconds if seconds > 0 else 0.0


def steady_rate(times: Sequence[float], trim: float = 0.1) -> float:
    """Throughput of a stream of completion ``times`` (seconds), ignoring the first and last
    ``trim`` fraction of completions, which are ramp-up and drain rather than steady state."""
    if not 0.0 <= trim < 0.5:
        raise ValueError("trim must be within [0, 0.5)")
    ordered = sorted(times)
    if len(ordered) < 2:
        return 0.0
    first = int(len(ordered) * trim)
    last = len(ordered) - 1 - first
    if last <= first:
        first, last = 0, len(ordered) - 1
    span = ordered[last] - ordered[first]
    return rate(last - first, span)
