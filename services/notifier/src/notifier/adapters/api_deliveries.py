"""``/api/v1/webhooks/{id}/deliveries`` (the attempt log) and ``.../events/{event-id}/resend``."""

from __future__ import annotations

from aiohttp import web

from connect_shared.errors import BadRequest
from connect_shared.http.responses import json_response
from connect_shared.jsonapi import document, resource
from notifier.adapters.api_webhooks import BASE, _notifier, _owned
from notifier.adapters.resending import resend
from notifier.adapters.views import attempt_resource

DEFAULT_PAGE = 50
MAX_PAGE = 100


def _page_size(request: web.Request) -> int:
    raw = request.query.get("page[size]", str(DEFAULT_PAGE))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest(
            f"page[size] must be an integer from 1 to {MAX_PAGE}.",
            meta={"parameter": "page[size]"},
        )
    return int(raw)


async def list_attempts(request: web.Request) -> web.Response:
    """The attempt log, newest first; ``filter[event-id]``, ``page[size]``, ``page[after]``."""
    webhook = await _owned(request)
    size = _page_size(request)
    after = request.query.get("page[after]") or None
    if after is not None and not all(part.isdigit() for part in after.split("-", 1)):
        raise BadRequest(
            "page[after] is not a cursor of this list.", meta={"parameter": "page[after]"}
        )
    event_id = request.query.get("filter[event-id]") or None
    page = await _notifier(request).attempts.page(webhook.id, size, after, event_id)
    links: dict[str, str | None] = {"next": None}
    if page.next_cursor is not None:
        query = f"page[size]={size}&page[after]={page.next_cursor}"
        if event_id:
            query += f"&filter[event-id]={event_id}"
        links["next"] = f"{BASE}/{webhook.id}/deliveries?{query}"
    data = [attempt_resource(webhook.id, cursor, entry) for cursor, entry in page.entries]
    return json_response(document(data, links=links))


async def resend_event(request: web.Request) -> web.Response:
    """202: the event is delivered again from attempt 1 (same event id, same bytes); 422 for
    an event the webhook is not subscribed to."""
    webhook = await _owned(request)
    event_id = request.match_info["event_id"]
    delivery_id = await resend(_notifier(request), webhook, event_id)
    attributes = {"event-id": event_id, "webhook-id": webhook.id, "status": "scheduled"}
    return json_response(
        document(resource("webhook-delivery", delivery_id, attributes)), status=202
    )


def add_routes(app: web.Application) -> None:
    """Register the attempt-log and resend routes."""
    app.router.add_get(BASE + "/{id}/deliveries", list_attempts)
    app.router.add_post(BASE + "/{id}/events/{event_id}/resend", resend_event)
