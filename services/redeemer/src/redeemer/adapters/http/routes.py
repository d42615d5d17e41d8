"""Inbound HTTP adapter: ``POST /api/v1/connect/share-tokens/{id}/redeem`` and the JWKS."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from connect_shared.clock import epoch_ms, utcnow
from connect_shared.http.idempotency import request_identity
from connect_shared.http.keys import principal
from connect_shared.http.responses import json_response, read_document
from connect_shared.jsonapi import document
from connect_shared.views import share_token_resource
from redeemer.adapters.http.requests import parse_redeem
from redeemer.bootstrap import REDEEMER

REDEEM_PATH = "/api/v1/connect/share-tokens/{token_id}/redeem"
JWKS_PATH = "/.well-known/jwks.json"


async def redeem(request: web.Request) -> web.Response:
    """202 with the token in ``pending``; the copy is made asynchronously."""
    caller = principal(request)
    attributes, meta = await read_document(request)
    command = replace(parse_redeem(attributes, meta), request_key=request_identity(request))
    service = request.app[REDEEMER].redeem_service
    token = await service.redeem(caller.organization_id, request.match_info["token_id"], command)
    body = document(share_token_resource(token, caller.organization_id, epoch_ms(utcnow())))
    return json_response(body, status=202)


async def jwks(request: web.Request) -> web.Response:
    """The public keys that verify provenance attestations (no auth)."""
    keys = request.app[REDEEMER].keyring.current.jwks()
    return json_response(keys, headers={"Cache-Control": "public, max-age=300"})


def add_routes(app: web.Application) -> None:
    """Register the redeemer's routes."""
    app.router.add_post(REDEEM_PATH, redeem)
    app.router.add_get(JWKS_PATH, jwks)
