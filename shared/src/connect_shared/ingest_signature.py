"""The ``Connect-Ingest-Signature`` header of ``connect.source-events`` (contract section 3).

A source system signs each message value with one of its organization's ingest keys::

    Connect-Ingest-Signature: k=<key id>,t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<v>")>

where ``<v>`` is the raw message value. The timestamp is inside the signed bytes, so a captured
message cannot be re-dated; the consumer refuses timestamps outside a window around the time
the broker stored the message.
Producers use :func:`sign_headers`; the issuer parses with :func:`parse_signature` and compares
with :func:`signature_matches` (constant time).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

HEADER = "Connect-Ingest-Signature"
KEY_ID_PREFIX = "ink_"
SECRET_PREFIX = "inksec_"
TOLERANCE_SECONDS = 300  # "older than 5 minutes" (and as far into the future) is refused

_KEY_ID = re.compile(r"^ink_[A-Za-z0-9]{1,64}$")
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_HEX_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_HEADER_BYTES = 512


class MalformedSignature(ValueError):
    """The header is there but cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class IngestSignature:
    """A parsed header: which key, when, and the HMAC the producer computed."""

    key_id: str
    timestamp: int
    digest: str


def compute(secret: str, timestamp: int, value: bytes) -> str:
    """Hex HMAC-SHA256 of ``"<timestamp>.<value>"`` under ``secret``."""
    signed = str(timestamp).encode() + b"." + value
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header_value(key_id: str, secret: str, value: bytes, now: datetime | int) -> str:
    """The header value signing ``value`` at ``now`` (a datetime or unix seconds)."""
    timestamp = now if isinstance(now, int) else int(now.timestamp())
    return f"k={key_id},t={timestamp},v1={compute(secret, timestamp, value)}"


def sign_headers(
    key_id: str, secret: str, value: bytes, now: datetime | int
) -> list[tuple[str, bytes]]:
    """Kafka headers for a ``connect.source-events`` message: pass them to ``send(...,
    headers=...)`` together with exactly these ``value`` bytes."""
    return [(HEADER, header_value(key_id, secret, value, now).encode())]


def parse_signature(raw: bytes) -> IngestSignature:
    """Read a header value; raises :class:`MalformedSignature` naming what is wrong."""
    if len(raw) > _MAX_HEADER_BYTES:
        raise MalformedSignature("longer than 512 bytes")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise MalformedSignature("not ASCII") from None
    parts: dict[str, str] = {}
    for item in text.split(","):
        name, sep, value = item.strip().partition("=")
        if not sep or name not in ("k", "t", "v1"):
            raise MalformedSignature(f"unexpected part {item.strip()[:20]!r}")
        if name in parts:
            raise MalformedSignature(f"{name} given twice")
        parts[name] = value
    missing = [name for name in ("k", "t", "v1") if name not in parts]
    if missing:
        raise MalformedSignature(f"missing {', '.join(missing)}")
    if not _KEY_ID.match(parts["k"]):
        raise MalformedSignature("k is not an ingest key id (ink_...)")
    if not _TIMESTAMP.match(parts["t"]):
        raise MalformedSignature("t is not unix seconds")
    if not _HEX_SHA256.match(parts["v1"]):
        raise MalformedSignature("v1 is not a lower-case hex HMAC-SHA256")
    return IngestSignature(parts["k"], int(parts["t"]), parts["v1"])


def signature_matches(secret: str, signature: IngestSignature, value: bytes) -> bool:
    """True when ``signature`` is the HMAC of ``value`` under ``secret`` (constant time)."""
    expected = compute(secret, signature.timestamp, value)
    return hmac.compare_digest(expected.encode(), signature.digest.encode())
