"""``include``: related resources in ``included``, resolved by the service that owns them.

A service registers a resolver (``app[INCLUDE_RESOLVER]``) that loads resource identifiers
for the caller, leaving out what the caller may not see. Which relationships may be named is
declared per resource type; naming another is 400 with ``meta.parameter``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from connect_shared.errors import BadRequest

Identifier = tuple[str, str]
IncludeResolver = Callable[[web.Request, list[Identifier]], Awaitable[list[dict[str, Any]]]]
INCLUDE_RESOLVER: web.AppKey[IncludeResolver] = web.AppKey("connect.include_resolver")

INCLUDABLE: dict[str, frozenset[str]] = {
    "connect/share-token": frozenset({"connection", "source", "destination", "creator"}),
    "connect/connection": frozenset({"creator"}),
}


# The resource type each collection route answers with.
_ROUTE_TYPES = {
    "/api/v1/connect/share-tokens": "connect/share-token",
    "/api/v1/connect/connections": "connect/connection",
}


def route_type(path: str) -> str | None:
    """The resource type the route at ``path`` answers with, where ``include`` applies."""
    for prefix, type_ in _ROUTE_TYPES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return type_
    return None


def parse_include(path: str, value: str | None) -> list[str]:
    """The relationship names of ``include=a,b`` (empty when absent), checked against what the
    route's resources may include before anything runs (400 naming ``include``)."""
    if value is None or not value.strip():
        return []
    names = [part.strip() for part in value.split(",")]
    allowed = INCLUDABLE.get(route_type(path) or "", frozenset())
    for name in names:
        if name not in allowed:
            raise BadRequest(
                f"include: {name!r} cannot be included here "
                f"(allowed: {', '.join(sorted(allowed)) or 'none'}).",
                meta={"parameter": "include"},
            )
    return names


def _resources(doc: dict[str, Any]) -> list[dict[str, Any]]:
    data = doc.get("data")
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict)]


def wanted_identifiers(doc: dict[str, Any], names: list[str]) -> list[Identifier]:
    """The identifiers the named relationships of ``doc``'s resources point at (each once, in
    order)."""
    found: dict[Identifier, None] = {}
    for res in _resources(doc):
        for name in names:
            data = res.get("relationships", {}).get(name, {}).get("data")
            if isinstance(data, dict):
                found[(str(data["type"]), str(data["id"]))] = None
    return list(found)


async def with_included(
    request: web.Request, doc: dict[str, Any], names: list[str]
) -> dict[str, Any]:
    """``doc`` with ``included`` holding the resources its named relationships point at."""
    identifiers = wanted_identifiers(doc, names)
    resolver = request.app.get(INCLUDE_RESOLVER)
    included = await resolver(request, identifiers) if resolver and identifiers else []
    return {**doc, "included": included}
