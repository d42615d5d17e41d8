"""Provenance attestations: compact JWS with Ed25519, verifiable with a JOSE library."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from connect_shared import jsonutil
from redeemer.domain.attestation import (
    SigningKey,
    b64url,
    b64url_decode,
    public_jwk,
    signed_payload,
    verify,
)

pytestmark = pytest.mark.unit

RESOURCE = {
    "type": "inquiry",
    "id": "inq_copy",
    "attributes": {
        "fields": {"name-first": "Zoë", "age": 3.5},
        "provenance": {"share-token-id": "cnst_1", "attestation": "x.y.z"},
    },
}


def jwks(key: SigningKey) -> KeySet:
    key_set: Any = {"keys": [public_jwk(key.private_key.public_key())]}
    return KeySet.import_key_set(key_set)


def test_signed_payload_is_canonical_and_excludes_the_attestation() -> None:
    payload = signed_payload(RESOURCE)
    assert b"attestation" not in payload
    assert payload == jsonutil.canonical(jsonutil.loads(payload))
    assert RESOURCE["attributes"]["provenance"]["attestation"] == "x.y.z"  # type: ignore[index]


def test_jws_verifies_with_joserfc_against_the_jwks() -> None:
    key = SigningKey(Ed25519PrivateKey.generate())
    token = key.sign(signed_payload(RESOURCE))
    keys = jwks(key)
    result = jws.deserialize_compact(token, keys, algorithms=["Ed25519"])
    assert result.protected["kid"] == key.kid
    assert result.protected["alg"] == "Ed25519"
    assert result.payload == signed_payload(RESOURCE)


def test_one_changed_byte_breaks_verification() -> None:
    key = SigningKey(Ed25519PrivateKey.generate())
    token = key.sign(signed_payload(RESOURCE))
    header, payload, signature = token.split(".")
    raw = bytearray(b64url_decode(payload))
    raw[10] ^= 0x01
    tampered = f"{header}.{b64url(bytes(raw))}.{signature}"
    keys = jwks(key)
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(tampered, keys, algorithms=["Ed25519"])
    with pytest.raises(ValueError):
        verify(tampered, {key.kid: key.private_key.public_key()})
    assert verify(token, {key.kid: key.private_key.public_key()}) == signed_payload(RESOURCE)


def test_a_key_that_did_not_sign_does_not_verify() -> None:
    signer = SigningKey(Ed25519PrivateKey.generate())
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ValueError):
        verify(signer.sign(b"{}"), {signer.kid: other})


def test_jwk_is_an_okp_signing_key() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    jwk = public_jwk(public)
    assert jwk["kty"] == "OKP"
    assert jwk["crv"] == "Ed25519"
    assert jwk["use"] == "sig"
    assert jwk["alg"] == "Ed25519"
    assert len(b64url_decode(jwk["x"])) == 32
