"""Choosing Persona mode (header or organization default), the refusal of an unknown version,
and Persona's error items and headers on the refusals every route can meet."""

from __future__ import annotations

from typing import Any

import pytest

from connect_shared import jsonutil
from tests.persona.conftest import Connected, PersonaApi
from tests.persona.spec import VERSION, assert_connection, assert_error, assert_headers
from tests.support.admin import admin, run_admin

pytestmark = pytest.mark.e2e


def set_api_version(org_id: str, version: str) -> dict[str, Any]:
    """``connect-admin org set-api-version ORG_ID VERSION`` (its code, in-process)."""
    return dict(admin().call(lambda a: a.set_api_version(org_id, version)))


async def test_unknown_persona_version_is_400_naming_the_supported_ones(side: Any) -> None:
    org = side("bad-version")
    reply = await org.connect.get("/connect/connections", headers={"Persona-Version": "2020-01-01"})
    assert reply.status == 400
    item = assert_error(reply.body, 400)
    assert VERSION in item["details"]
    assert item["meta"]["supported-versions"] == [VERSION]
    # Any route under /api/v1: the version is checked before anything runs.
    inquiries = await org.connect.post("/inquiries", {}, headers={"Persona-Version": "bogus"})
    assert inquiries.status == 400


async def test_organization_default_chooses_persona_mode_without_the_header(
    connected: Connected,
) -> None:
    path = f"/connect/connections/{connected.connection_id}"
    before = await connected.source.connect.get(path)
    assert "sharing-settings" in before.data["attributes"]
    assert set_api_version(connected.source.id, VERSION) == {
        "id": connected.source.id,
        "api-version": VERSION,
    }
    during = await connected.source.connect.get(path)
    assert_connection(during.data)
    other_side = await connected.destination.connect.get(path)
    assert "sharing-settings" in other_side.data["attributes"]  # its own default: Connect
    assert set_api_version(connected.source.id, "none")["api-version"] is None
    after = await connected.source.connect.get(path)
    assert "sharing-settings" in after.data["attributes"]


def test_set_api_version_refuses_an_unknown_version(side: Any) -> None:
    org = side("refused-version")
    with pytest.raises(ValueError, match="unsupported API version"):
        set_api_version(org.id, "1999-01-01")


async def test_401_carries_only_a_title(http: Any) -> None:
    anonymous = PersonaApi(http, None)
    reply = await anonymous.get("/connect/share-tokens")
    assert reply.status == 401
    item = assert_error(reply.body, 401)
    assert set(item) == {"title"}


async def test_429_carries_title_and_details_with_retry_after(side: Any) -> None:
    org = side("persona-429", rate_limit=1)
    replies = [await org.persona.get("/connect/connections") for _ in range(8)]
    limited = [r for r in replies if r.status == 429]
    assert limited, [r.status for r in replies]
    item = assert_error(limited[0].body, 429)
    assert set(item) == {"title", "details"}
    assert limited[0].headers["Retry-After"].isdigit()
    assert limited[0].headers["RateLimit-Remaining"] == "0"
    assert_headers(limited[0].headers, org.id)


async def test_ratelimit_remaining_counts_down_in_both_modes(side: Any) -> None:
    org = side("ratelimit-headers")
    first = await org.connect.get("/connect/connections")
    second = await org.persona.get("/connect/connections")
    for reply in (first, second):
        assert_headers(reply.headers, org.id)
        assert reply.headers["RateLimit-Limit"] == "200"  # 100/s, bursts of twice that
    assert int(second.headers["RateLimit-Remaining"]) < int(first.headers["RateLimit-Remaining"])
    assert first.headers["Persona-Environment-Id"] == second.headers["Persona-Environment-Id"]


async def test_connect_admin_cli_sets_and_clears_the_default(side: Any) -> None:
    org = side("cli-version")
    printed = jsonutil.loads(run_admin("org", "set-api-version", org.id, VERSION))
    assert printed == {"id": org.id, "api-version": VERSION}
    missing = "/connect/connections/cxn_missing00000000000000"
    persona = await org.connect.get(missing)
    assert "status" not in assert_error(persona.body, 404)  # Persona's 404 item
    cleared = jsonutil.loads(run_admin("org", "set-api-version", org.id, "none"))
    assert cleared == {"id": org.id, "api-version": None}
    connect = await org.connect.get(missing)
    assert connect.body["errors"][0]["status"] == "404"  # Connect's again
