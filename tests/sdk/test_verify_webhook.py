"""``connect_sdk.verify_webhook`` on real deliveries of the notifier: both signature formats,
several signatures while a rotated secret is live, a tampered body and a stale timestamp."""

from __future__ import annotations

import time
from typing import Any

import pytest

from connect_sdk import parse_event, verify_webhook
from tests.notifier.sink import Received, Sink
from tests.sdk.helpers import sdk

pytestmark = pytest.mark.e2e


async def _delivery(
    org: dict[str, Any], signature_format: str, rotate: bool = False
) -> tuple[Received, str, str | None]:
    """One real delivery to a sink: (what arrived, the current secret, the previous one)."""
    sink = await Sink().start()
    try:
        async with sdk(org["api-key"]) as connect:
            hook = await connect.webhooks.create(
                sink.url, ["inquiry.created"], signature_format=signature_format
            )
            secret, previous = str(hook.attributes.secret), None
            if rotate:
                rotated = await connect.webhooks.rotate_secret(hook.id, expires_in_seconds=600)
                secret, previous = str(rotated.attributes.secret), secret
            inquiry = await connect.inquiries.create({"a": 1})
            received = await sink.wait_for(lambda r: any(x.object_id == inquiry.id for x in r))
            return received[-1], secret, previous
    finally:
        await sink.stop()


@pytest.mark.parametrize("signature_format", ["persona", "standard-webhooks"])
async def test_a_real_delivery_verifies_and_a_tampered_body_or_wrong_secret_does_not(
    org_factory: Any, signature_format: str
) -> None:
    delivery, secret, _ = await _delivery(org_factory("sdk-verify"), signature_format)
    assert verify_webhook(secret, delivery.headers, delivery.body)
    assert parse_event(delivery.body).name == "inquiry.created"
    tampered = delivery.body.replace(b'"a":1', b'"a":2')
    assert tampered != delivery.body
    assert not verify_webhook(secret, delivery.headers, tampered)
    other = "wbhsec_other" if signature_format == "persona" else "whsec_b3RoZXJzZWNyZXQ="
    assert not verify_webhook(other, delivery.headers, delivery.body)
    assert not verify_webhook(secret, {}, delivery.body)


@pytest.mark.parametrize("signature_format", ["persona", "standard-webhooks"])
async def test_during_a_rotation_both_the_new_and_the_old_secret_verify(
    org_factory: Any, signature_format: str
) -> None:
    delivery, new, old = await _delivery(org_factory("sdk-rotate"), signature_format, True)
    assert old is not None
    signature = delivery.headers.get("Persona-Signature") or delivery.headers["webhook-signature"]
    assert len(signature.split()) == 2  # one signature per live secret
    assert verify_webhook(new, delivery.headers, delivery.body)
    assert verify_webhook(old, delivery.headers, delivery.body)
    assert verify_webhook(["whsec_bm9wZQ==", new], delivery.headers, delivery.body)


@pytest.mark.parametrize("signature_format", ["persona", "standard-webhooks"])
async def test_a_signature_outside_the_tolerance_is_refused(
    org_factory: Any, signature_format: str
) -> None:
    delivery, secret, _ = await _delivery(org_factory("sdk-stale"), signature_format)
    later = time.time() + 301
    assert not verify_webhook(secret, delivery.headers, delivery.body, now=later)
    assert verify_webhook(secret, delivery.headers, delivery.body, now=later, tolerance_seconds=600)
