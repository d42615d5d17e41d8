"""JSON encoding shared by every service: orjson for speed, exact for integers of any size.

orjson keeps integers only within 64 bits: ``loads`` silently turns a larger one into a float
(a 30-digit number comes back rounded) and ``dumps`` refuses it. User data may hold any
integer (contract, "User data is data"), so :func:`loads` falls back to the standard library's
exact parser when the text holds a run of 19 or more digits (the shortest integer orjson can
lose), and :func:`dumps` writes such integers as pre-serialised fragments.

Untrusted input (request bodies, ``connect.source-events`` messages) goes through
:func:`loads_untrusted`, which also refuses documents nested deeper than :data:`MAX_DEPTH`
and integers longer than :data:`MAX_INTEGER_DIGITS` digits, naming where they are.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import orjson

MAX_DEPTH = 32
"""Containers (objects and arrays) a request document may nest, the outermost counting 1."""

MAX_INTEGER_DIGITS = 4300
"""Digits an integer may have (Python's own bound on converting digit strings, which keeps
the conversion cost linear-ish; a longer number is refused rather than rounded)."""

# Integers of up to 18 digits always fit orjson's 64-bit range; 19 and more may not. Every
# message a service reads is checked, so the check maps each digit to "0" and looks for 19
# zeros in a row: two passes in C, several times faster than a regex trying every digit.
_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0000000000")
_LONG_DIGIT_RUN = b"0" * 19
_INT_RANGE_ERROR = "Integer exceeds 64-bit range"


class JsonRejected(ValueError):
    """Well-formed JSON that is refused: too deep (``too_deep``) or an integer too long.

    ``pointer`` is the JSON pointer (RFC 6901) of the offending value within the document.
    """

    def __init__(self, reason: str, pointer: str, *, too_deep: bool) -> None:
        super().__init__(f"{reason} at '{pointer or '/'}'")
        self.reason = reason
        self.pointer = pointer
        self.too_deep = too_deep


class _LongInteger:
    """Stands in for an integer literal over :data:`MAX_INTEGER_DIGITS` digits while parsing."""

    __slots__ = ()


_LONG_INTEGER = _LongInteger()


def dumps(value: Any) -> bytes:
    """Serialise ``value`` to compact UTF-8 JSON bytes (integers of any size exactly)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError as exc:
        if str(exc) != _INT_RANGE_ERROR:
            raise
        return orjson.dumps(_fragments(value))


def canonical(value: Any) -> bytes:
    """Serialise with sorted keys: the same object always gives the same bytes (for signing)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:
        if str(exc) != _INT_RANGE_ERROR:
            raise
        return orjson.dumps(_fragments(value), option=orjson.OPT_SORT_KEYS)


def loads(raw: bytes | str) -> Any:
    """Parse JSON bytes or text; integers of any size come back exact.

    Raises :class:`ValueError` for anything that is not JSON.
    """
    if _has_long_digit_run(raw):
        # Maybe an integer orjson would round (or refuse, past 1e308): parse exactly.
        return _exact_loads(raw, int)
    return orjson.loads(raw)


def loads_untrusted(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse input from outside: like :func:`loads`, and refuse what must not be stored.

    Raises :class:`JsonRejected` (with the pointer of the value) when the document nests more
    than ``max_depth`` containers or holds an integer of more than :data:`MAX_INTEGER_DIGITS`
    digits, and :class:`ValueError` when it is not JSON at all.
    """
    deep_reason = f"nests deeper than {max_depth} levels"
    exact = _has_long_digit_run(raw)
    try:
        value = _exact_loads(raw, _exact_int) if exact else orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if str(exc).startswith("depth limit exceeded"):
            # orjson stops at 1024 levels: certainly deeper than any limit we allow.
            raise JsonRejected(deep_reason, "", too_deep=True) from exc
        raise
    except RecursionError as exc:  # the standard library's parser on a very deep document
        raise JsonRejected(deep_reason, "", too_deep=True) from exc
    if _may_exceed(raw, max_depth):
        pointer = _first_too_deep(value, max_depth)
        if pointer is not None:
            raise JsonRejected(deep_reason, pointer, too_deep=True)
    if exact:
        pointer = _first_long_integer(value)
        if pointer is not None:
            reason = f"holds an integer longer than {MAX_INTEGER_DIGITS} digits"
            raise JsonRejected(reason, pointer, too_deep=False)
        _check_storable(value)
    return value


def _exact_loads(raw: bytes | str, parse_int: Callable[[str], Any]) -> Any:
    # The standard library parses integers exactly; the hooks refuse what orjson refuses
    # (NaN, Infinity, numbers that overflow a double), so both paths accept the same JSON.
    return json.loads(
        raw, parse_int=parse_int, parse_float=_finite_float, parse_constant=_no_constant
    )


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"number {text[:20]}... is infinity when parsed as double")
    return number


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_storable(value: Any) -> None:
    # The standard library accepts lone surrogates ("\ud800") that orjson cannot write back:
    # refuse them here rather than fail when storing.
    try:
        orjson.dumps(_fragments(value))
    except orjson.JSONEncodeError as exc:
        raise ValueError(f"not storable as JSON: {exc}") from exc


def _has_long_digit_run(raw: bytes | str) -> bool:
    if isinstance(raw, str):
        # Only ASCII digits matter, and UTF-8 encodes no other character with those bytes.
        raw = raw.encode("utf-8", "surrogatepass")
    return _LONG_DIGIT_RUN in raw.translate(_DIGITS_AS_ZERO)


def _exact_int(digits: str) -> int | _LongInteger:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _LONG_INTEGER
    return int(digits)


def _may_exceed(raw: bytes | str, max_depth: int) -> bool:
    # Fewer opening brackets than the limit (strings included) cannot nest deeper: most
    # documents skip the walk.
    if isinstance(raw, str):
        return raw.count("{") + raw.count("[") > max_depth
    return raw.count(b"{") + raw.count(b"[") > max_depth


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _first_too_deep(value: Any, max_depth: int) -> str | None:
    """The pointer of the first container at depth ``max_depth + 1``, if there is one."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        node, pointer, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = ((_escape(k), v) for k, v in node.items())
        elif isinstance(node, list):
            children = ((str(i), v) for i, v in enumerate(node))
        else:
            continue
        if depth > max_depth:
            return pointer
        for name, child in children:
            if isinstance(child, dict | list):
                stack.append((child, f"{pointer}/{name}", depth + 1))
    return None


def _first_long_integer(value: Any) -> str | None:
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, pointer = stack.pop()
        if node is _LONG_INTEGER:
            return pointer
        if isinstance(node, dict):
            stack.extend((v, f"{pointer}/{_escape(k)}") for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
    return None


def _fragments(value: Any) -> Any:
    """``value`` with every integer beyond 64 bits replaced by its exact JSON text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -(2**63) <= value < 2**64:
            return value
        return orjson.Fragment(str(value).encode())
    if isinstance(value, dict):
        return {k: _fragments(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fragments(v) for v in value]
    return value
