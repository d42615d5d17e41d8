"""Query parameters of the issuer's list and read routes: each route names the parameters it
accepts, and anything else (unknown, repeated, malformed) is 400 naming the parameter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from aiohttp import web

from connect_shared.http.query import choice, flag, id_parameter, query_parameters
from connect_shared.pagination import PAGE_PARAMETERS
from connect_shared.records import ConnectionStatus, TokenStatus
from issuer.usecases.connections import ConnectionFilter
from issuer.usecases.share_tokens import Direction, TokenFilter

__all__ = [
    "CONNECTION_LIST",
    "PAGED_LIST",
    "TOKEN_LIST",
    "TOKEN_READ",
    "connection_filter",
    "flag",
    "parameters",
    "token_filter",
]

PEEK = "peek-source-data"
TOKEN_LIST = ("filter[status]", "filter[direction]", "filter[connection-id]", *PAGE_PARAMETERS)
CONNECTION_LIST = ("filter[status]", "filter[destination-organization-id]", *PAGE_PARAMETERS)
PAGED_LIST = PAGE_PARAMETERS
TOKEN_READ = (PEEK,)


def parameters(request: web.Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The request's query parameters, each one of ``allowed`` and given once (else 400)."""
    return query_parameters(request.query, allowed)


def token_filter(query: Mapping[str, str]) -> TokenFilter:
    """``filter[status]``, ``filter[direction]``, ``filter[connection-id]``."""
    statuses: tuple[TokenStatus, ...] = get_args(TokenStatus)
    directions: tuple[Direction, ...] = get_args(Direction)
    return TokenFilter(
        status=choice(query, "filter[status]", statuses),
        direction=choice(query, "filter[direction]", directions),
        connection_id=id_parameter(query, "filter[connection-id]", "cxn_"),
    )


def connection_filter(query: Mapping[str, str]) -> ConnectionFilter:
    """``filter[status]``, ``filter[destination-organization-id]``."""
    statuses: tuple[ConnectionStatus, ...] = get_args(ConnectionStatus)
    return ConnectionFilter(
        status=choice(query, "filter[status]", statuses),
        destination_organization_id=id_parameter(
            query, "filter[destination-organization-id]", "org_"
        ),
    )
