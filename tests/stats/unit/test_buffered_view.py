"""The worker's staging of tallies before Redis: newest per slot, nothing lost on a failed
write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from stats.adapters.stores.tally_view import BufferedTallyView
from stats.domain.tallies import Tally
from stats.domain.windows import Interval
from stats.ports import Slot

pytestmark = pytest.mark.unit

SLOT = Slot("hour", "org_a", 3600, "outbound", "cxn_1", 0)
OTHER = Slot("day", "org_a", 0, "outbound", "cxn_1", 0)


class RecordingView:
    def __init__(self) -> None:
        self.written: list[list[tuple[Slot, Tally]]] = []
        self.fail = False

    async def publish(self, updates: Sequence[tuple[Slot, Tally]]) -> None:
        if self.fail:
            raise ConnectionError("redis down")
        self.written.append(list(updates))

    async def read(
        self, interval: Interval, organization_id: str, first: int, last: int
    ) -> Mapping[int, Sequence[tuple[Slot, Tally]]]:
        return {}


async def test_only_the_newest_tally_of_a_slot_is_written_once_per_flush() -> None:
    view = RecordingView()
    buffered = BufferedTallyView(view)
    await buffered.publish([(SLOT, Tally(created=1, offset=1))])
    await buffered.publish([(SLOT, Tally(created=2, offset=2)), (OTHER, Tally(created=2))])
    assert view.written == []
    await buffered.flush()
    assert view.written == [[(SLOT, Tally(created=2, offset=2)), (OTHER, Tally(created=2))]]
    await buffered.flush()
    assert len(view.written) == 1


async def test_a_failed_write_keeps_the_tallies_for_the_next_flush() -> None:
    view = RecordingView()
    buffered = BufferedTallyView(view)
    await buffered.publish([(SLOT, Tally(created=1, offset=1)), (OTHER, Tally(created=5))])
    view.fail = True
    with pytest.raises(ConnectionError):
        await buffered.flush()
    view.fail = False
    await buffered.flush()
    assert view.written == [[(SLOT, Tally(created=1, offset=1)), (OTHER, Tally(created=5))]]


async def test_too_many_staged_tallies_are_written_at_once() -> None:
    view = RecordingView()
    buffered = BufferedTallyView(view, max_pending=2)
    await buffered.publish([(SLOT, Tally(created=1))])
    assert view.written == []
    await buffered.publish([(OTHER, Tally(created=1))])
    assert len(view.written) == 1
