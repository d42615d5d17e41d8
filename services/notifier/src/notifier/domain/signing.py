"""Webhook signatures (contract 2.4), computed over the exact bytes sent.

* persona: ``Persona-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``, one
  space-separated pair per live secret (newest first) while a rotated secret is still live.
* standard-webhooks: ``webhook-id``, ``webhook-timestamp`` and
  ``webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<ts>.<body>")>`` where ``key`` is the
  base64-decoded part of ``whsec_<base64>``; several space-separated signatures likewise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Literal

SignatureFormat = Literal["persona", "standard-webhooks"]
PERSONA_PREFIX = "wbhsec_"
STANDARD_PREFIX = "whsec_"


def new_secret(signature_format: SignatureFormat) -> str:
    """A fresh signing secret in the format's own shape (256 bits of randomness)."""
    if signature_format == "standard-webhooks":
        return STANDARD_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    return PERSONA_PREFIX + secrets.token_urlsafe(32)


def persona_signature(live_secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    """The ``Persona-Signature`` header value for ``body`` sent at ``timestamp``."""
    signed = str(timestamp).encode() + b"." + body
    pairs = [
        f"t={timestamp},v1={hmac.new(s.encode(), signed, hashlib.sha256).hexdigest()}"
        for s in live_secrets
    ]
    return " ".join(pairs)


def standard_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret."""
    encoded = secret.removeprefix(STANDARD_PREFIX)
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("a standard-webhooks secret is whsec_ followed by base64") from exc


def standard_signature(
    live_secrets: Sequence[str], message_id: str, timestamp: int, body: bytes
) -> str:
    """The ``webhook-signature`` header value (Standard Webhooks v1, symmetric)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    signatures = [
        "v1,"
        + base64.b64encode(hmac.new(standard_key(s), signed, hashlib.sha256).digest()).decode()
        for s in live_secrets
    ]
    return " ".join(signatures)


def signature_headers(
    signature_format: str,
    live_secrets: Sequence[str],
    event_id: str,
    timestamp: int,
    body: bytes,
) -> dict[str, str]:
    """The signature headers of one attempt in the webhook's format."""
    if signature_format == "standard-webhooks":
        return {
            "webhook-id": event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": standard_signature(live_secrets, event_id, timestamp, body),
        }
    return {"Persona-Signature": persona_signature(live_secrets, timestamp, body)}
