"""Signed provenance: a compact JWS (RFC 7515) with Ed25519 (``alg`` ``Ed25519``, RFC 9864).

What is signed is exactly what the redemption copied from the source, as the destination
organization reads it (``data`` of ``GET /<collection>/{id}``, default kebab-case keys), with
``attributes.provenance.attestation`` removed, serialised canonically (UTF-8, keys sorted, no
whitespace: :func:`connect_shared.jsonutil.canonical`). ``attributes.provenance`` names the
source and the destination organization and the ``present-fields``.

* A **clone** made the whole object, so the payload is the whole resource object.
* A **hydrate** wrote only some fields into an object the destination already had, so the
  payload is :func:`hydrate_statement`: ``type``, ``id``, the copied ``fields`` only and the
  ``provenance``. The destination's own earlier fields and attributes are not signed as if
  they came from the source.

The JWS payload is those bytes, so a verifier can both check the signature against the JWKS
and compare the payload with the object it read (a clone: equal; a hydrate: each signed member
and field equals the one read). The header is ``{"alg": "Ed25519", "kid": <RFC 7638
thumbprint>, "typ": "connect-provenance+jws"}``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from connect_shared import jsonutil

ALGORITHM = "Ed25519"
TYPE = "connect-provenance+jws"


def b64url(raw: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Inverse of :func:`b64url`."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _public_x(public_key: Ed25519PublicKey) -> str:
    return b64url(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def key_id(public_key: Ed25519PublicKey) -> str:
    """The JWK thumbprint (RFC 7638, SHA-256) of the key: stable, derived, never reused."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": _public_x(public_key)}
    return b64url(hashlib.sha256(jsonutil.canonical(members)).digest())


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The public key as a JWK for ``/.well-known/jwks.json``."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _public_x(public_key),
        "kid": key_id(public_key),
        "alg": ALGORITHM,
        "use": "sig",
    }


def signed_payload(resource_object: dict[str, Any]) -> bytes:
    """The bytes an attestation signs: the resource object minus the attestation itself."""
    unsigned = copy.deepcopy(resource_object)
    provenance = unsigned.get("attributes", {}).get("provenance")
    if isinstance(provenance, dict):
        provenance.pop("attestation", None)
    return jsonutil.canonical(unsigned)


def hydrate_statement(resource_object: dict[str, Any], copied: Collection[str]) -> dict[str, Any]:
    """What a hydrate attests of the object it filled: its ``type`` and ``id``, the fields
    named in ``copied`` (as the object holds them now) and its ``provenance``; nothing of the
    destination's own fields or attributes."""
    attributes = resource_object.get("attributes", {})
    fields = attributes.get("fields", {})
    return {
        "type": resource_object["type"],
        "id": resource_object["id"],
        "attributes": {
            "fields": {name: fields[name] for name in copied},
            "provenance": attributes.get("provenance"),
        },
    }


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key and its id."""

    private_key: Ed25519PrivateKey

    @property
    def kid(self) -> str:
        """The key id named in every JWS header it signs."""
        return key_id(self.private_key.public_key())

    def sign(self, payload: bytes) -> str:
        """A compact JWS over ``payload``."""
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": TYPE}
        signing_input = f"{b64url(jsonutil.canonical(header))}.{b64url(payload)}"
        signature = self.private_key.sign(signing_input.encode("ascii"))
        return f"{signing_input}.{b64url(signature)}"


def verify(token: str, public_keys: dict[str, Ed25519PublicKey]) -> bytes:
    """Check a compact JWS against keys by id; returns the payload or raises ``ValueError``."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = jsonutil.loads(b64url_decode(header_b64))
        key = public_keys[header["kid"]]
        if header.get("alg") not in (ALGORITHM, "EdDSA"):
            raise ValueError("unexpected alg")
        key.verify(b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"))
    except (InvalidSignature, KeyError, TypeError) as exc:
        raise ValueError("attestation does not verify") from exc
    return b64url_decode(payload_b64)
