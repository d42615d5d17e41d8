"""What the use cases need from the outside: the windowed tables and the published view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from stats.domain.facts import Direction
from stats.domain.tallies import Tally
from stats.domain.windows import Interval


@dataclass(frozen=True)
class Slot:
    """Where one tally is published: an organization's window, and the table key inside it."""

    interval: Interval
    organization_id: str
    start: int
    direction: Direction
    connection_id: str
    partition: int


class TallyTables(Protocol):
    """The changelogged windowed tables (one per interval), read and written by the worker
    that owns the source partition of the current message."""

    def read(self, interval: Interval, key: str, at: float) -> Tally:
        """The tally of ``key`` in the window of ``interval`` holding ``at``."""
        ...

    def write(self, interval: Interval, key: str, at: float, tally: Tally) -> None:
        """Replace that tally (one changelog record)."""
        ...


class TallyView(Protocol):
    """The copy of every tally the API reads (written whole, so rewriting is idempotent)."""

    async def publish(self, updates: Sequence[tuple[Slot, Tally]]) -> None:
        """Store these tallies, each replacing what its slot held."""
        ...

    async def read(
        self, interval: Interval, organization_id: str, first: int, last: int
    ) -> Mapping[int, Sequence[tuple[Slot, Tally]]]:
        """Every tally of the organization's windows starting in ``[first, last]``."""
        ...
