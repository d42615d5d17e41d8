"""``connect_shared.pagination`` over real Redis sorted sets: order, ties, merging, filters."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from connect_shared.pagination import CursorNotFound, PageRequest, paginate
from connect_shared.runtime import Runtime

pytestmark = pytest.mark.integration


@pytest.fixture
async def two_indexes(runtime: Runtime) -> AsyncIterator[tuple[Redis, list[str]]]:
    names = [f"test:pagination:{uuid.uuid4().hex}:{side}" for side in ("a", "b")]
    redis = runtime.redis
    # a: items 0,2,4,...; b: items 1,3,5,... ; items 10 and 11 share a score.
    for n in range(12):
        score = 10 if n in (10, 11) else n
        await redis.zadd(names[n % 2], {f"item{n:02d}": score})
    yield redis, names
    await redis.delete(*names)


async def load_all(ids: list[str]) -> list[str | None]:
    return list(ids)


async def load_even(ids: list[str]) -> list[str | None]:
    return [i if int(i[-2:]) % 2 == 0 else None for i in ids]


async def walk(redis: Redis, names: list[str], size: int) -> list[str]:
    seen: list[str] = []
    request = PageRequest(size=size)
    while True:
        page = await paginate(redis, names, request, load_all)
        seen += page.items
        if not page.has_next:
            return seen
        request = PageRequest(size=size, after=page.ids[-1])


async def test_merged_indexes_page_newest_first_with_stable_ties(
    two_indexes: tuple[Redis, list[str]],
) -> None:
    redis, names = two_indexes
    expected = ["item11", "item10", *[f"item{n:02d}" for n in range(9, -1, -1)]]
    assert await walk(redis, names, 5) == expected
    assert await walk(redis, names, 1) == expected


async def test_before_cursor_returns_the_newer_page_and_flags_more(
    two_indexes: tuple[Redis, list[str]],
) -> None:
    redis, names = two_indexes
    page = await paginate(redis, names, PageRequest(size=3, before="item05"), load_all)
    assert page.items == ["item08", "item07", "item06"]
    assert page.has_prev is True and page.has_next is True
    top = await paginate(redis, names, PageRequest(size=3, before="item08"), load_all)
    assert top.items == ["item11", "item10", "item09"]
    assert top.has_prev is False


async def test_filtered_pages_are_full_until_the_end(two_indexes: tuple[Redis, list[str]]) -> None:
    redis, names = two_indexes
    page = await paginate(redis, names, PageRequest(size=4), load_even)
    assert page.items == ["item10", "item08", "item06", "item04"]
    assert page.has_next is True
    rest = await paginate(redis, names, PageRequest(size=4, after="item04"), load_even)
    assert rest.items == ["item02", "item00"]
    assert rest.has_next is False


async def test_unknown_cursor_is_refused(two_indexes: tuple[Redis, list[str]]) -> None:
    redis, names = two_indexes
    with pytest.raises(CursorNotFound):
        await paginate(redis, names, PageRequest(after="nope"), load_all)
