"""``POST /webhooks/{id}/archive | enable | disable | clone`` (Persona's webhook actions)."""

from __future__ import annotations

from aiohttp import web

from connect_shared.clock import utcnow
from connect_shared.errors import Conflict
from connect_shared.http.idempotency import holds_secret
from connect_shared.http.responses import json_response, read_document
from connect_shared.jsonapi import document, parse_attributes
from notifier.adapters.api_webhooks import BASE, _check_url, _notifier, _owned_at, _reserve_room
from notifier.adapters.http.requests import NoAttributes
from notifier.adapters.views import webhook_resource
from notifier.domain.webhooks import WebhookRecord, archive, cloned, set_status


async def _empty_body(request: web.Request) -> None:
    parse_attributes(NoAttributes, (await read_document(request))[0])


async def _change(request: web.Request, webhook: WebhookRecord, version: int) -> web.Response:
    await _notifier(request).webhooks.change(webhook, version)
    return json_response(document(webhook_resource(webhook)))


async def enable_webhook(request: web.Request) -> web.Response:
    """Enable (a no-op when enabled); the failure streak is forgotten. 409 when archived."""
    read = await _owned_at(request)
    await _empty_body(request)
    webhook = read.value
    if webhook.archived:
        raise Conflict("An archived webhook cannot be enabled.", meta={"status": "archived"})
    if webhook.status == "enabled":
        return json_response(document(webhook_resource(webhook)))
    response = await _change(request, set_status(webhook, "enabled", utcnow()), read.version)
    await _notifier(request).queue.reset_health(webhook.id)
    return response


async def disable_webhook(request: web.Request) -> web.Response:
    """Disable (a no-op when disabled): nothing is delivered until it is enabled again."""
    read = await _owned_at(request)
    await _empty_body(request)
    if read.value.status == "disabled":
        return json_response(document(webhook_resource(read.value)))
    return await _change(request, set_status(read.value, "disabled", utcnow()), read.version)


async def archive_webhook(request: web.Request) -> web.Response:
    """Archive for good (a no-op when archived): it delivers nothing and cannot be enabled."""
    read = await _owned_at(request)
    await _empty_body(request)
    if read.value.archived:
        return json_response(document(webhook_resource(read.value)))
    return await _change(request, archive(read.value, utcnow()), read.version)


async def clone_webhook(request: web.Request) -> web.Response:
    """201: a new webhook with the same settings and its own secret (shown this once)."""
    holds_secret(request)
    notifier = _notifier(request)
    source = (await _owned_at(request)).value
    await _empty_body(request)
    await _check_url(notifier, source.url)
    copy = cloned(source, utcnow())
    await _reserve_room(notifier, copy.organization_id, copy.id)
    try:
        await notifier.webhooks.create(copy)
    finally:
        await notifier.webhooks.release(copy.organization_id, copy.id)
    return json_response(
        document(webhook_resource(copy, secret=copy.secrets[0].value)),
        status=201,
        headers={"Location": f"{BASE}/{copy.id}"},
    )


def add_routes(app: web.Application) -> None:
    """Register the webhook actions."""
    item = BASE + "/{id}"
    app.router.add_routes(
        [
            web.post(f"{item}/enable", enable_webhook),
            web.post(f"{item}/disable", disable_webhook),
            web.post(f"{item}/archive", archive_webhook),
            web.post(f"{item}/clone", clone_webhook),
        ]
    )
