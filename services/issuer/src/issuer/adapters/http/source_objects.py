"""``/api/v1/{inquiries,accounts,transactions,verifications}`` routes (contract section 2.2)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from connect_shared.http.keys import principal
from connect_shared.http.responses import read_document
from connect_shared.http.routes import collection_routes
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import parse_page_request
from connect_shared.views import source_object_resource
from issuer.adapters.http import render
from issuer.adapters.http.queries import PAGED_LIST, parameters
from issuer.adapters.http.requests import (
    CreateInquiry,
    CreateSourceObject,
    CreateVerification,
    NoAttributes,
)
from issuer.bootstrap import ISSUER
from issuer.domain.source_objects import COLLECTIONS, INQUIRIES, VERIFICATIONS, Collection

Handler = Callable[[web.Request], Awaitable[web.Response]]
CREATE_MODELS: dict[str, type[CreateSourceObject | CreateInquiry | CreateVerification]] = {
    INQUIRIES.name: CreateInquiry,
    VERIFICATIONS.name: CreateVerification,
}


def _create(collection: Collection) -> Handler:
    model = CREATE_MODELS.get(collection.name, CreateSourceObject)

    async def create(request: web.Request) -> web.Response:
        attributes, _ = await read_document(request)
        body = parse_attributes(model, attributes)
        obj = await request.app[ISSUER].objects.create(
            collection,
            principal(request).organization_id,
            status=body.status,
            reference_id=body.reference_id,
            fields=dict(body.fields),
            verification_ids=list(getattr(body, "verification_ids", [])),
            kind=getattr(body, "kind", None),
        )
        return render.one(source_object_resource(obj), status=201)

    return create


def _retrieve(collection: Collection) -> Handler:
    async def retrieve(request: web.Request) -> web.Response:
        obj = await request.app[ISSUER].objects.get(
            collection, principal(request).organization_id, request.match_info["id"]
        )
        return render.one(source_object_resource(obj))

    return retrieve


def _redact(collection: Collection) -> Handler:
    async def redact(request: web.Request) -> web.Response:
        parse_attributes(NoAttributes, (await read_document(request))[0])
        obj = await request.app[ISSUER].objects.redact(
            collection, principal(request).organization_id, request.match_info["id"]
        )
        return render.one(source_object_resource(obj))

    return redact


def _listing(collection: Collection) -> Handler:
    async def listing(request: web.Request) -> web.Response:
        query = parameters(request, PAGED_LIST)
        page = await request.app[ISSUER].objects.listing(
            collection, principal(request).organization_id, parse_page_request(query)
        )
        return render.many(request, page, source_object_resource)

    return listing


def add_routes(app: web.Application) -> None:
    """Register create / list / retrieve / redact for every collection."""
    for collection in COLLECTIONS:
        base = f"/api/v1/{collection.name}"
        routes = collection_routes(
            base,
            create=_create(collection),
            listing=_listing(collection),
            retrieve=_retrieve(collection),
            actions={"redact": _redact(collection)},
        )
        app.router.add_routes(routes)
