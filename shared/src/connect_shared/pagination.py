"""Cursor pagination over Redis sorted-set indexes, newest first (contract section 2.3).

A cursor is the id of the item at the edge of a page: ``page[after]=<id>`` continues with the
items older than ``<id>``, ``page[before]=<id>`` with the newer ones. Items are ordered by
``(score, id)`` descending, the order ``ZREVRANGEBYSCORE`` returns, so ties on the score are
stable. Several indexes (e.g. an organization's outbound and inbound tokens) are merged lazily;
ids are read in chunks and loaded in one pipelined round trip per chunk, and reading stops as
soon as a page (plus one item, to know whether there is more) has matched the filter.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlencode

from connect_shared.errors import BadRequest
from connect_shared.redis_replies import as_text

if TYPE_CHECKING:  # use cases import Page / PageRequest without loading the Redis client
    from redis.asyncio import Redis

T = TypeVar("T")
Loader = Callable[[list[str]], Awaitable[list[T | None]]]

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
CHUNK = 100

_Entry = tuple[float, str]
# At most three digits: a longer size is out of range anyway (and cannot be a huge number).
_SIZE = re.compile(r"[0-9]{1,3}")
# Persona's page[size] is an unbounded integer: any run of ASCII digits, capped when served.
_ANY_SIZE = re.compile(r"[0-9]+")
# Cursors are item ids: a lower-case prefix and a base62 suffix.
_CURSOR = re.compile(r"[a-z]{1,10}_[A-Za-z0-9]{1,100}")
PAGE_PARAMETERS = ("page[size]", "page[after]", "page[before]")


@dataclass(frozen=True)
class PageRequest:
    """What a client asked for: page size and at most one cursor."""

    size: int = DEFAULT_PAGE_SIZE
    after: str | None = None
    before: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page, newest first, and whether older (``next``) or newer (``prev``) items exist."""

    items: list[T]
    ids: list[str]
    has_next: bool
    has_prev: bool


class CursorNotFound(BadRequest):
    """The cursor names no item of the listed indexes."""


def parse_page_size(
    query: Mapping[str, str],
    default: int = DEFAULT_PAGE_SIZE,
    maximum: int = MAX_PAGE_SIZE,
    *,
    capped: bool = False,
) -> int:
    """``page[size]``: a decimal integer from 1 to ``maximum`` (ASCII digits only: ``²`` is a
    digit to Python but no number); 400 naming the parameter otherwise. With ``capped`` (the
    Persona contract, whose size has no upper bound) any positive integer is accepted and a
    larger one serves ``maximum`` items."""
    raw = query.get("page[size]")
    if raw is None:
        return default
    if capped and _ANY_SIZE.fullmatch(raw) is not None:
        significant = raw.lstrip("0")
        if significant:
            # More digits than the maximum has is over it; never int() a huge string.
            too_long = len(significant) > len(str(maximum))
            return maximum if too_long else min(int(significant), maximum)
    elif _SIZE.fullmatch(raw) is not None and 1 <= int(raw) <= maximum:
        return int(raw)
    bound = "a positive integer" if capped else f"an integer from 1 to {maximum}"
    raise BadRequest(f"page[size] must be {bound}.", meta={"parameter": "page[size]"})


def parse_page_request(query: Mapping[str, str], *, capped: bool = False) -> PageRequest:
    """Read ``page[size]``, ``page[after]`` and ``page[before]``; 400 (naming the parameter)
    when the size is not an integer from 1 to 100 (with ``capped``: not a positive integer,
    served at most 100 per page), a cursor is not an item id, or both cursors are given."""
    size = parse_page_size(query, capped=capped)
    after, before = query.get("page[after]"), query.get("page[before]")
    if after is not None and before is not None:
        raise BadRequest(
            "Use page[after] or page[before], not both.", meta={"parameter": "page[before]"}
        )
    for name, value in (("page[after]", after), ("page[before]", before)):
        if value is not None and _CURSOR.fullmatch(value) is None:
            raise BadRequest(f"{name} must be the id of an item.", meta={"parameter": name})
    return PageRequest(size=size, after=after, before=before)


def page_links(path: str, query: Mapping[str, str], page: Page[T]) -> dict[str, str | None]:
    """``links.next`` / ``links.prev`` as relative URLs keeping every other query parameter."""
    kept = {k: v for k, v in query.items() if k not in ("page[after]", "page[before]")}

    def link(name: str, cursor: str) -> str:
        return f"{path}?{urlencode({**kept, name: cursor}, safe='[]')}"

    return {
        "prev": link("page[before]", page.ids[0]) if page.has_prev and page.ids else None,
        "next": link("page[after]", page.ids[-1]) if page.has_next and page.ids else None,
    }


