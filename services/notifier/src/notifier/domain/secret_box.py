"""Webhook signing secrets at rest: sealed with AES-256-GCM before they reach ``connect.state``
and Redis, opened only in the notifier's memory when it signs.

Signing needs the secret itself (unlike API keys, which are only ever compared as hashes), so
it cannot be hashed; sealing keeps it out of Kafka and Redis dumps and backups.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_PREFIX = "sealed:v1:"
# Binds a sealed value to its use, so it cannot be replayed as another kind of sealed data.
_ASSOCIATED_DATA = b"connect/webhook-secret"
_NONCE_BYTES = 12
KEY_BYTES = 32

# Development only: the production profile warns when it is still in use.
DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seS13ZWJob29rLXNlY3JldHM="


def decode_key(text: str) -> bytes:
    """The 32 raw key bytes of a base64 (standard or URL-safe) setting value."""
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    try:
        key = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    if len(key) != KEY_BYTES:
        raise ValueError(f"must decode to {KEY_BYTES} bytes, got {len(key)}")
    return key


class SecretBox:
    """Seals and opens secrets with one AES-256-GCM key.

    ``context`` (the associated data) binds sealed values to one use: a value sealed for one
    context does not open in another, so a sealed replay-cache entry can never pass for a
    webhook secret.
    """

    def __init__(self, key: bytes, context: bytes = _ASSOCIATED_DATA) -> None:
        self._aead = AESGCM(key)
        self._context = context

    def seal(self, plain: str) -> str:
        """``sealed:v1:<base64(nonce | ciphertext+tag)>``; a fresh nonce every time."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode(), self._context)
        return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str) -> str:
        """The plain secret. Values written before sealing existed pass through unchanged;
        a tampered or foreign-key value raises ``cryptography.exceptions.InvalidTag``."""
        if not stored.startswith(SEALED_PREFIX):
            return stored
        raw = base64.urlsafe_b64decode(stored[len(SEALED_PREFIX) :])
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        return self._aead.decrypt(nonce, sealed, self._context).decode()
