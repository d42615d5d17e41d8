"""``/api/v1/events`` (contract 2.6): the caller's own events of the retention window, newest
first, and one event by id. Another organization's event is 404."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from connect_shared.errors import NotFound, Unavailable
from connect_shared.events import EVENT_NAMES
from connect_shared.http.keys import principal
from connect_shared.http.query import bad_parameter, query_parameters
from connect_shared.http.responses import json_response
from connect_shared.ids import has_prefix
from connect_shared.jsonapi import document
from connect_shared.pagination import PAGE_PARAMETERS, page_links, parse_page_request
from notifier.adapters.stores.event_view import StoredEvent
from notifier.events_bootstrap import EVENTS, EventsFeed

BASE = "/api/v1/events"
EVENT_LIST = ("filter[name]", "filter[object-id]", *PAGE_PARAMETERS)
# Object ids of every kind: a lower-case prefix and a base62 suffix.
_OBJECT_ID = re.compile(r"[a-z]{1,10}_[A-Za-z0-9]{1,100}")


async def _feed(request: web.Request) -> EventsFeed:
    feed = request.app[EVENTS]
    if not await feed.guardian.ready():
        raise Unavailable("The events view is being rebuilt; try again shortly.")
    return feed


def event_resource(stored: StoredEvent) -> dict[str, Any]:
    """The event as its ``data`` member reads on ``connect.events`` and in webhooks."""
    wire: dict[str, Any] = stored.event.to_wire()["data"]
    return wire


def _filters(query: Mapping[str, str]) -> tuple[str | None, str | None]:
    name, object_id = query.get("filter[name]"), query.get("filter[object-id]")
    if name is not None and name not in EVENT_NAMES:
        raise bad_parameter("filter[name]", "filter[name] must be an event name (contract 4).")
    if object_id is not None and _OBJECT_ID.fullmatch(object_id) is None:
        raise bad_parameter("filter[object-id]", "filter[object-id] must be an object id.")
    return name, object_id


async def list_events(request: web.Request) -> web.Response:
    """The caller's events, newest first; ``filter[name]``, ``filter[object-id]`` (the
    payload object's id) and cursor pagination."""
    query = query_parameters(request.query, EVENT_LIST)
    name, object_id = _filters(query)
    page_request = parse_page_request(query)
    feed = await _feed(request)
    org_id = principal(request).organization_id
    page = await feed.view.page(org_id, page_request, name=name, object_id=object_id)
    links = page_links(request.path, request.query, page)
    return json_response(document([event_resource(e) for e in page.items], links=links))


async def get_event(request: web.Request) -> web.Response:
    """One event of the caller's organization (404 for unknown, expired or another's)."""
    query_parameters(request.query, ())
    event_id = request.match_info["id"]
    if not has_prefix(event_id, "evt_"):
        raise NotFound("No such event.")
    feed = await _feed(request)
    found = await feed.view.get(principal(request).organization_id, event_id)
    if found is None:
        raise NotFound("No such event.")
    return json_response(document(event_resource(found)))


def add_routes(app: web.Application) -> None:
    """Register the two read routes."""
    app.add_routes([web.get(BASE, list_events), web.get(BASE + "/{id}", get_event)])
