"""Key inflection: responses are kebab-case unless the ``Key-Inflection`` header asks otherwise."""

from __future__ import annotations

import re
from typing import Any, Literal

Inflection = Literal["kebab", "camel", "snake"]
INFLECTIONS: tuple[Inflection, ...] = ("kebab", "camel", "snake")

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])([A-Z])")


def to_kebab(key: str) -> str:
    """``nameFirst`` / ``name_first`` / ``name-first`` -> ``name-first``."""
    return _CAMEL_BOUNDARY.sub(r"-\1", key).replace("_", "-").lower()


def _from_kebab(key: str, style: Inflection) -> str:
    if style == "snake":
        return key.replace("-", "_")
    if style == "camel":
        head, *rest = key.split("-")
        return head + "".join(part[:1].upper() + part[1:] for part in rest)
    return key


def inflect_keys(value: Any, style: Inflection) -> Any:
    """Rewrite every object key in ``value`` (recursively) from kebab-case to ``style``."""
    if style == "kebab":
        return value
    if isinstance(value, dict):
        return {_from_kebab(k, style): inflect_keys(v, style) for k, v in value.items()}
    if isinstance(value, list):
        return [inflect_keys(item, style) for item in value]
    return value


def kebab_keys(value: Any) -> Any:
    """Rewrite every object key in ``value`` (recursively) to kebab-case (request bodies)."""
    if isinstance(value, dict):
        return {to_kebab(k): kebab_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [kebab_keys(item) for item in value]
    return value
