"""``/api/v1/connect/connections`` routes (contract section 2.1)."""

from __future__ import annotations

from aiohttp import web

from connect_shared.http.keys import principal
from connect_shared.http.responses import read_document
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import parse_page_request
from connect_shared.views import connection_resource
from issuer.adapters.http import render
from issuer.adapters.http.queries import CONNECTION_LIST, connection_filter, parameters
from issuer.adapters.http.requests import CreateConnection, NoAttributes, UpdateConnection
from issuer.bootstrap import ISSUER

BASE = "/api/v1/connect/connections"


async def create(request: web.Request) -> web.Response:
    """``POST /connect/connections``: 201, ``pending``."""
    attributes, _ = await read_document(request)
    body = parse_attributes(CreateConnection, attributes)
    org_id = principal(request).organization_id
    connection = await request.app[ISSUER].connections.create(
        org_id, body.destination_organization_id
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


async def accept(request: web.Request) -> web.Response:
    """``POST /connect/connections/{id}/accept`` (destination)."""
    parse_attributes(NoAttributes, (await read_document(request))[0])
    connection = await request.app[ISSUER].connections.accept(
        principal(request).organization_id, request.match_info["id"]
    )
    return render.one(connection_resource(connection))


async def deactivate(request: web.Request) -> web.Response:
    """``POST /connect/connections/{id}/deactivate`` (either side)."""
    parse_attributes(NoAttributes, (await read_document(request))[0])
    connection = await request.app[ISSUER].connections.deactivate(
        principal(request).organization_id, request.match_info["id"]
    )
    return render.one(connection_resource(connection))


async def reactivate(request: web.Request) -> web.Response:
    """``POST /connect/connections/{id}/reactivate`` (source)."""
    parse_attributes(NoAttributes, (await read_document(request))[0])
    connection = await request.app[ISSUER].connections.reactivate(
        principal(request).organization_id, request.match_info["id"]
    )
    return render.one(connection_resource(connection))


async def listing(request: web.Request) -> web.Response:
    """``GET /connect/connections``: both sides' connections, newest first."""
    query = parameters(request, CONNECTION_LIST)
    page = await request.app[ISSUER].connections.listing(
        principal(request).organization_id,
        connection_filter(query),
        parse_page_request(query),
    )
    return render.many(request, page, connection_resource)


def add_routes(app: web.Application) -> None:
    """Register the connection routes."""
    app.router.add_post(BASE, create)
    app.router.add_get(BASE, listing)
    app.router.add_get(BASE + "/{id}", retrieve)
    app.router.add_patch(BASE + "/{id}", update)
    app.router.add_post(BASE + "/{id}/accept", accept)
    app.router.add_post(BASE + "/{id}/deactivate", deactivate)
    app.router.add_post(BASE + "/{id}/reactivate", reactivate)
