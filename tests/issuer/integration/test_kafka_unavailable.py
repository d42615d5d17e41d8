"""When Kafka does not acknowledge, the issuer answers 503 and writes nothing to Redis.

The broker is shared by every engineer's tests, so it is never stopped: a producer fake that
fails exactly like ``DurableProducer`` does when acks do not arrive stands in for it, while
Redis is real (so "nothing written" is checked in the real view).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from connect_shared.domain_errors import StoreUnavailable
from connect_shared.errors import Unavailable
from connect_shared.kafka import Delivered, DurableProducer, OutgoingMessage
from connect_shared.records import token_index
from connect_shared.replay import ViewGuardian
from connect_shared.runtime import RUNTIME, Runtime
from connect_shared.state import StateStore
from issuer.adapters.http.errors import ISSUER_ERRORS
from issuer.app import create_app
from issuer.bootstrap import build_issuer, issuer_context
from issuer.config import IssuerSettings
from tests.conftest import create_org
from tests.issuer.integration.conftest import active_connection, inquiry_of

pytestmark = pytest.mark.integration


class UnacknowledgingProducer(DurableProducer):
    """Kafka that never acknowledges: every send ends as the real producer's timeout does."""

    def __init__(self, settings: IssuerSettings) -> None:
        super().__init__(settings, "unacknowledging")
        self.attempts = 0

    async def send_all(self, messages: Sequence[OutgoingMessage]) -> list[Delivered]:
        self.attempts += 1
        raise Unavailable("Kafka did not acknowledge the write; nothing was stored.")


@pytest.fixture
async def broken_runtime(runtime: Runtime) -> Runtime:
    settings = IssuerSettings()
    producer = UnacknowledgingProducer(settings)
    store = StateStore(producer, runtime.redis, settings.topic_state)
    guardian = ViewGuardian(settings, settings.topic_state, store)
    return Runtime(settings, producer, runtime.redis, store, guardian)


@pytest.fixture
async def broken_issuer_http(broken_runtime: Runtime) -> AsyncIterator[TestClient[Any, Any]]:
    """The real issuer app (middlewares, routes) over the unacknowledging runtime."""
    settings = IssuerSettings()
    app = create_app(settings)

    async def fake_runtime(app: web.Application) -> AsyncIterator[None]:
        app[RUNTIME] = broken_runtime
        yield

    app.cleanup_ctx.clear()  # no real runtime, no background workers
    app.cleanup_ctx.append(fake_runtime)
    app.cleanup_ctx.append(issuer_context(settings))
    async with TestClient(TestServer(app)) as http:
        yield http


async def test_token_creation_without_kafka_acks_raises_503_and_writes_nothing(
    runtime: Runtime, broken_runtime: Runtime
) -> None:
    source, destination = create_org("src")["id"], create_org("dst")["id"]
    connection = await active_connection(runtime, source, destination)
    inquiry = await inquiry_of(runtime, source)
    issuer = build_issuer(broken_runtime, IssuerSettings())
    with pytest.raises(StoreUnavailable) as refused:
        await issuer.tokens.create(source, connection.id, inquiry.id, 3600)
    assert ISSUER_ERRORS.api_error(refused.value).status == 503
    assert await runtime.redis.zcard(token_index(source, "outbound")) == 0
    assert await runtime.redis.zcard(token_index(destination, "inbound")) == 0


async def test_http_answer_is_503_json_api_and_lists_stay_empty(
    runtime: Runtime, broken_issuer_http: TestClient[Any, Any]
) -> None:
    org = create_org("src")
    destination = create_org("dst")["id"]
    connection = await active_connection(runtime, org["id"], destination)
    inquiry = await inquiry_of(runtime, org["id"])
    headers = {"Authorization": f"Bearer {org['api-key']}", "Idempotency-Key": "k-503"}
    body = {"data": {"attributes": {"connection-id": connection.id, "source-id": inquiry.id}}}
    response = await broken_issuer_http.post(
        "/api/v1/connect/share-tokens", json=body, headers=headers
    )
    assert response.status == 503
    document = await response.json()
    assert document["errors"][0]["status"] == "503"
    listed = await broken_issuer_http.get(
        "/api/v1/connect/share-tokens", headers={"Authorization": headers["Authorization"]}
    )
    assert (await listed.json())["data"] == []
    # A 503 is not stored under the Idempotency-Key: a retry really runs again.
    again = await broken_issuer_http.post(
        "/api/v1/connect/share-tokens", json=body, headers=headers
    )
    assert again.status == 503
