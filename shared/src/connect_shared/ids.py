"""Identifiers: a type prefix plus an opaque base62 suffix (contract section 1)."""

from __future__ import annotations

import hashlib
import secrets

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SUFFIX_LENGTH = 24


def _base62(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return "".join(chars)


def new_id(prefix: str) -> str:
    """Return a fresh random id such as ``cnst_3kT...`` (24 base62 characters, ~142 bits)."""
    # One read of 256 random bits rather than a system call per character (secrets.choice);
    # reduced to 24 base62 digits, the bias of the remainder is below 2**-110.
    return prefix + _base62(int.from_bytes(secrets.token_bytes(32), "big"), SUFFIX_LENGTH)


def derived_id(prefix: str, *parts: str) -> str:
    """Return an id fixed by ``parts``: the same inputs always give the same id.

    Used where a retry must land on the same object or event (idempotent handlers).
    """
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return prefix + _base62(int.from_bytes(digest, "big"), SUFFIX_LENGTH)


def has_prefix(value: str, *prefixes: str) -> bool:
    """True when ``value`` is one of ``prefixes`` followed by a non-empty base62 suffix."""
    for prefix in prefixes:
        suffix = value[len(prefix) :]
        if value.startswith(prefix) and suffix and suffix.isascii() and suffix.isalnum():
            return True
    return False
