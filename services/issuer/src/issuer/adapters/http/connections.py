"""``/api/v1/connect/connections`` routes (contract section 2.1)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from connect_shared.http.keys import principal
from connect_shared.http.responses import read_document
from connect_shared.http.routes import collection_routes
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import parse_page_request
from connect_shared.persona.middleware import in_persona_mode
from connect_shared.records import ConnectionRecord
from connect_shared.views import connection_resource
from issuer.adapters.http import render
from issuer.adapters.http.queries import CONNECTION_LIST, connection_filter, parameters
from issuer.adapters.http.requests import CreateConnection, NoAttributes, UpdateConnection
from issuer.bootstrap import ISSUER
from issuer.usecases.connections import ConnectionUseCases

BASE = "/api/v1/connect/connections"
Handler = Callable[[web.Request], Awaitable[web.Response]]


async def create(request: web.Request) -> web.Response:
    """``POST /connect/connections``: 201, ``pending``."""
    attributes, _ = await read_document(request)
    body = parse_attributes(CreateConnection, attributes)
    caller = principal(request)
    connection = await request.app[ISSUER].connections.create(
        caller.organization_id, body.destination_organization_id, creator_id=caller.api_key_id
    )
    return render.one(connection_resource(connection), status=201)


async def retrieve(request: web.Request) -> web.Response:
    """``GET /connect/connections/{id}`` (either side)."""
    connection = await request.app[ISSUER].connections.get(
        principal(request).organization_id, request.match_info["id"]
    )
    return render.one(connection_resource(connection))


async def update(request: web.Request) -> web.Response:
    """``PATCH /connect/connections/{id}``: the source sets ``sharing-settings``."""
    use_cases = request.app[ISSUER].connections
    org_id = principal(request).organization_id
    await use_cases.get(org_id, request.match_info["id"])  # 404 before looking at the body
    attributes, _ = await read_document(request)
    body = parse_attributes(UpdateConnection, attributes)
    connection = await use_cases.update_sharing(
        org_id, request.match_info["id"], dict(body.sharing_settings)
    )
    return render.one(connection_resource(connection))


Transition = Callable[[ConnectionUseCases, str, str], Awaitable[ConnectionRecord]]


def _transition(change: Transition) -> Handler:
    """A ``POST /connect/connections/{id}/<action>`` handler: an empty body, then ``change``
    for the caller's organization (the use case checks which side may do it)."""

    async def handler(request: web.Request) -> web.Response:
        parse_attributes(NoAttributes, (await read_document(request))[0])
        connection = await change(
            request.app[ISSUER].connections,
            principal(request).organization_id,
            request.match_info["id"],
        )
        return render.one(connection_resource(connection))

    return handler


accept = _transition(ConnectionUseCases.accept)  # destination
deactivate = _transition(ConnectionUseCases.deactivate)  # either side
reactivate = _transition(ConnectionUseCases.reactivate)  # source


async def listing(request: web.Request) -> web.Response:
    """``GET /connect/connections``: both sides' connections, newest first."""
    query = parameters(request, CONNECTION_LIST)
    page = await request.app[ISSUER].connections.listing(
        principal(request).organization_id,
        connection_filter(query),
        parse_page_request(query, capped=in_persona_mode(request)),
    )
    return render.many(request, page, connection_resource)


def add_routes(app: web.Application) -> None:
    """Register the connection routes."""
    app.router.add_routes(
        collection_routes(
            BASE,
            create=create,
            listing=listing,
            retrieve=retrieve,
            update=update,
            actions={"accept": accept, "deactivate": deactivate, "reactivate": reactivate},
        )
    )
