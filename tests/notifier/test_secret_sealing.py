"""Webhook signing secrets are sealed at rest: never in plain text on Kafka or in Redis."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from redis.asyncio import Redis

from connect_shared.secret_box import SEALED_PREFIX, SecretBox, decode_key
from tests.notifier.sink import create_webhook
from tests.support.ports import redis_url


def _box() -> SecretBox:
    return SecretBox(decode_key(base64.b64encode(os.urandom(32)).decode()))


@pytest.mark.unit
def test_a_sealed_secret_opens_to_the_original_and_differs_each_time() -> None:
    box = _box()
    first, second = box.seal("wbhsec_abc"), box.seal("wbhsec_abc")
    assert first.startswith(SEALED_PREFIX) and "wbhsec_abc" not in first
    assert first != second
    assert box.open(first) == box.open(second) == "wbhsec_abc"


@pytest.mark.unit
def test_a_tampered_or_foreign_sealed_secret_does_not_open() -> None:
    sealed = _box().seal("wbhsec_abc")
    with pytest.raises(InvalidTag):
        _box().open(sealed)
    raw = bytearray(base64.urlsafe_b64decode(sealed[len(SEALED_PREFIX) :]))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        _box().open(SEALED_PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode())


@pytest.mark.unit
def test_a_secret_stored_before_sealing_existed_still_opens() -> None:
    assert _box().open("wbhsec_plain") == "wbhsec_plain"


@pytest.mark.unit
@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_key_that_is_not_32_bytes_of_base64_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        decode_key(value)


@pytest.mark.e2e
async def test_the_stored_webhook_holds_no_plain_secret(org_factory: Any, client: Any) -> None:
    api = client(org_factory("wh-sealed")["api-key"])
    created = await create_webhook(api, "http://127.0.0.1:9/hook")
    secret = created["attributes"]["secret"]
    redis = Redis.from_url(redis_url())
    try:
        stored = await redis.hget(f"rec:{created['id']}", "body")
    finally:
        await redis.aclose()
    assert stored is not None
    assert secret.encode() not in stored
    assert SEALED_PREFIX.encode() in stored
