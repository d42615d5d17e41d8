"""The URL layout of a dashboard resource (no I/O: the routes of an aiohttp sub-app)."""

from __future__ import annotations

import pytest
from aiohttp import web

from connect_shared.web.resources import ResourcePages

pytestmark = pytest.mark.unit


async def _page(request: web.Request) -> web.Response:
    return web.Response()


def _routes(pages: ResourcePages) -> list[tuple[str, str]]:
    sub = web.Application()
    pages.add_to(sub)
    return [(r.method, r.resource.canonical) for r in sub.router.routes() if r.resource]


def _without_head(routes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [route for route in routes if route[0] != "HEAD"]


def test_a_resource_lists_and_creates_at_its_noun_and_acts_below_its_id() -> None:
    pages = ResourcePages("things")
    pages.action("events/{event_id}/resend")(_page)
    pages.page("panel")(_page)
    pages.detail(_page)
    pages.create(_page)
    pages.listing(_page)
    assert _without_head(_routes(pages)) == [
        ("POST", "/things"),
        ("GET", "/things"),
        ("GET", "/things/{id}"),
        ("POST", "/things/{id}/events/{event_id}/resend"),
        ("GET", "/things/{id}/panel"),
    ]


def test_the_new_form_page_is_matched_before_the_detail_page() -> None:
    pages = ResourcePages("things")
    pages.detail(_page)
    pages.new(_page)
    routes = _routes(pages)
    assert routes.index(("GET", "/things/new")) < routes.index(("GET", "/things/{id}"))


def test_every_page_also_answers_head() -> None:
    pages = ResourcePages("things")
    pages.listing(_page)
    pages.page("panel")(_page)
    pages.action("delete")(_page)
    routes = _routes(pages)
    assert ("HEAD", "/things") in routes
    assert ("HEAD", "/things/{id}/panel") in routes
    assert ("HEAD", "/things/{id}/delete") not in routes


def test_marking_a_handler_returns_it_unchanged() -> None:
    pages = ResourcePages("things")
    assert pages.listing(_page) is _page
    assert pages.action("delete")(_page) is _page
