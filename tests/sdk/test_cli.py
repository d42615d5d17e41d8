"""The real ``.venv/bin/connect`` against the real stack: JSON:API output, tables, exit codes
and messages without tracebacks, and ``connect listen`` forwarding a real event, signed with
the secret it prints, to a local sink."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from typing import Any

import pytest

from connect_sdk import verify_webhook
from tests.notifier.sink import Sink, publish, token_event
from tests.sdk.helpers import API_URL, connected_pair
from tests.sdk.helpers import sdk as sdk_client
from tests.support.services import ROOT

pytestmark = pytest.mark.e2e

CONNECT = str(ROOT / ".venv/bin/connect")


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def document(self) -> Any:
        return json.loads(self.out)


def _env(api_key: str | None, url: str = API_URL) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_API")}
    env["CONNECT_API_URL"] = url
    if api_key is not None:
        env["CONNECT_API_KEY"] = api_key
    return env


async def connect(api_key: str | None, *args: str, url: str = API_URL) -> Run:
    process = await asyncio.create_subprocess_exec(
        CONNECT,
        *args,
        env=_env(api_key, url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


async def test_share_tokens_and_connections_commands_print_json_api_documents(
    org_factory: Any,
) -> None:
    pair = await connected_pair(org_factory, "cli-tok")
    source_key, destination_key = pair.source_org["api-key"], pair.destination_org["api-key"]
    try:
        inquiry = await pair.source.inquiries.create({"name-first": "Ada"})
        created = await connect(
            source_key,
            "share-tokens",
            "create",
            "--connection",
            pair.connection_id,
            "--source",
            inquiry.id,
        )
        assert created.code == 0, created.err
        token = created.document["data"]
        assert token["type"] == "connect/share-token"
        assert token["attributes"]["status"] == "created"
        second = (
            await connect(
                source_key,
                "share-tokens",
                "create",
                "--connection",
                pair.connection_id,
                "--source",
                inquiry.id,
                "--expires-in",
                "600",
            )
        ).document["data"]["id"]

        got = await connect(destination_key, "share-tokens", "get", token["id"], "--peek")
        assert got.document["data"]["attributes"]["source-data"] == {"name-first": "Ada"}
        listed = await connect(source_key, "share-tokens", "list", "--size", "1")
        assert [t["id"] for t in listed.document["data"]] == [second]
        assert listed.document["links"]["next"] is not None
        table = await connect(source_key, "share-tokens", "list", "--format", "table")
        assert table.out.splitlines()[0].split()[:3] == ["id", "status", "direction"]
        assert second in table.out and token["id"] in table.out
        expired = await connect(source_key, "share-tokens", "expire", second)
        assert expired.document["data"]["attributes"]["status"] == "expired"
        redeemed = await connect(destination_key, "share-tokens", "redeem", token["id"])
        assert redeemed.document["data"]["attributes"]["status"] == "pending"

        cxn = await connect(source_key, "connections", "get", pair.connection_id)
        assert cxn.document["data"]["attributes"]["status"] == "active"
        shared = await connect(source_key, "connections", "sharing", pair.connection_id, "ssn=none")
        assert shared.document["data"]["attributes"]["sharing-settings"] == {"ssn": "none"}
        listed_cxn = await connect(destination_key, "connections", "list", "--status", "active")
        assert [c["id"] for c in listed_cxn.document["data"]] == [pair.connection_id]
        off = await connect(destination_key, "connections", "deactivate", pair.connection_id)
        assert off.document["data"]["attributes"]["status"] == "inactive"
        back = await connect(source_key, "connections", "reactivate", pair.connection_id)
        assert back.document["data"]["attributes"]["status"] == "pending"
        on = await connect(destination_key, "connections", "accept", pair.connection_id)
        assert on.document["data"]["attributes"]["status"] == "active"
        third = org_factory("cli-third")
        proposed = await connect(source_key, "connections", "create", "--destination", third["id"])
        assert proposed.document["data"]["attributes"]["status"] == "pending"
    finally:
        await pair.close()


async def test_webhooks_and_events_commands(org_factory: Any) -> None:
    key = org_factory("cli-hook")["api-key"]
    made = await connect(
        key, "webhooks", "create", "--url", "http://127.0.0.1:9/hook", "--events", "inquiry.created"
    )
    assert made.code == 0, made.err
    hook = made.document["data"]
    assert hook["attributes"]["secret"].startswith("wbhsec_")
    assert (await connect(key, "webhooks", "get", hook["id"])).document["data"]["id"] == hook["id"]
    assert [w["id"] for w in (await connect(key, "webhooks", "list")).document["data"]] == [
        hook["id"]
    ]
    updated = await connect(key, "webhooks", "update", hook["id"], "--status", "disabled")
    assert updated.document["data"]["attributes"]["status"] == "disabled"
    rotated = await connect(key, "webhooks", "rotate-secret", hook["id"], "--expires-in", "60")
    assert rotated.document["data"]["attributes"]["secret"] != hook["attributes"]["secret"]
    deliveries = await connect(key, "webhooks", "deliveries", hook["id"])
    assert deliveries.document["data"] == []
    resend = await connect(key, "webhooks", "resend", hook["id"], "evt_missing1234567890")
    assert resend.code == 1
    deleted = await connect(key, "webhooks", "delete", hook["id"])
    assert (deleted.code, deleted.out) == (0, "")

    async with sdk_client(key) as client:
        inquiry = await client.inquiries.create({"a": 1})
    async with asyncio.timeout(30):
        while not (found := await connect(key, "events", "list", "--object", inquiry.id)).document[
            "data"
        ]:
            await asyncio.sleep(0.2)
    (event,) = found.document["data"]
    assert event["attributes"]["name"] == "inquiry.created"
    one = await connect(key, "events", "get", event["id"])
    assert one.document["data"] == event
    table = await connect(key, "events", "list", "--format", "table")
    assert table.out.splitlines()[0].split() == ["id", "name", "organization-id", "created-at"]
    missing = await connect(key, "events", "get", "evt_missing1234567890")
    assert missing.code == 1
    assert "error: 404" in missing.err


async def test_webhook_settings_and_actions_commands(org_factory: Any) -> None:
    key = org_factory("cli-hook-actions")["api-key"]
    wanted = {"data": {"attributes": {"status": "created"}}}
    made = await connect(
        key,
        "webhooks",
        "create",
        "--url",
        "http://127.0.0.1:9/hook",
        "--name",
        "Ops",
        "--description",
        "token changes",
        "--api-version",
        "2025-12-08",
        "--api-key-inflection",
        "camel",
        "--payload-filter",
        json.dumps(wanted),
    )
    assert made.code == 0, made.err
    hook = made.document["data"]
    attributes = hook["attributes"]
    assert (attributes["name"], attributes["description"]) == ("Ops", "token changes")
    assert (attributes["api-version"], attributes["api-key-inflection"]) == ("2025-12-08", "camel")
    assert attributes["payload-filter"] == wanted
    renamed = await connect(
        key, "webhooks", "update", hook["id"], "--name", "Ops 2", "--api-key-inflection", "snake"
    )
    assert renamed.code == 0, renamed.err
    assert renamed.document["data"]["attributes"]["name"] == "Ops 2"
    assert renamed.document["data"]["attributes"]["api-key-inflection"] == "snake"
    assert renamed.document["data"]["attributes"]["description"] == "token changes"

    disabled = await connect(key, "webhooks", "disable", hook["id"])
    assert disabled.document["data"]["attributes"]["status"] == "disabled"
    enabled = await connect(key, "webhooks", "enable", hook["id"])
    assert enabled.document["data"]["attributes"]["status"] == "enabled"
    cloned = await connect(key, "webhooks", "clone", hook["id"])
    assert cloned.code == 0, cloned.err
    copy = cloned.document["data"]
    assert copy["id"] != hook["id"]
    assert copy["attributes"]["secret"] != attributes["secret"]
    assert copy["attributes"]["payload-filter"] == wanted
    archived = await connect(key, "webhooks", "archive", hook["id"])
    assert archived.document["data"]["attributes"]["status"] == "archived"
    refused = await connect(key, "webhooks", "enable", hook["id"])
    assert refused.code == 1 and "error: 409" in refused.err
    assert "Traceback" not in refused.err
    listed = await connect(key, "webhooks", "list")
    statuses = {w["id"]: w["attributes"]["status"] for w in listed.document["data"]}
    assert statuses == {hook["id"]: "archived", copy["id"]: "enabled"}


async def test_a_payload_filter_that_is_not_a_json_object_is_a_usage_error(
    org_factory: Any,
) -> None:
    key = org_factory("cli-hook-usage")["api-key"]
    for value in ("[1, 2]", "{not json"):
        run = await connect(
            key, "webhooks", "create", "--url", "http://127.0.0.1:9/h", "--payload-filter", value
        )
        assert run.code == 2, run.err
        assert "--payload-filter must be a JSON object" in run.err
        assert run.out == "" and "Traceback" not in run.err
    assert (await connect(key, "webhooks", "list")).document["data"] == []


async def test_refusals_and_failures_have_exit_codes_and_no_traceback(
    org_factory: Any,
) -> None:
    key = org_factory("cli-errors")["api-key"]
    not_found = await connect(key, "share-tokens", "get", "cnst_nope1234567890")
    assert not_found.code == 1
    assert not_found.err.startswith("error: 404 Not found")
    assert "request id: req_" in not_found.err
    invalid = await connect(
        key,
        "share-tokens",
        "create",
        "--connection",
        "cxn_x1234567890",
        "--source",
        "inq_x1234567890",
        "--expires-in",
        "5",
    )
    assert invalid.code == 1
    assert "at /data/attributes/" in invalid.err
    unauthorized = await connect("wrong-key", "events", "list")
    assert unauthorized.code == 1 and "401" in unauthorized.err
    missing_key = await connect(None, "events", "list")
    assert missing_key.code == 2 and "CONNECT_API_KEY" in missing_key.err
    usage = await connect(key, "share-tokens", "create")
    assert usage.code == 2
    bad_pair = await connect(key, "connections", "sharing", "cxn_x1234567890", "ssn")
    assert bad_pair.code == 2 and "NAME=VALUE" in bad_pair.err
    unreachable = await connect(key, "events", "list", url="http://127.0.0.1:9/api/v1")
    assert unreachable.code == 4
    for run in (not_found, invalid, unauthorized, missing_key, usage, bad_pair, unreachable):
        assert "Traceback" not in run.err
        assert run.out == ""


async def test_listen_forwards_a_real_event_signed_with_the_printed_secret(
    org_factory: Any,
) -> None:
    org = org_factory("cli-listen")
    sink = await Sink().start()
    process = await asyncio.create_subprocess_exec(
        CONNECT,
        "listen",
        "--forward-to",
        sink.url,
        "--events",
        "inquiry.created",
        "--interval",
        "0.2",
        "--max-events",
        "1",
        env=_env(org["api-key"]),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        async with asyncio.timeout(30):
            secret = (await process.stdout.readline()).decode().rsplit(": ", 1)[1].strip()
            while b"Ready" not in await process.stderr.readline():
                pass
        pair = await connected_pair(org_factory, "cli-listen-noise")
        await pair.close()  # other organizations' events are not forwarded
        async with sdk_client(org["api-key"]) as client:
            inquiry = await client.inquiries.create({"a": 1})
        async with asyncio.timeout(30):
            await process.wait()
        assert process.returncode == 0
        (delivery,) = sink.received
        assert delivery.object_id == inquiry.id
        assert delivery.event_name == "inquiry.created"
        assert verify_webhook(secret, delivery.headers, delivery.body)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await sink.stop()


async def test_listen_catches_up_when_more_than_a_page_arrived_between_polls(
    org_factory: Any,
) -> None:
    org = org_factory("cli-listen-burst")
    sink = await Sink().start()
    burst = [token_event(org["id"]) for _ in range(150)]
    process = await asyncio.create_subprocess_exec(
        CONNECT,
        "listen",
        "--forward-to",
        sink.url,
        "--interval",
        "3",
        "--max-events",
        str(len(burst)),
        env=_env(org["api-key"]),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        async with asyncio.timeout(30):
            while b"Ready" not in await process.stderr.readline():
                pass
        await publish(*burst)  # usually all of it lands within one poll interval
        async with asyncio.timeout(60):
            await process.wait()
        assert process.returncode == 0
        assert sorted(r.event_id for r in sink.received) == sorted(e.id for e in burst)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await sink.stop()
