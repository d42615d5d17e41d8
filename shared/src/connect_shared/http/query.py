"""Query parameters of the list routes: every one is known, given once and well-formed, or the
answer is 400 with ``meta.parameter`` naming it (contract section 2)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

from multidict import MultiMapping

from connect_shared.errors import BadRequest

ChoiceT = TypeVar("ChoiceT", bound=str)

MAX_VALUE_LENGTH = 200


def bad_parameter(name: str, details: str) -> BadRequest:
    """The 400 for a query parameter: ``meta.parameter`` names it."""
    return BadRequest(details, meta={"parameter": name})


def query_parameters(query: MultiMapping[str], allowed: Iterable[str]) -> dict[str, str]:
    """The parameters of ``query`` as a plain mapping, after checking that each one is in
    ``allowed``, appears once and is at most :data:`MAX_VALUE_LENGTH` characters long."""
    known = frozenset(allowed)
    checked: dict[str, str] = {}
    for name, value in query.items():
        if name not in known:
            accepted = ", ".join(sorted(known)) or "none"
            raise bad_parameter(
                name, f"Unknown query parameter {name!r} (this route accepts: {accepted})."
            )
        if name in checked:
            raise bad_parameter(name, f"{name} is given more than once.")
        if len(value) > MAX_VALUE_LENGTH:
            raise bad_parameter(name, f"{name} is longer than {MAX_VALUE_LENGTH} characters.")
        checked[name] = value
    return checked


def choice(query: Mapping[str, str], name: str, choices: tuple[ChoiceT, ...]) -> ChoiceT | None:
    """The value of ``name`` if it is one of ``choices`` (None when absent); 400 otherwise."""
    value = query.get(name)
    if value is None:
        return None
    for option in choices:
        if value == option:
            return option
    raise bad_parameter(name, f"{name} must be one of {', '.join(choices)}.")


def id_parameter(query: Mapping[str, str], name: str, prefix: str) -> str | None:
    """The value of ``name`` if it is an id with ``prefix`` (None when absent); 400 otherwise.

    A well-formed id that names nothing simply matches nothing."""
    value = query.get(name)
    if value is None:
        return None
    if re.fullmatch(rf"{re.escape(prefix)}[A-Za-z0-9]{{1,100}}", value) is None:
        raise bad_parameter(name, f"{name} must be an id starting with {prefix}.")
    return value


def flag(query: Mapping[str, str], name: str) -> bool:
    """A boolean parameter: ``true`` / ``false`` (absent is false)."""
    value = query.get(name, "false")
    if value not in ("true", "false"):
        raise bad_parameter(name, f"{name} must be true or false.")
    return value == "true"
