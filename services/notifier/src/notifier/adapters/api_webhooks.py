"""``/api/v1/webhooks``: create, list, read, update, delete, rotate the secret."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from pydantic import ValidationError

from connect_shared.clock import iso, utcnow
from connect_shared.errors import Conflict, NotFound, Unprocessable, attribute_pointer
from connect_shared.http.idempotency import holds_secret
from connect_shared.http.keys import principal
from connect_shared.http.query import query_parameters
from connect_shared.http.responses import json_response, read_document
from connect_shared.http.routes import collection_routes
from connect_shared.jsonapi import document, parse_attributes
from connect_shared.persona.middleware import api_version_of
from connect_shared.state import Versioned
from notifier.adapters.guard import registration_refusal
from notifier.adapters.http.requests import RotateMeta, WebhookCreate, WebhookUpdate
from notifier.adapters.views import webhook_resource
from notifier.adapters.webhook_settings import described
from notifier.bootstrap import NOTIFIER, Notifier
from notifier.domain.webhooks import WebhookRecord, new_webhook, rotate_secret, set_status

BASE = "/api/v1/webhooks"


def _notifier(request: web.Request) -> Notifier:
    return request.app[NOTIFIER]


async def _check_url(notifier: Notifier, url: str) -> None:
    refusal = await registration_refusal(notifier.address_policy, url)
    if refusal is not None:
        raise Unprocessable(f"'url': {refusal}.", pointer=attribute_pointer("url"))


async def _owned_at(request: web.Request) -> Versioned[WebhookRecord]:
    """The caller's webhook with the version a change of it is made against (404 otherwise)."""
    org_id = principal(request).organization_id
    found = await _notifier(request).webhooks.read_for(org_id, request.match_info["id"])
    if found is None:
        raise NotFound("No such webhook.")
    return found


async def _owned(request: web.Request) -> WebhookRecord:
    return (await _owned_at(request)).value


async def _reserve_room(notifier: Notifier, org_id: str, webhook_id: str) -> None:
    cap = notifier.settings.max_webhooks_per_organization
    if not await notifier.webhooks.reserve(org_id, webhook_id, cap):
        raise Unprocessable(
            f"An organization may have at most {cap} webhooks; delete one first.",
            pointer="/data",
            meta={"max-webhooks": cap},
        )


async def create_webhook(request: web.Request) -> web.Response:
    """201 with the webhook and, this once, its secret."""
    holds_secret(request)
    notifier = _notifier(request)
    attributes, _ = await read_document(request)
    body = parse_attributes(WebhookCreate, attributes)
    version = api_version_of(request)
    if version is not None and body.name is None:
        # Persona's create body requires a name; Connect's never did.
        raise Unprocessable("'name' is required.", pointer=attribute_pointer("name"))
    await _check_url(notifier, body.url)
    org_id = principal(request).organization_id
    webhook = new_webhook(org_id, body.url, body.enabled_events, body.signature_format, utcnow())
    # Persona's rule: a webhook speaks the API version of the request that made it.
    webhook = described(webhook, body, default_version=version)
    if body.status == "disabled":
        webhook = set_status(webhook, "disabled", utcnow())
    await _reserve_room(notifier, org_id, webhook.id)
    try:
        await notifier.webhooks.create(webhook)
    finally:
        await notifier.webhooks.release(org_id, webhook.id)
    return json_response(
        document(webhook_resource(webhook, secret=webhook.secrets[0].value)),
        status=201,
        headers={"Location": f"{BASE}/{webhook.id}"},
    )


async def list_webhooks(request: web.Request) -> web.Response:
    """Every webhook of the caller's organization, newest first (the list is short and whole:
    it takes no query parameters)."""
    query_parameters(request.query, ())
    org_id = principal(request).organization_id
    webhooks = await _notifier(request).webhooks.list_for(org_id)
    # The list is whole: one page, so both links are null.
    links = {"prev": None, "next": None}
    return json_response(document([webhook_resource(w) for w in webhooks], links=links))


async def get_webhook(request: web.Request) -> web.Response:
    """One webhook (never its secret)."""
    return json_response(document(webhook_resource(await _owned(request))))


async def update_webhook(request: web.Request) -> web.Response:
    """Change url, enabled-events or status; enabling forgets the failure streak. 409 when
    another change of the webhook won first."""
    notifier = _notifier(request)
    read = await _owned_at(request)
    webhook = read.value
    attributes, _ = await read_document(request)
    body = parse_attributes(WebhookUpdate, attributes)
    now = utcnow()
    changes: dict[str, object] = {}
    if body.url is not None and body.url != webhook.url:
        await _check_url(notifier, body.url)
        changes["url"] = body.url
    if body.enabled_events is not None:
        changes["enabled_events"] = tuple(dict.fromkeys(body.enabled_events))
    updated = webhook.model_copy(update=changes) if changes else webhook
    updated = described(updated, body)
    if body.status == "enabled" and webhook.archived:
        raise Conflict("An archived webhook cannot be enabled.", meta={"status": "archived"})
    if body.status is not None and body.status != webhook.status:
        updated = set_status(updated, body.status, now)
    if updated != webhook:
        updated = updated.model_copy(update={"updated_at": iso(now)})
        await notifier.webhooks.change(updated, read.version)
        if updated.status == "enabled" and webhook.status != "enabled":
            await notifier.queue.reset_health(webhook.id)
    return json_response(document(webhook_resource(updated)))


async def delete_webhook(request: web.Request) -> web.Response:
    """204 (a tombstone on ``connect.state``); its pending deliveries are dropped. 409 when
    another change of the webhook won first."""
    read = await _owned_at(request)
    await _notifier(request).webhooks.delete(read.value.id, read.version)
    return web.Response(status=204)


async def rotate_webhook_secret(request: web.Request) -> web.Response:
    """A new secret (shown this once); older ones keep signing for ``expires-in-seconds``."""
    holds_secret(request)
    notifier = _notifier(request)
    read = await _owned_at(request)
    attributes, meta = await read_document(request)
    if attributes:
        raise Unprocessable("rotate-secret takes no attributes.", pointer="/data/attributes")
    try:
        rotate = RotateMeta.model_validate(meta)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = "/".join(str(p) for p in first["loc"])
        raise Unprocessable(f"'{location}': {first['msg']}.", pointer=f"/meta/{location}") from exc
    rotated = rotate_secret(read.value, rotate.expires_in_seconds, utcnow())
    await notifier.webhooks.change(rotated, read.version)
    expiring = [s.expires_at_ms for s in rotated.secrets[1:] if s.expires_at_ms is not None]
    until = iso(datetime.fromtimestamp(max(expiring) / 1000, UTC)) if expiring else None
    return json_response(
        document(
            webhook_resource(rotated, secret=rotated.secrets[0].value),
            meta={"previous-secret-expires-at": until},
        )
    )


def add_routes(app: web.Application) -> None:
    """Register the webhook management routes."""
    app.router.add_routes(
        collection_routes(
            BASE,
            create=create_webhook,
            listing=list_webhooks,
            retrieve=get_webhook,
            update=update_webhook,
            delete=delete_webhook,
            actions={"rotate-secret": rotate_webhook_secret},
        )
    )
