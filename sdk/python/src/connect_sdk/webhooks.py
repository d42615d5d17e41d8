"""Verifying webhook deliveries (contract 2.4), both signature formats the notifier sends:

* ``persona``: ``Persona-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``,
  several space-separated pairs while a rotated secret is still live;
* ``standard-webhooks``: ``webhook-id``, ``webhook-timestamp``,
  ``webhook-signature: v1,<base64 HMAC-SHA256(base64-decoded secret, "<id>.<ts>.<body>")>``,
  several space-separated signatures likewise.

Verify the exact bytes received, before parsing them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping

DEFAULT_TOLERANCE_SECONDS = 300
PERSONA_HEADER = "persona-signature"
STANDARD_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def verify_webhook(
    secret: str | Iterable[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when ``body`` was signed by the notifier with ``secret`` (or one of several
    secrets, e.g. both sides of a rotation) within ``tolerance_seconds`` of ``now``. The
    format is told by the headers (``Persona-Signature`` or ``webhook-signature``); any
    missing, malformed, stale or wrong signature is False, never an exception."""
    secrets = [secret] if isinstance(secret, str) else list(secret)
    lowered = {k.lower(): v for k, v in headers.items()}
    current = time.time() if now is None else now
    if PERSONA_HEADER in lowered:
        return _persona(secrets, lowered[PERSONA_HEADER], body, tolerance_seconds, current)
    if all(h in lowered for h in STANDARD_HEADERS):
        return _standard(secrets, lowered, body, tolerance_seconds, current)
    return False


def _fresh(timestamp: str, tolerance: int, now: float) -> bool:
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(now - int(timestamp)) <= tolerance


def _persona(secrets: list[str], header: str, body: bytes, tolerance: int, now: float) -> bool:
    for pair in header.split():
        fields = dict(part.split("=", 1) for part in pair.split(",") if "=" in part)
        timestamp, given = fields.get("t", ""), fields.get("v1", "")
        if not given or not _fresh(timestamp, tolerance, now):
            continue
        signed = timestamp.encode() + b"." + body
        for secret in secrets:
            expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, given):
                return True
    return False


def _standard_key(secret: str) -> bytes | None:
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _standard(
    secrets: list[str], headers: Mapping[str, str], body: bytes, tolerance: int, now: float
) -> bool:
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if not _fresh(timestamp, tolerance, now):
        return False
    signed = f"{message_id}.{timestamp}.".encode() + body
    given = [
        sig.split(",", 1)[1]
        for sig in headers["webhook-signature"].split()
        if sig.startswith("v1,")
    ]
    for secret in secrets:
        key = _standard_key(secret)
        if key is None:
            continue
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        if any(hmac.compare_digest(expected, g) for g in given):
            return True
    return False


def sign_persona(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The ``Persona-Signature`` header for ``body`` (what ``connect listen`` sends, and what
    a test of a receiver can use)."""
    t = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"Persona-Signature": f"t={t},v1={digest}"}
