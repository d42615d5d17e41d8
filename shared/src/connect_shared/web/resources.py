"""The URL layout every dashboard resource follows; a service only marks its handlers.

``/<noun>`` lists (GET) and creates (POST); ``/<noun>/new`` is an optional form page;
``/<noun>/{id}`` shows one; sub-pages are GETs and actions are POSTs below the detail URL::

    pages = ResourcePages("webhooks")

    @pages.listing
    async def listing(request: web.Request) -> web.Response: ...

    @pages.action("rotate-secret")
    async def rotate(request: web.Request) -> web.Response: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

from connect_shared.web.pages import Handler

H = TypeVar("H", bound=Handler)


class ResourcePages:
    """The handlers of one resource's pages, registered on the sub-app by :meth:`add_to`."""

    def __init__(self, noun: str) -> None:
        self._base = f"/{noun}"
        self._collection: list[tuple[str, str, Handler]] = []
        self._new: Handler | None = None
        self._member: list[tuple[str, str, Handler]] = []

    def listing(self, handler: H) -> H:
        """Mark the ``GET /<noun>`` handler."""
        self._collection.append(("GET", self._base, handler))
        return handler

    def create(self, handler: H) -> H:
        """Mark the ``POST /<noun>`` handler."""
        self._collection.append(("POST", self._base, handler))
        return handler

    def new(self, handler: H) -> H:
        """Mark the ``GET /<noun>/new`` form page."""
        self._new = handler
        return handler

    def detail(self, handler: H) -> H:
        """Mark the ``GET /<noun>/{id}`` handler."""
        self._member.insert(0, ("GET", f"{self._base}/{{id}}", handler))
        return handler

    def page(self, path: str) -> Callable[[H], H]:
        """Mark a ``GET /<noun>/{id}/<path>`` handler (``path`` in aiohttp route syntax)."""
        return self._below("GET", path)

    def action(self, path: str) -> Callable[[H], H]:
        """Mark a ``POST /<noun>/{id}/<path>`` handler (``path`` in aiohttp route syntax)."""
        return self._below("POST", path)

    def _below(self, method: str, path: str) -> Callable[[H], H]:
        def mark(handler: H) -> H:
            self._member.append((method, f"{self._base}/{{id}}/{path}", handler))
            return handler

        return mark

    def add_to(self, sub: web.Application) -> None:
        """Register every marked handler on the dashboard sub-app."""
        routes = list(self._collection)
        # Before the member routes: ``new`` would otherwise be taken for an id.
        if self._new is not None:
            routes.append(("GET", f"{self._base}/new", self._new))
        for method, path, handler in [*routes, *self._member]:
            # ``add_get`` also answers HEAD, as every dashboard page always has.
            add = sub.router.add_get if method == "GET" else sub.router.add_post
            add(path, handler)
