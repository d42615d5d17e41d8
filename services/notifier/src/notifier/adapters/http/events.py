"""``/api/v1/events`` (contract 2.6): the caller's own events of the retention window, newest
first, and one event by id. Another organization's event is 404."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
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
from connect_shared.persona.middleware import in_persona_mode
from notifier.adapters.stores.event_view import StoredEvent
from notifier.events_bootstrap import EVENTS, EventsFeed

BASE = "/api/v1/events"
EVENT_LIST = ("filter[name]", "filter[object-id]", *PAGE_PARAMETERS)
# Persona documents comma-separated lists for these, and filter[id] too.
PERSONA_EVENT_LIST = (*EVENT_LIST, "filter[id]")
# Object ids of every kind: a lower-case prefix and a base62 suffix.
_OBJECT_ID = re.compile(r"[a-z]{1,10}_[A-Za-z0-9]{1,100}")
# A bound on the values of one list filter, so one request cannot fan out without limit.
MAX_FILTER_VALUES = 100


@dataclass(frozen=True)
class EventFilter:
    """What ``GET /events`` narrows by; an empty tuple does not narrow."""

    names: tuple[str, ...] = ()
    object_ids: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()


async def _feed(request: web.Request) -> EventsFeed:
    feed = request.app[EVENTS]
    if not await feed.guardian.ready():
        raise Unavailable("The events view is being rebuilt; try again shortly.")
    return feed


def event_resource(stored: StoredEvent) -> dict[str, Any]:
    """The event as its ``data`` member reads on ``connect.events`` and in webhooks."""
    wire: dict[str, Any] = stored.event.to_wire()["data"]
    return wire


def _values(query: Mapping[str, str], name: str, *, listed: bool) -> tuple[str, ...]:
    raw = query.get(name)
    if raw is None:
        return ()
    if not listed:
        return (raw,)
    values = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
    if not values or len(values) > MAX_FILTER_VALUES:
        raise bad_parameter(name, f"{name} must list 1 to {MAX_FILTER_VALUES} values.")
    return values


def _filters(query: Mapping[str, str], *, persona: bool) -> EventFilter:
    """Connect takes one value per filter; Persona mode takes comma-separated lists."""
    names = _values(query, "filter[name]", listed=persona)
    object_ids = _values(query, "filter[object-id]", listed=persona)
    ids = _values(query, "filter[id]", listed=persona)
    if any(n not in EVENT_NAMES for n in names):
        raise bad_parameter("filter[name]", "filter[name] must be an event name (contract 4).")
    if any(_OBJECT_ID.fullmatch(o) is None for o in object_ids):
        raise bad_parameter("filter[object-id]", "filter[object-id] must be an object id.")
    if any(not has_prefix(i, "evt_") or _OBJECT_ID.fullmatch(i) is None for i in ids):
        raise bad_parameter("filter[id]", "filter[id] must be an event id.")
    return EventFilter(names, object_ids, ids)


async def list_events(request: web.Request) -> web.Response:
    """The caller's events, newest first; ``filter[name]``, ``filter[object-id]`` (the
    payload object's id), in Persona mode also ``filter[id]``, each a comma-separated list
    there; and cursor pagination."""
    persona = in_persona_mode(request)
    query = query_parameters(request.query, PERSONA_EVENT_LIST if persona else EVENT_LIST)
    narrowed = _filters(query, persona=persona)
    page_request = parse_page_request(query, capped=persona)
    feed = await _feed(request)
    org_id = principal(request).organization_id
    page = await feed.view.page(
        org_id,
        page_request,
        names=narrowed.names,
        object_ids=narrowed.object_ids,
        ids=narrowed.ids,
    )
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
