"""Secrets that must stay usable (webhook signing secrets, ingest-key secrets) at rest: sealed
with AES-256-GCM before they reach ``connect.state`` and Redis, opened only in the memory of the
service that signs or verifies with them.

Signing and verifying HMACs need the secret itself (unlike API keys, which are only ever
compared as hashes), so it cannot be hashed; sealing keeps it out of Kafka and Redis dumps and
backups. Each use seals with its own key and its own associated data, so a value sealed for one
purpose never opens as another.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Annotated

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import AfterValidator, SecretStr

SEALED_PREFIX = "sealed:v1:"
# Binds a sealed value to its use, so it cannot be replayed as another kind of sealed data.
WEBHOOK_SECRET_PURPOSE = b"connect/webhook-secret"
INGEST_SECRET_PURPOSE = b"connect/ingest-key-secret"
# Answers kept in the Idempotency-Key replay cache (a new webhook is answered with its secret).
REPLAY_PURPOSE = b"connect/idempotency-replay"
_NONCE_BYTES = 12
KEY_BYTES = 32

# Development only (public): the notifier's NOTIFIER_SECRETS_KEY default.
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


def _checked_key(value: SecretStr) -> SecretStr:
    decode_key(value.get_secret_value())
    return value


# A setting holding a sealing key: refused at start-up unless it is 32 bytes of base64.
SealingKey = Annotated[SecretStr, AfterValidator(_checked_key)]


class SecretBox:
    """Seals and opens secrets with one AES-256-GCM key, bound to one ``purpose``."""

    def __init__(self, key: bytes, purpose: bytes = WEBHOOK_SECRET_PURPOSE) -> None:
        self._aead = AESGCM(key)
        self._purpose = purpose

    def seal(self, plain: str) -> str:
        """``sealed:v1:<base64(nonce | ciphertext+tag)>``; a fresh nonce every time."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode(), self._purpose)
        return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str) -> str:
        """The plain secret. Values written before sealing existed pass through unchanged;
        a tampered or foreign-key value raises ``cryptography.exceptions.InvalidTag``."""
        if not stored.startswith(SEALED_PREFIX):
            return stored
        raw = base64.urlsafe_b64decode(stored[len(SEALED_PREFIX) :])
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        return self._aead.decrypt(nonce, sealed, self._purpose).decode()
