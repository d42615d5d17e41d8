"""``/api/v1/connect/share-tokens`` routes (contract section 2.3); redeem is the redeemer's."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connect_shared.clock import epoch_ms, utcnow
from connect_shared.http.idempotency import request_identity
from connect_shared.http.keys import principal
from connect_shared.http.responses import read_document
from connect_shared.http.routes import collection_routes
from connect_shared.ids import derived_id
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import parse_page_request
from connect_shared.persona.middleware import in_persona_mode
from connect_shared.records import ShareTokenRecord
from connect_shared.sharing import PeekView
from connect_shared.views import share_token_resource
from issuer.adapters.http import render
from issuer.adapters.http.queries import (
    PEEK,
    TOKEN_LIST,
    TOKEN_READ,
    flag,
    parameters,
    token_filter,
)
from issuer.adapters.http.requests import CreateShareToken, NoAttributes
from issuer.bootstrap import ISSUER
from issuer.usecases.share_tokens import ShareTokenExists

BASE = "/api/v1/connect/share-tokens"


def _view(token: ShareTokenRecord, org_id: str) -> dict[str, Any]:
    return share_token_resource(token, org_id, epoch_ms(utcnow()))


async def create(request: web.Request) -> web.Response:
    """``POST /connect/share-tokens``: 201 once the token and both events are on Kafka."""
    attributes, _ = await read_document(request)
    body = parse_attributes(CreateShareToken, attributes)
    caller = principal(request)
    org_id = caller.organization_id
    tokens = request.app[ISSUER].tokens
    # With an Idempotency-Key the id is fixed by the request: a retry after the first run's
    # process died (its write landed, its answer was never kept) finds that token and answers
    # with it, instead of issuing a second one.
    identity = request_identity(request)
    token_id = derived_id("cnst_", "create", identity) if identity else None
    try:
        token = await tokens.create(
            org_id,
            body.connection_id,
            body.source_id,
            body.expires_in_seconds,
            token_id=token_id,
            creator_id=caller.api_key_id,
        )
    except ShareTokenExists:
        assert token_id is not None
        token = await tokens.get(org_id, token_id)
    return render.one(_view(token, org_id), status=201)


async def retrieve(request: web.Request) -> web.Response:
    """``GET /connect/share-tokens/{id}``, with ``?peek-source-data=true`` for the destination."""
    query = parameters(request, TOKEN_READ)
    tokens = request.app[ISSUER].tokens
    org_id = principal(request).organization_id
    token = await tokens.get(org_id, request.match_info["id"])
    resource = _view(token, org_id)
    if flag(query, PEEK):
        peeked = await tokens.peek(org_id, token)
        resource["attributes"]["source-data"] = dict(peeked)
        if isinstance(peeked, PeekView):
            # Which fields are full and which presence (a boolean alone cannot tell).
            resource["meta"] = {"source-data-visibility": dict(peeked.levels)}
    return render.one(resource)


async def expire(request: web.Request) -> web.Response:
    """``POST /connect/share-tokens/{id}/expire`` (source): ``created`` -> ``expired``."""
    parse_attributes(NoAttributes, (await read_document(request))[0])
    org_id = principal(request).organization_id
    token = await request.app[ISSUER].tokens.expire(org_id, request.match_info["id"])
    return render.one(_view(token, org_id))


async def listing(request: web.Request) -> web.Response:
    """``GET /connect/share-tokens``: filters, cursor pagination, newest first."""
    query = parameters(request, TOKEN_LIST)
    org_id = principal(request).organization_id
    page = await request.app[ISSUER].tokens.listing(
        org_id, token_filter(query), parse_page_request(query, capped=in_persona_mode(request))
    )
    now_ms = epoch_ms(utcnow())
    return render.many(request, page, lambda t: share_token_resource(t, org_id, now_ms))


def add_routes(app: web.Application) -> None:
    """Register the share-token routes."""
    app.router.add_routes(
        collection_routes(
            BASE, create=create, listing=listing, retrieve=retrieve, actions={"expire": expire}
        )
    )
