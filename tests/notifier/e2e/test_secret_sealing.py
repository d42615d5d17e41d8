"""No secret rests in plain text (contract section 5): webhook signing secrets are sealed in
Redis and on Kafka, the Idempotency-Key replay cache seals the answers that carry one (and still
replays them exactly), and no log line carries a secret or an API key."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from redis.asyncio import Redis

from connect_shared import jsonutil
from connect_shared.secret_box import REPLAY_PURPOSE, SEALED_PREFIX, SecretBox, decode_key
from tests.notifier.sink import create_webhook
from tests.support.kafka import TopicRecorder
from tests.support.ports import redis_url
from tests.support.services import LOG_DIR, ROOT


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
def test_a_value_sealed_for_one_use_does_not_open_as_another() -> None:
    key = os.urandom(32)
    replay = SecretBox(key, REPLAY_PURPOSE).seal("wbhsec_abc")
    with pytest.raises(InvalidTag):
        SecretBox(key).open(replay)
    assert SecretBox(key, REPLAY_PURPOSE).open(replay) == "wbhsec_abc"


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


async def _redis_dump(redis: Redis) -> bytes:
    """Every key and value of the view's Redis, whatever the type, as one blob to search."""
    chunks: list[bytes] = []
    async for key in redis.scan_iter(count=1000):
        kind = (await redis.type(key)).decode()
        chunks.append(key)
        if kind == "string":
            chunks.append(await redis.get(key) or b"")
        elif kind == "hash":
            for field, value in (await redis.hgetall(key)).items():
                chunks += [field, value]
        elif kind == "zset":
            chunks += await redis.zrange(key, 0, -1)
        elif kind == "list":
            chunks += await redis.lrange(key, 0, -1)
        elif kind == "set":
            chunks += list(await redis.smembers(key))
        elif kind == "stream":
            for _, entry in await redis.xrange(key):
                for field, value in entry.items():
                    chunks += [field, value]
    return b"\n".join(chunks)


def _logs() -> bytes:
    """The services' logs and the gateway's (access and error) logs."""
    gateway = Path(os.environ.get("CONNECT_DATA_DIR", ROOT / ".data")) / "logs"
    paths = [*LOG_DIR.glob("*.log"), *gateway.glob("gateway*.log")]
    assert paths
    return b"\n".join(path.read_bytes() for path in sorted(paths))


@pytest.mark.e2e
async def test_no_secret_rests_in_plain_text_in_redis_the_replay_cache_kafka_or_logs(
    org_factory: Any, client: Any
) -> None:
    org = org_factory("wh-no-plain-secret")
    api = client(org["api-key"])
    state, events = TopicRecorder("connect.state"), TopicRecorder("connect.events")
    await state.start()
    await events.start()
    try:
        created = await api.post(
            "/webhooks",
            {"data": {"attributes": {"url": "http://127.0.0.1:9/hook", "enabled-events": ["*"]}}},
            headers={"Idempotency-Key": "create-sealed"},
        )
        assert created.status == 201, created.body
        webhook_id = created.data["id"]
        rotated = await api.post(
            f"/webhooks/{webhook_id}/rotate-secret",
            {"meta": {"expires-in-seconds": 3600}},
            headers={"Idempotency-Key": "rotate-sealed"},
        )
        assert rotated.status == 200, rotated.body
        await state.wait_for(lambda m: m.get("id") == webhook_id, count=2)
    finally:
        await state.stop()
        await events.stop()
    secrets = [
        created.data["attributes"]["secret"],
        rotated.data["attributes"]["secret"],
        org["api-key"],
    ]
    redis = Redis.from_url(redis_url())
    try:
        replay_cache = [
            await redis.get(f"idem:{org['id']}:{hashlib.sha256(key).hexdigest()}")
            for key in (b"create-sealed", b"rotate-sealed")
        ]
        everything = await _redis_dump(redis)
    finally:
        await redis.aclose()
    assert all(entry is not None and b"sealed:v1:" in entry for entry in replay_cache)
    kafka = b"\n".join(jsonutil.dumps(m) for m in state.messages + events.messages)
    assert webhook_id.encode() in kafka
    for secret in secrets:
        assert secret.encode() not in everything, "a secret rests in plain text in Redis"
        assert secret.encode() not in kafka, "a secret rests in plain text on Kafka"
        assert secret.encode() not in _logs(), "a secret was written to a log"


@pytest.mark.e2e
@pytest.mark.parametrize("rotate", [False, True], ids=["create", "rotate-secret"])
async def test_a_replayed_answer_holding_a_secret_is_the_same_answer(
    org_factory: Any, client: Any, rotate: bool
) -> None:
    api = client(org_factory("wh-replay")["api-key"])
    path, body = "/webhooks", {"data": {"attributes": {"url": "http://127.0.0.1:9/hook"}}}
    if rotate:
        path = f"/webhooks/{(await create_webhook(api, 'http://127.0.0.1:9/hook'))['id']}"
        path, body = path + "/rotate-secret", {}
    headers = {"Idempotency-Key": f"replay-{rotate}"}
    first = await api.post(path, body, headers=headers)
    again = await api.post(path, body, headers=headers)
    assert first.status in (200, 201), first.body
    assert (again.status, again.body) == (first.status, first.body)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.headers.get("Location") == first.headers.get("Location")
    assert again.body["data"]["attributes"]["secret"] == first.body["data"]["attributes"]["secret"]
    listed = await api.get("/webhooks")
    assert len(listed.data) == 1
