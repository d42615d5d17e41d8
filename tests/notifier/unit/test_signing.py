"""Signatures exactly as contract 2.4 describes them, checked against independent verifiers."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from notifier.domain.signing import (
    new_secret,
    persona_signature,
    signature_headers,
    standard_signature,
)

pytestmark = pytest.mark.unit

# Computed independently with openssl:
#   printf '%s' '1700000000.{"data":{"id":"evt_test"}}' \
#     | openssl dgst -sha256 -hmac 'wbhsec_testsecret' -hex
PERSONA_VECTOR = "22a547d45f0848c1986658009bf4146ae036f5f8368d7fe80500298031d64500"
# The Standard Webhooks specification's own example (also reproduced with openssl).
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STANDARD_VECTOR = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def persona_verifies(header: str, secret: str, body: bytes) -> bool:
    """An independent verifier, as a subscriber would write it."""
    for pair in header.split(" "):
        fields = dict(part.split("=", 1) for part in pair.split(","))
        expected = hmac.new(
            secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        if hmac.compare_digest(expected, fields["v1"]):
            return True
    return False


def test_persona_signature_matches_the_known_answer() -> None:
    body = b'{"data":{"id":"evt_test"}}'
    header = persona_signature(["wbhsec_testsecret"], 1700000000, body)
    assert header == f"t=1700000000,v1={PERSONA_VECTOR}"


def test_standard_webhooks_signature_matches_the_specification_example() -> None:
    body = b'{"test": 2432232314}'
    signature = standard_signature(
        [STANDARD_SECRET], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body
    )
    assert signature == STANDARD_VECTOR


def test_standard_webhooks_reference_library_verifies_our_headers() -> None:
    secret = new_secret("standard-webhooks")
    assert secret.startswith("whsec_")
    body = b'{"data":{"type":"event","id":"evt_abc"}}'
    now = int(datetime.now(UTC).timestamp())
    headers = signature_headers("standard-webhooks", [secret], "evt_abc", now, body)
    assert headers["webhook-id"] == "evt_abc"
    Webhook(secret).verify(body, headers)


def test_during_a_rotation_both_secrets_verify_in_both_formats() -> None:
    body = b'{"data":{"id":"evt_rot"}}'
    now = int(datetime.now(UTC).timestamp())
    new, old = new_secret("persona"), new_secret("persona")
    header = signature_headers("persona", [new, old], "evt_rot", now, body)["Persona-Signature"]
    assert len(header.split(" ")) == 2
    assert persona_verifies(header, new, body) and persona_verifies(header, old, body)
    assert not persona_verifies(header, new_secret("persona"), body)
    new, old = new_secret("standard-webhooks"), new_secret("standard-webhooks")
    headers = signature_headers("standard-webhooks", [new, old], "evt_rot", now, body)
    Webhook(new).verify(body, headers)
    Webhook(old).verify(body, headers)


def test_persona_secrets_have_the_documented_prefix() -> None:
    assert new_secret("persona").startswith("wbhsec_")
    assert new_secret("persona") != new_secret("persona")
