"""The guard both Redis-held views share (state view, events view): a missing marker starts
one background rebuild per process, and a failed rebuild is not retried on every request."""

from __future__ import annotations

import asyncio

import pytest

from connect_shared.replay import RebuildGuard

pytestmark = pytest.mark.unit


class _View:
    def __init__(self, *, marked: bool = False, fail: bool = False) -> None:
        self.marked = marked
        self.fail = fail
        self.rebuilds = 0
        self.release = asyncio.Event()

    async def is_ready(self) -> bool:
        return self.marked

    async def rebuild(self) -> None:
        self.rebuilds += 1
        await self.release.wait()
        if self.fail:
            raise ConnectionError("kafka is away")
        self.marked = True


def _guard(view: _View) -> RebuildGuard:
    return RebuildGuard("test view", view.is_ready, view.rebuild)


async def _settle(guard: RebuildGuard) -> None:
    for _ in range(10):
        await asyncio.sleep(0)
    await guard.close()


async def test_a_marked_view_is_ready_and_nothing_is_rebuilt() -> None:
    view = _View(marked=True)
    guard = _guard(view)
    assert await guard.ready()
    await _settle(guard)
    assert view.rebuilds == 0


async def test_many_requests_against_a_missing_view_start_one_rebuild() -> None:
    view = _View()
    guard = _guard(view)
    answers = await asyncio.gather(*(guard.ready() for _ in range(20)))
    assert not any(answers)
    await asyncio.sleep(0)
    view.release.set()
    await guard.wait_ready(5.0)
    assert view.rebuilds == 1
    await guard.close()


async def test_a_failed_rebuild_is_not_started_again_at_once() -> None:
    view = _View(fail=True)
    view.release.set()
    guard = _guard(view)
    assert not await guard.ready()
    for _ in range(10):
        await asyncio.sleep(0)
    assert view.rebuilds == 1
    assert not await guard.ready()  # within the back-off after the failure
    await _settle(guard)
    assert view.rebuilds == 1
