"""Rendering JSON:API answers of the issuer's routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from connect_shared.http.responses import json_response
from connect_shared.jsonapi import document
from connect_shared.pagination import Page, page_links

T = TypeVar("T")


def one(resource: dict[str, Any], status: int = 200) -> web.Response:
    """A single-resource document."""
    return json_response(document(resource), status=status)


def many(
    request: web.Request, page: Page[T], render: Callable[[T], dict[str, Any]]
) -> web.Response:
    """A list document with ``links.prev`` / ``links.next`` (null at either end)."""
    links = page_links(request.path, request.query, page)
    return json_response(document([render(item) for item in page.items], links=links))