class _IndexWalk:
    """Walks one sorted set away from a bound, one chunk per round trip."""

    def __init__(self, redis: Redis, index: str, *, descending: bool, bound: _Entry | None) -> None:
        self._redis = redis
        self._index = index
        self._descending = descending
        self._bound = bound
        self._offset = 0
        self._buffer: list[_Entry] = []
        self._exhausted = False

    def _beyond_bound(self, entry: _Entry) -> bool:
        if self._bound is None:
            return True
        return entry < self._bound if self._descending else entry > self._bound

    async def head(self) -> _Entry | None:
        while not self._buffer and not self._exhausted:
            await self._fetch()
        return self._buffer[0] if self._buffer else None

    def pop(self) -> None:
        self._buffer.pop(0)

    async def _fetch(self) -> None:
        edge = "+inf" if self._descending else "-inf"
        if self._bound is not None:
            edge = repr(self._bound[0])
        if self._descending:
            raw = await self._redis.zrevrangebyscore(
                self._index, edge, "-inf", start=self._offset, num=CHUNK, withscores=True
            )
        else:
            raw = await self._redis.zrangebyscore(
                self._index, edge, "+inf", start=self._offset, num=CHUNK, withscores=True
            )
        self._offset += len(raw)
        self._exhausted = len(raw) < CHUNK
        entries = [(float(score), as_text(member)) for member, score in _pairs(raw)]
        self._buffer.extend(e for e in entries if self._beyond_bound(e))


def _pairs(raw: Any) -> list[tuple[bytes | str, float]]:
    # redis-py types WITHSCORES answers loosely; they are (member, score) pairs.
    return [(member, float(score)) for member, score in raw]


async def _cursor_entry(redis: Redis, indexes: Sequence[str], cursor: str) -> _Entry | None:
    async with redis.pipeline(transaction=False) as pipe:
        for index in indexes:
            pipe.zscore(index, cursor)
        scores = await pipe.execute()
    for score in scores:
        if score is not None:
            return (float(score), cursor)
    return None


async def paginate(
    redis: Redis, indexes: Sequence[str], request: PageRequest, load: Loader[T]
) -> Page[T]:
    """One page of the items in ``indexes`` (merged, deduplicated) that ``load`` returns.

    ``load`` maps a chunk of ids to items, returning None for ids to skip (filtered out or
    gone). Raises :class:`CursorNotFound` (400) when the cursor is not in any index.
    """
    cursor = request.after or request.before
    bound: _Entry | None = None
    if cursor is not None:
        bound = await _cursor_entry(redis, indexes, cursor)
        if bound is None:
            raise cursor_not_found(request)
    descending = request.before is None
    walks = [_IndexWalk(redis, i, descending=descending, bound=bound) for i in indexes]
    ids, items = await _collect(walks, descending, request.size + 1, load)
    return page_of(request, ids, items)


def cursor_not_found(request: PageRequest) -> CursorNotFound:
    """The 400 for a cursor that names no item of the listed indexes."""
    name = "page[after]" if request.after else "page[before]"
    return CursorNotFound(f"{name} names no item of this list.", meta={"parameter": name})


def page_of(request: PageRequest, ids: list[str], items: list[T]) -> Page[T]:
    """The page ``request`` asks for, from up to ``size + 1`` items walked away from its cursor
    (newest first, or oldest first for ``page[before]``): one item more means more lie beyond."""
    more = len(ids) > request.size
    ids, items = ids[: request.size], items[: request.size]
    if request.before is None:
        return Page(items, ids, has_next=more, has_prev=request.after is not None)
    ids.reverse()
    items.reverse()
    return Page(items, ids, has_next=True, has_prev=more)


async def _collect(
    walks: list[_IndexWalk], descending: bool, wanted: int, load: Loader[T]
) -> tuple[list[str], list[T]]:
    ids: list[str] = []
    items: list[T] = []
    seen: set[str] = set()
    while len(ids) < wanted:
        chunk: list[str] = []
        while len(chunk) < max(wanted - len(ids), 1) * 2 and len(chunk) < CHUNK:
            entry = await _next_entry(walks, descending)
            if entry is None:
                break
            if entry[1] not in seen:
                seen.add(entry[1])
                chunk.append(entry[1])
        if not chunk:
            break
        for item_id, item in zip(chunk, await load(chunk), strict=True):
            if item is not None and len(ids) < wanted:
                ids.append(item_id)
                items.append(item)
    return ids, items


async def _next_entry(walks: list[_IndexWalk], descending: bool) -> _Entry | None:
    best: tuple[_Entry, _IndexWalk] | None = None
    for walk in walks:
        head = await walk.head()
        if head is None:
            continue
        if best is None or (head > best[0] if descending else head < best[0]):
            best = (head, walk)
    if best is None:
        return None
    best[1].pop()
    return best[0]
