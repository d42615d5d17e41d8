"""The issuer's ``include`` resolver: a share token's connection and source or destination
object, as the caller may see them (anything else is left out, never a 404)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connect_shared.domain_errors import DomainError
from connect_shared.http.keys import principal
from connect_shared.persona.include import INCLUDE_RESOLVER, Identifier
from connect_shared.views import CONNECTION_TYPE, connection_resource, source_object_resource
from issuer.bootstrap import ISSUER
from issuer.domain.source_objects import ACCOUNTS, INQUIRIES, TRANSACTIONS, VERIFICATIONS

_COLLECTIONS = (INQUIRIES, ACCOUNTS, TRANSACTIONS, VERIFICATIONS)


async def _one(request: web.Request, type_: str, id_: str) -> dict[str, Any] | None:
    issuer = request.app[ISSUER]
    org_id = principal(request).organization_id
    try:
        if type_ == CONNECTION_TYPE:
            return connection_resource(await issuer.connections.get(org_id, id_))
        for collection in _COLLECTIONS:
            if collection.owns(id_):
                return source_object_resource(await issuer.objects.get(collection, org_id, id_))
    except DomainError:
        return None  # not the caller's to see: simply not included
    return None


async def resolve(request: web.Request, identifiers: list[Identifier]) -> list[dict[str, Any]]:
    """The resources behind ``identifiers`` the caller may see, in order."""
    found = [await _one(request, type_, id_) for type_, id_ in identifiers]
    return [res for res in found if res is not None]


def register(app: web.Application) -> None:
    """Make this the app's ``include`` resolver."""
    app[INCLUDE_RESOLVER] = resolve
