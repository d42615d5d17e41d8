"""``/api/v1/webhooks/{id}/deliveries`` (the attempt log) and ``.../events/{event-id}/resend``."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from connect_shared.http.query import bad_parameter, id_parameter, query_parameters
from connect_shared.http.responses import json_response
from connect_shared.jsonapi import document, resource
from connect_shared.pagination import parse_page_size
from notifier.adapters.http.webhooks import BASE, _cases, _notifier, _owned
from notifier.adapters.stores.attempt_log import is_cursor
from notifier.adapters.views import attempt_resource

DEFAULT_PAGE = 50
MAX_PAGE = 100
PARAMETERS = ("page[size]", "page[after]", "filter[event-id]")


def _cursor(query: Mapping[str, str]) -> str | None:
    raw = query.get("page[after]")
    if raw is not None and not is_cursor(raw):
        raise bad_parameter("page[after]", "page[after] is not a cursor of this list.")
    return raw


async def list_attempts(request: web.Request) -> web.Response:
    """The attempt log, newest first; ``filter[event-id]``, ``page[size]``, ``page[after]``."""
    query = query_parameters(request.query, PARAMETERS)
    webhook = await _owned(request)
    size = parse_page_size(query, default=DEFAULT_PAGE, maximum=MAX_PAGE)
    after = _cursor(query)
    event_id = id_parameter(query, "filter[event-id]", "evt_")
    page = await _notifier(request).attempts.page(webhook.id, size, after, event_id)
    links: dict[str, str | None] = {"next": None}
    if page.next_cursor is not None:
        next_query = f"page[size]={size}&page[after]={page.next_cursor}"
        if event_id:
            next_query += f"&filter[event-id]={event_id}"
        links["next"] = f"{BASE}/{webhook.id}/deliveries?{next_query}"
    data = [attempt_resource(webhook.id, cursor, entry) for cursor, entry in page.entries]
    return json_response(document(data, links=links))


async def resend_event(request: web.Request) -> web.Response:
    """202: the event is delivered again from attempt 1 (same event id, same bytes); 422 for
    an event the webhook is not subscribed to."""
    webhook = await _owned(request)
    event_id = request.match_info["event_id"]
    delivery_id = await _cases(request).resend(webhook, event_id)
    attributes = {"event-id": event_id, "webhook-id": webhook.id, "status": "scheduled"}
    return json_response(
        document(resource("webhook-delivery", delivery_id, attributes)), status=202
    )


def add_routes(app: web.Application) -> None:
    """Register the attempt-log and resend routes."""
    app.router.add_get(BASE + "/{id}/deliveries", list_attempts)
    app.router.add_post(BASE + "/{id}/events/{event_id}/resend", resend_event)
