"""A mergeable histogram of seconds-to-redeem with relative-error quantiles.

Values are counted in logarithmic bins (bin ``i`` holds ``(GAMMA**(i-1), GAMMA**i]``
seconds), so two histograms merge exactly by adding their bin counts, whatever partition or
window they came from, and a quantile read from a merge is within ``RELATIVE_ERROR`` of the
true value. Sub-second values share bin 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

RELATIVE_ERROR = 0.01
GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
_LOG_GAMMA = math.log(GAMMA)

Bins = dict[str, int]
"""Bin index (as a string: the table values are JSON) -> count."""


def bin_of(seconds: float) -> int:
    """The bin holding ``seconds`` (values under one second share bin 0)."""
    if seconds <= 1.0:
        return 0
    return max(1, math.ceil(math.log(seconds) / _LOG_GAMMA))


def representative(index: int) -> float:
    """The value reported for a bin: the point with equal relative error to both edges."""
    if index <= 0:
        return 0.0
    return 2 * GAMMA**index / (GAMMA + 1)


def add(bins: Mapping[str, int], seconds: float) -> Bins:
    """A copy of ``bins`` with one more value."""
    updated = dict(bins)
    key = str(bin_of(seconds))
    updated[key] = updated.get(key, 0) + 1
    return updated


def merge(all_bins: Iterable[Mapping[str, int]]) -> Bins:
    """The histogram of every value in ``all_bins`` together (exact: counts add)."""
    merged: Bins = {}
    for bins in all_bins:
        for key, count in bins.items():
            merged[key] = merged.get(key, 0) + count
    return merged


def quantile(bins: Mapping[str, int], q: float) -> float | None:
    """The ``q`` quantile (0 < q <= 1), rounded to milliseconds; None for an empty histogram."""
    total = sum(bins.values())
    if total == 0:
        return None
    # The rank of the quantile among the sorted values (1-based, nearest-rank method).
    rank = max(1, math.ceil(q * total))
    seen = 0
    for index in sorted(int(key) for key in bins):
        seen += bins[str(index)]
        if seen >= rank:
            return round(representative(index), 3)
    return None  # unreachable: the last bin always reaches the total
