"""Helpers of the issuer's pages: the wired use cases and organization names."""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from connect_shared.runtime import RUNTIME
from issuer.bootstrap import ISSUER, Issuer


def issuer(request: web.Request) -> Issuer:
    """The issuer's use cases (the dashboard is a sub-app: read through ``config_dict``)."""
    return request.config_dict[ISSUER]


async def organization_names(request: web.Request, org_ids: Iterable[str]) -> dict[str, str]:
    """``{org id: name}`` for the organizations on a page, one round trip."""
    ids = list(dict.fromkeys(org_ids))
    bodies = await request.config_dict[RUNTIME].store.get_many(ids)
    return {i: str(b.get("name", i)) for i, b in zip(ids, bodies, strict=True) if b}
