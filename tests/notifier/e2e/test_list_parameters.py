"""Query parameters of the notifier's lists (``/webhooks``, ``/webhooks/{id}/deliveries``):
unknown, repeated or malformed ones are 400 with ``meta.parameter``, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.notifier.sink import create_webhook
from tests.support.api import ApiClient, Reply
from tests.support.ports import GATEWAY_URL

URL = "http://127.0.0.1:9/hook"
DELIVERIES_BAD = [
    ("page[size]=%C2%B2", "page[size]"),
    ("page[size]=0", "page[size]"),
    ("page[size]=101", "page[size]"),
    ("page[size]=", "page[size]"),
    ("page[after]=%C2%B2", "page[after]"),
    ("page[after]=99999999999999999999999-1", "page[after]"),
    ("page[after]=1-99999999999999999999999", "page[after]"),
    ("page[after]=18446744073709551616-0", "page[after]"),
    ("page[after]=0-0", "page[after]"),
    ("page[after]=1-2-3", "page[after]"),
    ("page[after]=abc", "page[after]"),
    ("page[after]=", "page[after]"),
    ("page[before]=1-0", "page[before]"),
    ("filter[event-id]=inq_abc", "filter[event-id]"),
    ("filter[event-id]=evt_%00", "filter[event-id]"),
    ("filter[status]=failed", "filter[status]"),
    ("page[size]=5&page[size]=5", "page[size]"),
]


async def raw_get(api: ApiClient, path_and_query: str) -> Reply:
    """GET with the query string exactly as written (percent-escapes included)."""
    return await api.get(f"{GATEWAY_URL}/api/v1{path_and_query}")


def assert_names(reply: Reply, parameter: str) -> None:
    assert reply.status == 400, reply.body
    assert reply.body["errors"][0]["meta"]["parameter"] == parameter, reply.body


@pytest.mark.e2e
async def test_bad_deliveries_parameters_are_400_naming_them(org_factory: Any, client: Any) -> None:
    api = client(org_factory("wh-params")["api-key"])
    webhook = await create_webhook(api, URL)
    path = f"/webhooks/{webhook['id']}/deliveries"
    for query, parameter in DELIVERIES_BAD:
        assert_names(await raw_get(api, f"{path}?{query}"), parameter)


@pytest.mark.e2e
async def test_valid_deliveries_cursors_and_filters_are_accepted(
    org_factory: Any, client: Any
) -> None:
    api = client(org_factory("wh-params-ok")["api-key"])
    webhook = await create_webhook(api, URL)
    path = f"/webhooks/{webhook['id']}/deliveries"
    for query in (
        "page[size]=100",
        "page[after]=1-0",
        "page[after]=18446744073709551615-18446744073709551615",
        "filter[event-id]=evt_abc&page[size]=1",
    ):
        reply = await raw_get(api, f"{path}?{query}")
        assert reply.status == 200, (query, reply.body)
        assert reply.data == []


@pytest.mark.e2e
async def test_the_webhook_list_takes_no_parameters(org_factory: Any, client: Any) -> None:
    api = client(org_factory("wh-list-params")["api-key"])
    await create_webhook(api, URL)
    assert_names(await raw_get(api, "/webhooks?page[size]=10"), "page[size]")
    assert_names(await raw_get(api, "/webhooks?filter[status]=enabled"), "filter[status]")
    assert len((await raw_get(api, "/webhooks")).data) == 1


@pytest.mark.unit
def test_attempt_log_cursors_are_stream_ids_redis_accepts_as_exclusive_bounds() -> None:
    from notifier.adapters.stores.attempt_log import is_cursor

    assert is_cursor("1700000000000-0")
    assert is_cursor("18446744073709551615-18446744073709551615")
    for bad in ("", "0-0", "²-1", "1", "1-2-3", "18446744073709551616-0", "-1-0", " 1-0"):
        assert not is_cursor(bad), bad
