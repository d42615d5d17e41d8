"""Key inflection of the member names the contract defines, and only of those.

Responses are kebab-case unless the ``Key-Inflection`` header asks for ``camel`` or ``snake``;
request member names may come in any of the three and are normalised to kebab-case. User data
is data (contract section 2): the value of a member that holds it (:data:`USER_DATA_MEMBERS`,
e.g. ``fields``) is passed through exactly as sent, keys and all, in both directions.
"""

from __future__ import annotations

import re
from typing import Any, Literal

Inflection = Literal["kebab", "camel", "snake"]
INFLECTIONS: tuple[Inflection, ...] = ("kebab", "camel", "snake")

USER_DATA_MEMBERS = frozenset(
    {
        "fields",  # an object's end-user data
        "sharing-settings",  # keys are field names
        "source-data",  # a peek: field names to values or presence
        "present-fields",  # provenance: field names
        "filter",  # a workflow trigger's filter
        "payload-filter",  # a webhook's filter: member names of the event payload
    }
)
"""Members (by their kebab-case name) whose value is user data: never inflected inside."""

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])([A-Z])")


class DuplicateMember(ValueError):
    """Two member names of one object mean the same after normalisation (``a_b`` and ``a-b``).

    ``pointer`` is the JSON pointer of the member (in kebab-case).
    """

    def __init__(self, pointer: str) -> None:
        super().__init__(f"member '{pointer}' is given twice in different inflections")
        self.pointer = pointer


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
    """Rewrite the contract's member names in ``value`` from kebab-case to ``style``.

    The values of :data:`USER_DATA_MEMBERS` are returned untouched (the same objects).
    """
    if style == "kebab":
        return value
    if isinstance(value, dict):
        return {
            _from_kebab(k, style): v if k in USER_DATA_MEMBERS else inflect_keys(v, style)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [inflect_keys(item, style) for item in value]
    return value


def kebab_keys(value: Any, pointer: str = "") -> Any:
    """Normalise the contract's member names in ``value`` (a request body) to kebab-case.

    The values of :data:`USER_DATA_MEMBERS` are kept exactly as sent. Raises
    :class:`DuplicateMember` when two names of one object normalise to the same member
    (``reference_id`` and ``reference-id``), instead of silently dropping one value.
    """
    if isinstance(value, dict):
        normalised: dict[str, Any] = {}
        for key, item in value.items():
            name = to_kebab(key)
            where = f"{pointer}/{name.replace('~', '~0').replace('/', '~1')}"
            if name in normalised:
                raise DuplicateMember(where)
            normalised[name] = item if name in USER_DATA_MEMBERS else kebab_keys(item, where)
        return normalised
    if isinstance(value, list):
        return [kebab_keys(item, f"{pointer}/{index}") for index, item in enumerate(value)]
    return value
