"""Source systems feed objects through ``connect.source-events`` (contract section 3)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from connect_shared import jsonutil
from tests.issuer.helpers import Org, RawRecorder, all_ids, events_for, produce
from tests.support.ingest import ingest_key_for, produce_signed
from tests.support.kafka import TopicRecorder, event_named

pytestmark = pytest.mark.e2e

SOURCE_EVENTS = "connect.source-events"
DLQ = "connect.source-events.dlq"


@pytest.fixture
async def dead_letters() -> AsyncIterator[RawRecorder]:
    recorder = RawRecorder(DLQ)
    await recorder.start()
    yield recorder
    await recorder.stop()


def unique_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def source_event(org_id: str, name: str, obj: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "organization-id": org_id,
        "created-at": "2026-01-02T03:04:05.000Z",
        "payload": {"data": obj, "included": extra.get("included", [])},
    }


def inquiry(inquiry_id: str, **attributes: Any) -> dict[str, Any]:
    return {
        "type": "inquiry",
        "id": inquiry_id,
        "attributes": {"status": "completed", "fields": {"name-first": "Cy"}, **attributes},
    }


async def test_ingested_inquiry_is_stored_and_becomes_a_platform_event(
    new_org: Any, events: TopicRecorder
) -> None:
    owner: Org = new_org("owner")
    inq, ver = unique_id("inq_"), unique_id("ver_")
    included = [{"type": "verification/government-id", "id": ver, "attributes": {}}]
    message = source_event(owner.id, "inquiry.completed", inquiry(inq), included=included)
    await produce(SOURCE_EVENTS, inq, jsonutil.dumps(message))
    found = await events.wait_for(event_named("inquiry.completed", **{"organization-id": owner.id}))
    payload = found[0]["data"]["attributes"]["payload"]["data"]
    assert payload["id"] == inq
    assert payload["attributes"]["status"] == "completed"
    stored = await owner.api.get(f"/inquiries/{inq}")
    assert stored.status == 200
    assert stored.data["attributes"]["fields"] == {"name-first": "Cy"}
    assert [v["id"] for v in stored.data["relationships"]["verifications"]["data"]] == [ver]
    assert (await owner.api.get(f"/verifications/{ver}")).status == 200


async def test_reprocessing_the_same_source_event_changes_nothing(
    new_org: Any, events: TopicRecorder
) -> None:
    owner: Org = new_org("owner")
    inq = unique_id("inq_")
    value = jsonutil.dumps(source_event(owner.id, "inquiry.completed", inquiry(inq)))
    # The marker: a later event on the same key (so the same partition, handled in order);
    # once its effect shows, the duplicate before it has been handled too.
    marker = unique_id("inq_")
    await produce(SOURCE_EVENTS, inq, value)
    await produce(SOURCE_EVENTS, inq, value)
    marker_value = source_event(owner.id, "inquiry.completed", inquiry(marker))
    await produce(SOURCE_EVENTS, inq, jsonutil.dumps(marker_value))
    await events.wait_for(
        lambda m: m["data"]["attributes"].get("payload", {}).get("data", {}).get("id") == marker
    )
    later = [
        m
        for m in await events_for(events, {owner.id})
        if m["data"]["attributes"]["payload"]["data"]["id"] == inq
    ]
    assert len(later) == 1
    assert sorted(await all_ids(owner.api, "/inquiries")) == sorted([inq, marker])


async def test_redaction_event_marks_the_object_redacted(
    new_org: Any, events: TopicRecorder
) -> None:
    owner: Org = new_org("owner")
    inq = unique_id("inq_")
    created = source_event(owner.id, "inquiry.completed", inquiry(inq))
    redacted = {
        **source_event(owner.id, "inquiry.redacted", inquiry(inq)),
        "created-at": "2026-01-03T00:00:00.000Z",
    }
    await produce(SOURCE_EVENTS, inq, jsonutil.dumps(created))
    await produce(SOURCE_EVENTS, inq, jsonutil.dumps(redacted))
    await events.wait_for(event_named("inquiry.redacted", **{"organization-id": owner.id}))
    stored = await owner.api.get(f"/inquiries/{inq}")
    assert stored.data["attributes"]["redacted"] is True
    assert stored.data["attributes"]["fields"] == {}


@pytest.mark.parametrize(
    ("value", "reason_part"),
    [
        (b"{not json", "not JSON"),
        (b'{"name": "inquiry.completed"}', "organization-id"),
        (jsonutil.dumps(source_event("org_x", "inquiry.exploded", inquiry("inq_1"))), "name"),
        (
            jsonutil.dumps(source_event("org_x", "account.created", inquiry("inq_1"))),
            "does not match",
        ),
        (
            # Only the organization's own ingest key may act for it, so a message naming an
            # organization that does not exist is never signed for it.
            jsonutil.dumps(source_event("org_nobody000", "inquiry.completed", inquiry("inq_2"))),
            "another organization",
        ),
    ],
    ids=["not-json", "missing-fields", "unknown-event", "type-mismatch", "unknown-org"],
)
async def test_malformed_source_events_go_to_the_dlq_and_never_block_the_partition(
    new_org: Any,
    events: TopicRecorder,
    dead_letters: RawRecorder,
    value: bytes,
    reason_part: str,
) -> None:
    owner: Org = new_org("owner")
    marker = unique_id("inq_")
    poisoned = value.replace(b"inq_1", marker.encode()).replace(b"inq_2", marker.encode())
    # Signed by the owner, so each message reaches the check its case is about.
    await produce_signed(marker, poisoned, ingest_key_for(owner.id))
    good = unique_id("inq_")
    await produce(
        SOURCE_EVENTS,
        marker,
        jsonutil.dumps(source_event(owner.id, "inquiry.completed", inquiry(good))),
    )
    headers = await dead_letters.wait_for_value(poisoned)
    assert reason_part in headers["connect-dlq-reason"].decode()
    await events.wait_for(event_named("inquiry.completed", **{"organization-id": owner.id}))
    assert (await owner.api.get(f"/inquiries/{good}")).status == 200
