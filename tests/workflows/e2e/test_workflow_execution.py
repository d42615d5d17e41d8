"""Workflows run from the event stream: a source system's ``inquiry.completed`` ends, with no
further call, as a verified copy in the destination; each (workflow, trigger event) runs at most
once; a refused action is an errored run, not an endless retry."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

from connect_shared import jsonutil
from connect_shared.ids import new_id
from tests.issuer.helpers import produce
from tests.notifier.sink import Sink, create_webhook
from tests.redeemer.e2e.world import jwks, verify_copy
from tests.support.kafka import TopicRecorder, event_named
from tests.workflows.world import (
    INBOUND_CREATED,
    Connected,
    completed_message,
    create_workflow,
    new_inquiry_id,
    produce_source_event,
    runs_of,
    share_action,
    workflow_doc,
)

pytestmark = pytest.mark.e2e

TOKEN_EVENTS = (
    "connect/share-token.outbound-created",
    "connect/share-token.inbound-created",
    "connect/share-token.outbound-redeemed",
    "connect/share-token.inbound-redeemed",
)


@pytest.fixture
async def sinks() -> AsyncIterator[tuple[Sink, Sink]]:
    """Two real webhook endpoints on loopback: the source's and the destination's."""
    pair = (await Sink().start(), await Sink().start())
    yield pair
    for sink in pair:
        await sink.stop()


async def share_and_redeem_workflows(connected: Connected) -> tuple[str, str]:
    """The source shares every completed inquiry; the destination redeems what it receives."""
    share = await create_workflow(
        connected.source.api,
        workflow_doc(
            "inquiry.completed",
            share_action(connected.connection_id),
            name="share completed inquiries",
            filter={"status": "completed"},
        ),
    )
    redeem = await create_workflow(
        connected.destination.api,
        workflow_doc(
            INBOUND_CREATED,
            {"type": "redeem-share-token"},
            name="redeem what arrives",
            filter={"connection-id": connected.connection_id},
        ),
    )
    return share["id"], redeem["id"]


def of_org(name: str, org_id: str) -> Any:
    return event_named(name, **{"organization-id": org_id})


def names(sink: Sink) -> set[str]:
    return {item.event_name for item in sink.received}


async def test_completed_inquiry_becomes_a_verified_copy_without_further_calls(
    connected: Connected, events: TopicRecorder, sinks: tuple[Sink, Sink]
) -> None:
    source, destination = connected.source, connected.destination
    source_sink, destination_sink = sinks
    await create_webhook(source.api, source_sink.url)
    await create_webhook(destination.api, destination_sink.url)
    share_id, redeem_id = await share_and_redeem_workflows(connected)

    inquiry_id = new_inquiry_id()
    await produce_source_event(inquiry_id, completed_message(source.id, inquiry_id))

    sides = {"outbound": source.id, "inbound": destination.id}
    for name in TOKEN_EVENTS:
        side = name.split(".")[1].split("-")[0]
        await events.wait_for(of_org(name, sides[side]), timeout=30)
    (created,) = events.matching(of_org(TOKEN_EVENTS[0], source.id))
    token_id = created["data"]["attributes"]["payload"]["data"]["id"]
    assert (
        created["data"]["attributes"]["payload"]["data"]["relationships"]["source"]["data"]["id"]
        == inquiry_id
    )

    token = await destination.api.get(f"/connect/share-tokens/{token_id}")
    assert token.data["attributes"]["status"] == "redeemed"
    copy_id = token.data["relationships"]["destination"]["data"]["id"]
    copy = await destination.api.get(f"/inquiries/{copy_id}")
    assert copy.status == 200, copy.body
    assert copy.data["attributes"]["fields"] == {"name-first": "Ada", "birthdate": "1990-12-10"}
    provenance = copy.data["attributes"]["provenance"]
    assert provenance["share-token-id"] == token_id
    assert provenance["source-object-id"] == inquiry_id
    verify_copy(copy.data, await jwks(destination.api))

    created_and_redeemed = {"outbound-created", "outbound-redeemed"}
    await source_sink.wait_for(
        lambda _: {f"connect/share-token.{n}" for n in created_and_redeemed} <= names(source_sink)
    )
    await destination_sink.wait_for(
        lambda _: (
            {"connect/share-token.inbound-created", "connect/share-token.inbound-redeemed"}
            <= names(destination_sink)
        )
    )

    trigger = events.matching(of_org("inquiry.completed", source.id))[0]
    (share_run,) = (await runs_of(source.api, share_id, 1)).data
    assert share_run["attributes"]["trigger-event-id"] == trigger["data"]["id"]
    assert share_run["attributes"]["action"] == "create-share-token"
    assert share_run["attributes"]["outcome"] == "created"
    assert share_run["attributes"]["error"] is None
    assert share_run["attributes"]["object-id"] == token_id
    (redeem_run,) = (await runs_of(destination.api, redeem_id, 1)).data
    assert redeem_run["attributes"]["outcome"] == "created"
    assert redeem_run["attributes"]["object-id"] == token_id
    await events.wait_for(of_org("workflow-run.created", source.id))
    await events.wait_for(of_org("workflow-run.created", destination.id))


async def test_the_same_message_twice_gives_one_token_and_one_redemption(
    connected: Connected, events: TopicRecorder
) -> None:
    source, destination = connected.source, connected.destination
    share_id, _ = await share_and_redeem_workflows(connected)
    inquiry_id = new_inquiry_id()
    message = completed_message(source.id, inquiry_id)
    await produce_source_event(inquiry_id, message)
    await produce_source_event(inquiry_id, message)
    await events.wait_for(
        of_org("connect/share-token.inbound-redeemed", destination.id), timeout=30
    )

    # The platform event itself delivered again (as after a consumer crash): still one run.
    (trigger,) = events.matching(of_org("inquiry.completed", source.id))
    await produce("connect.events", inquiry_id, jsonutil.dumps(trigger))
    # The marker: another matching event after it on the same key (so the same partition, which
    # the workflow consumer handles in order). Its run in the log means the copy was handled.
    marker = copy.deepcopy(trigger)
    marker["data"]["id"] = new_id("evt_")
    marker["data"]["attributes"]["payload"]["data"]["id"] = new_inquiry_id()
    await produce("connect.events", inquiry_id, jsonutil.dumps(marker))
    runs = (await runs_of(source.api, share_id, 2)).data
    assert sorted(r["attributes"]["trigger-event-id"] for r in runs) == sorted(
        [trigger["data"]["id"], marker["data"]["id"]]
    )

    tokens = await source.api.get("/connect/share-tokens")
    assert len(tokens.data) == 1
    assert tokens.data[0]["attributes"]["status"] == "redeemed"
    for name in TOKEN_EVENTS:
        found = events.matching(lambda m, n=name: m["data"]["attributes"]["name"] == n)
        ours = [m for m in found if m["data"]["attributes"]["organization-id"] in sides(connected)]
        assert len({m["data"]["id"] for m in ours}) == 1, name
    copies = [
        o
        for o in (await destination.api.get("/inquiries")).data
        if o["attributes"].get("provenance")
    ]
    assert len(copies) == 1


def sides(connected: Connected) -> set[str]:
    return {connected.source.id, connected.destination.id}


async def test_deactivated_connection_records_an_errored_run_and_the_consumer_moves_on(
    connected: Connected, events: TopicRecorder
) -> None:
    source, destination = connected.source, connected.destination
    share_id, _ = await share_and_redeem_workflows(connected)
    path = f"/connect/connections/{connected.connection_id}"
    assert (await source.api.post(f"{path}/deactivate")).status == 200

    inquiry_id = new_inquiry_id()
    await produce_source_event(inquiry_id, completed_message(source.id, inquiry_id))
    (errored,) = await events.wait_for(of_org("workflow-run.errored", source.id), timeout=30)
    (run,) = (await runs_of(source.api, share_id, 1)).data
    assert errored["data"]["attributes"]["payload"]["data"]["id"] == run["id"]
    assert run["attributes"]["outcome"] == "errored"
    assert run["attributes"]["object-id"] is None
    assert "inactive" in run["attributes"]["error"]["details"]
    assert run["attributes"]["error"]["title"]

    # Not retried: the next event of the same organization is worked on as usual.
    assert (await source.api.post(f"{path}/reactivate")).status == 200
    assert (await destination.api.post(f"{path}/accept")).status == 200
    second = new_inquiry_id()
    await produce_source_event(second, completed_message(source.id, second))
    await events.wait_for(
        of_org("connect/share-token.inbound-redeemed", destination.id), timeout=30
    )
    runs = (await runs_of(source.api, share_id, 2)).data
    assert [r["attributes"]["outcome"] for r in runs] == ["created", "errored"]
    assert len(events.matching(of_org("workflow-run.errored", source.id))) == 1
    assert (await source.api.get("/connect/share-tokens")).data[0]["attributes"][
        "status"
    ] == "redeemed"
