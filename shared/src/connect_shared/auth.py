"""API keys: random secrets shown once, stored only as SHA-256, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from connect_shared.records import api_key_lookup
from connect_shared.redis_replies import as_text

KEY_PREFIX = "connect_key_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the API key and its organization."""

    api_key_id: str
    organization_id: str


def generate_secret() -> str:
    """A new API key secret (256 bits of randomness)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a secret. Keys are high-entropy, so a fast hash is the right tool."""
    return hashlib.sha256(secret.encode()).hexdigest()


def bearer_secret(authorization: str | None) -> str | None:
    """The secret from an ``Authorization: Bearer <key>`` header, or None."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if not hmac.compare_digest(scheme.lower().encode(), b"bearer") or not value.strip():
        return None
    return value.strip()


def lookup_key_for(secret: str) -> str:
    """The Redis lookup key under which the owner of ``secret`` is stored."""
    return api_key_lookup(hash_secret(secret))


def principal_from_lookup(value: bytes | str | None) -> Principal | None:
    """Decode the lookup value (``"<key id> <org id>"``) written with the key."""
    if value is None:
        return None
    text = as_text(value)
    key_id, _, org_id = text.partition(" ")
    if not key_id or not org_id:
        return None
    return Principal(api_key_id=key_id, organization_id=org_id)
