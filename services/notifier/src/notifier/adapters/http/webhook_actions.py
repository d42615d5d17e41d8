"""``POST /webhooks/{id}/archive | enable | disable | clone`` (Persona's webhook actions)."""

from __future__ import annotations

from aiohttp import web

from connect_shared.http.idempotency import holds_secret
from connect_shared.http.keys import principal
from connect_shared.http.responses import json_response, read_document
from connect_shared.jsonapi import document, parse_attributes
from notifier.adapters.http.requests import NoAttributes
from notifier.adapters.http.webhooks import BASE, _cases, _notifier, _owned
from notifier.adapters.views import webhook_resource


async def _empty_body(request: web.Request) -> None:
    await _owned(request)  # 404 before looking at the body
    parse_attributes(NoAttributes, (await read_document(request))[0])


def _target(request: web.Request) -> tuple[str, str]:
    return principal(request).organization_id, request.match_info["id"]


async def enable_webhook(request: web.Request) -> web.Response:
    """Enable (a no-op when enabled); the failure streak is forgotten. 409 when archived."""
    await _empty_body(request)
    webhook = await _cases(request).enable(*_target(request))
    return json_response(document(webhook_resource(webhook)))


async def disable_webhook(request: web.Request) -> web.Response:
    """Disable (a no-op when disabled): nothing is delivered until it is enabled again."""
    await _empty_body(request)
    webhook = await _cases(request).disable(*_target(request))
    return json_response(document(webhook_resource(webhook)))


async def archive_webhook(request: web.Request) -> web.Response:
    """Archive for good (a no-op when archived): it delivers nothing and cannot be enabled."""
    await _empty_body(request)
    webhook = await _cases(request).archive(*_target(request))
    return json_response(document(webhook_resource(webhook)))


async def clone_webhook(request: web.Request) -> web.Response:
    """201: a new webhook with the same settings and its own secret (shown this once)."""
    holds_secret(request)
    await _empty_body(request)
    cap = _notifier(request).settings.max_webhooks_per_organization
    copy = await _cases(request).clone(*_target(request), cap=cap)
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
