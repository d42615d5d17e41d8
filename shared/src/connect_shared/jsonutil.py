"""Fast JSON encoding with orjson, shared so every service serialises the same way."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """Serialise ``value`` to compact UTF-8 JSON bytes."""
    return orjson.dumps(value)


def canonical(value: Any) -> bytes:
    """Serialise with sorted keys: the same object always gives the same bytes (for signing)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def loads(raw: bytes | str) -> Any:
    """Parse JSON bytes or text."""
    return orjson.loads(raw)
