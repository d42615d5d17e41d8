"""The SDK's transport against a real local HTTP server standing in for an overloaded API:
503 and 429 are retried after ``Retry-After``, with the same ``Idempotency-Key`` on every
attempt of one POST, and a fresh key for the next POST."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from connect_sdk import ApiError, ConnectClient, RetryPolicy
from connect_sdk.transport import RetryPolicy as Policy

pytestmark = pytest.mark.integration


@dataclass
class Flaky:
    """Answers each request's first ``failures`` attempts with ``status`` and Retry-After."""

    status: int
    failures: int
    keys: list[str | None] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.keys.append(request.headers.get("Idempotency-Key"))
        if len(self.keys) % (self.failures + 1):
            return web.json_response(
                {"errors": [{"status": str(self.status), "title": "Busy", "details": "later"}]},
                status=self.status,
                headers={"Retry-After": "0"},
            )
        return web.json_response(
            {
                "data": {
                    "type": "inquiry",
                    "id": "inq_1",
                    "attributes": {
                        "status": "created",
                        "fields": {},
                        "created-at": "x",
                        "updated-at": "x",
                    },
                }
            },
            status=201,
        )


@pytest.fixture
async def server() -> AsyncIterator[tuple[Flaky, str]]:
    flaky = Flaky(503, 2)
    app = web.Application()
    app.router.add_route("*", "/api/v1/{tail:.*}", flaky.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield flaky, f"http://127.0.0.1:{port}/api/v1"
    await runner.cleanup()


@pytest.mark.parametrize("status", [503, 429])
async def test_a_busy_answer_is_retried_with_the_same_idempotency_key(
    server: tuple[Flaky, str], status: int
) -> None:
    flaky, url = server
    flaky.status = status
    async with ConnectClient("key", url) as client:
        first = await client.inquiries.create({"a": 1})
        await client.inquiries.create({"a": 1})
    assert first.id == "inq_1"
    assert len(flaky.keys) == 6
    assert len(set(flaky.keys[:3])) == 1 and flaky.keys[0] is not None
    assert len(set(flaky.keys[3:])) == 1 and flaky.keys[3] != flaky.keys[0]


async def test_retries_give_up_after_their_attempts_with_the_last_error(
    server: tuple[Flaky, str],
) -> None:
    flaky, url = server
    async with ConnectClient("key", url, retry=RetryPolicy(attempts=2)) as client:
        with pytest.raises(ApiError) as failed:
            await client.inquiries.create({"a": 1})
    assert failed.value.status == 503
    assert len(flaky.keys) == 2


def test_the_wait_is_retry_after_capped_else_a_jittered_exponential() -> None:
    policy = Policy(first_wait=1.0, max_wait=10.0)
    assert policy.wait(1, "3") == 3.0
    assert policy.wait(1, "3600") == 10.0
    assert 2.0 <= policy.wait(3, None) <= 4.0
    assert 2.0 <= policy.wait(3, "soon") <= 4.0
