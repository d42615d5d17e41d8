"""Cursor pages (contract 2.3): a page of typed items and its ``links``; iterating follows
``links.next`` until the list ends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from connect_sdk.transport import Transport

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page, newest first; ``next`` / ``prev`` are the links to the neighbouring pages."""

    items: list[T]
    next: str | None
    prev: str | None
    document: dict[str, Any]


def page_params(
    filters: Mapping[str, str | None],
    size: int | None = None,
    after: str | None = None,
    before: str | None = None,
) -> dict[str, str]:
    """Query parameters: ``filter[<name>]`` for each given filter, then the page cursor."""
    params = {f"filter[{k}]": v for k, v in filters.items() if v is not None}
    for name, value in (("page[size]", size), ("page[after]", after), ("page[before]", before)):
        if value is not None:
            params[name] = str(value)
    return params


async def fetch_page(
    transport: Transport, model: type[T], path: str, params: Mapping[str, str] | None = None
) -> Page[T]:
    """GET one page of ``path`` (or of a ``links`` URL, which carries its own query)."""
    reply = await transport.request("GET", path, params=params)
    document: dict[str, Any] = reply.body
    links = document.get("links") or {}
    return Page(
        [model.model_validate(item) for item in document.get("data", [])],
        links.get("next"),
        links.get("prev"),
        document,
    )


async def iterate(
    transport: Transport, model: type[T], path: str, params: Mapping[str, str] | None = None
) -> AsyncIterator[T]:
    """Every item of the list, page after page (older items come later)."""
    page = await fetch_page(transport, model, path, params)
    while True:
        for item in page.items:
            yield item
        if page.next is None:
            return
        page = await fetch_page(transport, model, page.next)
