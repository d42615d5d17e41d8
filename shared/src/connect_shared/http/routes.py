"""The route table of a JSON:API collection: every collection of every service answers the
same paths with the same methods, so they are registered in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def collection_routes(
    base: str,
    *,
    create: Handler,
    listing: Handler,
    retrieve: Handler,
    update: Handler | None = None,
    delete: Handler | None = None,
    actions: Mapping[str, Handler] | None = None,
) -> list[web.RouteDef]:
    """``POST base`` (create), ``GET base`` (list), ``GET`` / ``PATCH`` / ``DELETE
    base/{id}`` and ``POST base/{id}/<name>`` for each of ``actions``."""
    item = base + "/{id}"
    routes = [web.post(base, create), web.get(base, listing), web.get(item, retrieve)]
    if update is not None:
        routes.append(web.patch(item, update))
    if delete is not None:
        routes.append(web.delete(item, delete))
    routes += [web.post(f"{item}/{name}", handler) for name, handler in (actions or {}).items()]
    return routes
