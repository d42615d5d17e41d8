"""Query parameters of the list and read routes (400 naming the parameter when invalid)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, get_args

from connect_shared.errors import BadRequest
from connect_shared.records import ConnectionStatus, TokenStatus
from issuer.usecases.connections import ConnectionFilter
from issuer.usecases.share_tokens import Direction, TokenFilter

ChoiceT = TypeVar("ChoiceT", bound=str)


def _choice(query: Mapping[str, str], name: str, choices: tuple[ChoiceT, ...]) -> ChoiceT | None:
    value = query.get(name)
    if value is None:
        return None
    for choice in choices:
        if value == choice:
            return choice
    raise BadRequest(f"{name} must be one of {', '.join(choices)}.", meta={"parameter": name})


def token_filter(query: Mapping[str, str]) -> TokenFilter:
    """``filter[status]``, ``filter[direction]``, ``filter[connection-id]``."""
    statuses: tuple[TokenStatus, ...] = get_args(TokenStatus)
    directions: tuple[Direction, ...] = get_args(Direction)
    return TokenFilter(
        status=_choice(query, "filter[status]", statuses),
        direction=_choice(query, "filter[direction]", directions),
        connection_id=query.get("filter[connection-id]"),
    )


def connection_filter(query: Mapping[str, str]) -> ConnectionFilter:
    """``filter[status]``, ``filter[destination-organization-id]``."""
    statuses: tuple[ConnectionStatus, ...] = get_args(ConnectionStatus)
    return ConnectionFilter(
        status=_choice(query, "filter[status]", statuses),
        destination_organization_id=query.get("filter[destination-organization-id]"),
    )


def flag(query: Mapping[str, str], name: str) -> bool:
    """A boolean parameter: ``true`` / ``false`` (absent is false)."""
    value = query.get(name, "false")
    if value not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false.", meta={"parameter": name})
    return value == "true"
