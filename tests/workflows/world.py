"""Helpers of the workflow suites: organizations, workflow documents, source messages."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from connect_shared import jsonutil
from connect_shared.clock import iso, utcnow
from tests.issuer.helpers import Org, produce
from tests.support.api import ApiClient, Reply

SOURCE_EVENTS = "connect.source-events"
INBOUND_CREATED = "connect/share-token.inbound-created"


@dataclass
class Connected:
    """A source and a destination organization with an active connection."""

    source: Org
    destination: Org
    connection_id: str


async def connect(new_org: Callable[[str], Org]) -> Connected:
    source, destination = await asyncio.gather(
        asyncio.to_thread(new_org, "wf-source"), asyncio.to_thread(new_org, "wf-destination")
    )
    created = await source.api.post(
        "/connect/connections",
        {"data": {"attributes": {"destination-organization-id": destination.id}}},
    )
    assert created.status == 201, created.body
    connection_id = created.data["id"]
    accepted = await destination.api.post(f"/connect/connections/{connection_id}/accept")
    assert accepted.status == 200, accepted.body
    return Connected(source, destination, connection_id)


def share_action(connection_id: str, ttl: int = 3600) -> dict[str, Any]:
    return {"type": "create-share-token", "connection-id": connection_id, "expires-in-seconds": ttl}


def workflow_doc(
    event: str, action: dict[str, Any], *, name: str = "wf", **trigger: Any
) -> dict[str, Any]:
    return {
        "data": {
            "attributes": {
                "name": name,
                "enabled": True,
                "trigger": {"event": event, **trigger},
                "action": action,
            }
        }
    }


async def create_workflow(api: ApiClient, document: dict[str, Any]) -> dict[str, Any]:
    reply = await api.post("/workflows", document)
    assert reply.status == 201, reply.body
    return dict(reply.data)


def new_inquiry_id() -> str:
    return "inq_" + uuid.uuid4().hex


def completed_message(org_id: str, inquiry_id: str) -> bytes:
    """An ``inquiry.completed`` message exactly as a source system produces it."""
    message = {
        "name": "inquiry.completed",
        "organization-id": org_id,
        "created-at": iso(utcnow()),
        "payload": {
            "data": {
                "type": "inquiry",
                "id": inquiry_id,
                "attributes": {
                    "status": "completed",
                    "reference-id": "user-7",
                    "fields": {"name-first": "Ada", "birthdate": "1990-12-10"},
                },
            },
            "included": [],
        },
    }
    return jsonutil.dumps(message)


async def produce_source_event(inquiry_id: str, value: bytes) -> None:
    await produce(SOURCE_EVENTS, inquiry_id, value)


async def runs_of(api: ApiClient, workflow_id: str, count: int, timeout: float = 20.0) -> Reply:
    """The run log once it holds ``count`` entries."""
    deadline = time.monotonic() + timeout
    while True:
        reply = await api.get(f"/workflows/{workflow_id}/runs")
        assert reply.status == 200, reply.body
        if len(reply.data) >= count:
            return reply
        assert time.monotonic() < deadline, f"run log of {workflow_id}: {reply.body}"
        await asyncio.sleep(0.1)
