"""``/api/v1/webhooks``: create, list, read, update, delete, rotate the secret."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from pydantic import ValidationError

from connect_shared.clock import iso
from connect_shared.errors import Unprocessable
from connect_shared.http.idempotency import holds_secret
from connect_shared.http.keys import principal
from connect_shared.http.query import query_parameters
from connect_shared.http.responses import json_response, read_document
from connect_shared.http.routes import collection_routes
from connect_shared.jsonapi import document, parse_attributes
from connect_shared.persona.middleware import api_version_of
from notifier.adapters.http.requests import RotateMeta, WebhookCreate, WebhookUpdate
from notifier.adapters.http.webhook_settings import description_of
from notifier.adapters.views import webhook_resource
from notifier.bootstrap import NOTIFIER, Notifier
from notifier.domain.webhooks import WebhookRecord
from notifier.usecases.webhooks import WebhookChanges, WebhookUseCases

BASE = "/api/v1/webhooks"


def _notifier(request: web.Request) -> Notifier:
    return request.app[NOTIFIER]


def _cases(request: web.Request) -> WebhookUseCases:
    return request.app[NOTIFIER].cases


async def _owned(request: web.Request) -> WebhookRecord:
    """The caller's webhook (404 otherwise)."""
    org_id = principal(request).organization_id
    return await _cases(request).get(org_id, request.match_info["id"])


async def create_webhook(request: web.Request) -> web.Response:
    """201 with the webhook and, this once, its secret."""
    holds_secret(request)
    attributes, _ = await read_document(request)
    body = parse_attributes(WebhookCreate, attributes)
    webhook = await _cases(request).create(
        principal(request).organization_id,
        body.url,
        body.enabled_events,
        body.signature_format,
        status=body.status,
        cap=_notifier(request).settings.max_webhooks_per_organization,
        description=description_of(body),
        # Persona's rule: a webhook speaks the API version of the request that made it.
        api_version=api_version_of(request),
    )
    return json_response(
        document(webhook_resource(webhook, secret=webhook.secrets[0].value)),
        status=201,
        headers={"Location": f"{BASE}/{webhook.id}"},
    )


async def list_webhooks(request: web.Request) -> web.Response:
    """Every webhook of the caller's organization, newest first (the list is short and whole:
    it takes no query parameters)."""
    query_parameters(request.query, ())
    webhooks = await _cases(request).listing(principal(request).organization_id)
    # The list is whole: one page, so both links are null.
    links = {"prev": None, "next": None}
    return json_response(document([webhook_resource(w) for w in webhooks], links=links))


async def get_webhook(request: web.Request) -> web.Response:
    """One webhook (never its secret)."""
    return json_response(document(webhook_resource(await _owned(request))))


async def update_webhook(request: web.Request) -> web.Response:
    """Change url, enabled-events, status, name, description, api-version,
    api-key-inflection or payload-filter; enabling forgets the failure streak. 409 when the
    webhook is archived and the change enables it, or when another change won first."""
    await _owned(request)  # 404 before looking at the body
    attributes, _ = await read_document(request)
    body = parse_attributes(WebhookUpdate, attributes)
    changes = WebhookChanges(
        url=body.url,
        enabled_events=body.enabled_events,
        status=body.status,
        description=description_of(body),
    )
    updated = await _cases(request).update(
        principal(request).organization_id, request.match_info["id"], changes
    )
    return json_response(document(webhook_resource(updated)))


async def delete_webhook(request: web.Request) -> web.Response:
    """204 (a tombstone on ``connect.state``); its pending deliveries are dropped. 409 when
    another change of the webhook won first."""
    await _cases(request).delete(principal(request).organization_id, request.match_info["id"])
    return web.Response(status=204)


async def rotate_webhook_secret(request: web.Request) -> web.Response:
    """A new secret (shown this once); older ones keep signing for ``expires-in-seconds``."""
    holds_secret(request)
    await _owned(request)  # 404 before looking at the body
    attributes, meta = await read_document(request)
    if attributes:
        raise Unprocessable("rotate-secret takes no attributes.", pointer="/data/attributes")
    try:
        rotate = RotateMeta.model_validate(meta)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = "/".join(str(p) for p in first["loc"])
        raise Unprocessable(f"'{location}': {first['msg']}.", pointer=f"/meta/{location}") from exc
    rotated = await _cases(request).rotate_secret(
        principal(request).organization_id, request.match_info["id"], rotate.expires_in_seconds
    )
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
