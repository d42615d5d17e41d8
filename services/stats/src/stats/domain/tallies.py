"""The value kept per table key and window: counts, the seconds-to-redeem histogram and the
source offset they include, so one changelog record carries the counts together with the
position that makes re-applying a message a no-op."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stats.domain import histogram
from stats.domain.facts import KINDS, Fact


@dataclass(frozen=True)
class Tally:
    """Counts of one organization / direction / connection / source partition in one window.

    ``offset`` is the highest offset of the source partition already counted. Messages of a
    partition are applied in offset order, and a restarted worker re-reads from its last
    committed offset, so a message at or below ``offset`` is a redelivery: skipping it is
    what keeps at-least-once delivery from counting twice.
    """

    created: int = 0
    redeemed: int = 0
    expired: int = 0
    failed: int = 0
    redeem_seconds: histogram.Bins = field(default_factory=dict)
    offset: int = -1

    @classmethod
    def from_value(cls, value: Any) -> Tally:
        """Read a table value (a JSON object; anything else is an empty tally)."""
        if not isinstance(value, Mapping):
            return cls()
        bins = value.get("redeem-seconds")
        return cls(
            **{kind: int(value.get(kind, 0)) for kind in KINDS},
            redeem_seconds={str(k): int(v) for k, v in bins.items()}
            if isinstance(bins, Mapping)
            else {},
            offset=int(value.get("offset", -1)),
        )

    def to_value(self) -> dict[str, Any]:
        """The JSON object stored in the table (and its changelog)."""
        return {
            "created": self.created,
            "redeemed": self.redeemed,
            "expired": self.expired,
            "failed": self.failed,
            "redeem-seconds": dict(self.redeem_seconds),
            "offset": self.offset,
        }

    def count(self, kind: str) -> int:
        """The count of ``kind`` (created, redeemed, expired, failed)."""
        return int(getattr(self, kind))

    def applied(self, fact: Fact, offset: int) -> Tally | None:
        """This tally with ``fact`` (read at source ``offset``) counted, or None when that
        offset is already included (a redelivery after a crash or a rebalance)."""
        if offset <= self.offset:
            return None
        counts = {kind: self.count(kind) for kind in KINDS}
        counts[fact.kind] += 1
        bins = self.redeem_seconds
        if fact.seconds_to_redeem is not None:
            bins = histogram.add(bins, fact.seconds_to_redeem)
        return Tally(**counts, redeem_seconds=bins, offset=offset)


@dataclass(frozen=True)
class Totals:
    """Tallies of several keys (partitions, connections, directions) of one window, merged."""

    created: int = 0
    redeemed: int = 0
    expired: int = 0
    failed: int = 0
    redeem_seconds: histogram.Bins = field(default_factory=dict)

    @classmethod
    def of(cls, tallies: Iterable[Tally]) -> Totals:
        """Sum the counts and merge the histograms (exact: both only add)."""
        items = list(tallies)
        return cls(
            **{kind: sum(t.count(kind) for t in items) for kind in KINDS},
            redeem_seconds=histogram.merge(t.redeem_seconds for t in items),
        )

    @property
    def p50(self) -> float | None:
        """Median seconds from creation to redemption (None without redemptions)."""
        return histogram.quantile(self.redeem_seconds, 0.5)

    @property
    def p95(self) -> float | None:
        """95th percentile of seconds from creation to redemption."""
        return histogram.quantile(self.redeem_seconds, 0.95)
