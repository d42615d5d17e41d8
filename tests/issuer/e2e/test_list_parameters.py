"""Every query parameter of the issuer's list routes is checked (contract section 2): unknown,
repeated or malformed parameters are 400 with ``meta.parameter`` naming them, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.issuer.helpers import Pair
from tests.support.api import ApiClient, Reply
from tests.support.ports import GATEWAY_URL

pytestmark = pytest.mark.e2e

# (list path, query string exactly as sent, the parameter the 400 must name)
COMMON_BAD = [
    ("page[size]=0", "page[size]"),
    ("page[size]=101", "page[size]"),
    ("page[size]=%C2%B2", "page[size]"),
    ("page[size]=1.5", "page[size]"),
    ("page[size]=99999999999999999999999", "page[size]"),
    ("page[size]=5&page[size]=6", "page[size]"),
    ("page[after]=%C2%B2", "page[after]"),
    ("page[after]=99999999999999999999999-1", "page[after]"),
    ("page[after]=", "page[after]"),
    ("page[before]=%00", "page[before]"),
    ("page[before]=x_notanitem", "page[before]"),
    ("page[number]=2", "page[number]"),
    ("sort=-created-at", "sort"),
]
LISTS = [
    "/connect/share-tokens",
    "/connect/connections",
    "/inquiries",
    "/accounts",
    "/transactions",
    "/verifications",
    "/workflows",
]
FILTERS_BAD = [
    ("/connect/share-tokens", "filter[status]=bogus", "filter[status]"),
    ("/connect/share-tokens", "filter[status]=", "filter[status]"),
    ("/connect/share-tokens", "filter[direction]=sideways", "filter[direction]"),
    ("/connect/share-tokens", "filter[connection-id]=org_abc", "filter[connection-id]"),
    ("/connect/share-tokens", "filter[connection-id]=cxn_%C2%B2", "filter[connection-id]"),
    ("/connect/share-tokens", "filter[source-id]=inq_abc", "filter[source-id]"),
    ("/connect/connections", "filter[status]=bogus", "filter[status]"),
    (
        "/connect/connections",
        "filter[destination-organization-id]=cxn_abc",
        "filter[destination-organization-id]",
    ),
    ("/inquiries", "filter[status]=created", "filter[status]"),
    ("/workflows", "filter[enabled]=true", "filter[enabled]"),
]


async def raw_get(api: ApiClient, path_and_query: str) -> Reply:
    """GET with the query string exactly as written (percent-escapes included)."""
    return await api.get(f"{GATEWAY_URL}/api/v1{path_and_query}")


def assert_names(reply: Reply, parameter: str) -> None:
    assert reply.status == 400, (parameter, reply.body)
    assert reply.body["errors"][0]["meta"]["parameter"] == parameter, reply.body


async def test_bad_page_and_unknown_parameters_of_every_list_are_400_naming_them(
    pair: Pair,
) -> None:
    for path in LISTS:
        for query, parameter in COMMON_BAD:
            assert_names(await raw_get(pair.source.api, f"{path}?{query}"), parameter)


async def test_bad_filters_are_400_naming_them(pair: Pair) -> None:
    for path, query, parameter in FILTERS_BAD:
        assert_names(await raw_get(pair.source.api, f"{path}?{query}"), parameter)


async def test_workflow_runs_parameters_are_checked(pair: Pair) -> None:
    action = {"type": "create-share-token", "connection-id": pair.connection_id}
    body = {
        "data": {
            "attributes": {"name": "w", "trigger": {"event": "inquiry.completed"}, "action": action}
        }
    }
    created = await pair.source.api.post("/workflows", json=body)
    assert created.status == 201, created.body
    runs = f"/workflows/{created.data['id']}/runs"
    for query, parameter in COMMON_BAD:
        assert_names(await raw_get(pair.source.api, f"{runs}?{query}"), parameter)
    assert (await raw_get(pair.source.api, f"{runs}?page[size]=5")).status == 200


async def test_peek_parameter_of_a_share_token_read_is_checked(pair: Pair) -> None:
    token = await pair.issue()
    path = f"/connect/share-tokens/{token.data['id']}"
    assert_names(await raw_get(pair.destination.api, f"{path}?peek=true"), "peek")
    assert_names(
        await raw_get(pair.destination.api, f"{path}?peek-source-data=yes"), "peek-source-data"
    )


async def test_every_documented_parameter_is_still_accepted(pair: Pair, new_org: Any) -> None:
    api = pair.source.api
    token = await pair.issue()
    queries = [
        f"/connect/share-tokens?filter[status]=created&filter[direction]=outbound"
        f"&filter[connection-id]={pair.connection_id}&page[size]=5",
        f"/connect/share-tokens?page[after]={token.data['id']}",
        f"/connect/share-tokens?page[before]={token.data['id']}",
        f"/connect/connections?filter[status]=active"
        f"&filter[destination-organization-id]={pair.destination.id}&page[size]=100",
        f"/inquiries?page[size]=1&page[after]={pair.inquiry_id}",
        "/accounts?page[size]=10",
        "/workflows?page[size]=10",
    ]
    for query in queries:
        reply = await raw_get(api, query)
        assert reply.status == 200, (query, reply.body)
    listed = await raw_get(api, f"/connect/share-tokens?filter[connection-id]={pair.connection_id}")
    assert [t["id"] for t in listed.data] == [token.data["id"]]
