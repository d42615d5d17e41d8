"""Ingesting ``connect.source-events`` over fakes: signature first, then the object and its
event, each message once; what can never succeed is dead-lettered with the reason."""

from __future__ import annotations

import time
from typing import Any

import pytest

from connect_shared import jsonutil
from connect_shared.domain_errors import StoreUnavailable
from connect_shared.ingest_signature import sign_headers
from issuer.domain.ingest_keys import issue_ingest_key
from issuer.usecases.ingestion import SourceEventIngestion, SourceMessage
from tests.issuer.unit.builders import START, World
from tests.issuer.unit.fakes import FakeDeadLetters, FakeIngestedEvents, FakeIngestKeys

pytestmark = pytest.mark.unit

SECRET = "s3cret-for-unit-tests"


class Ingesting:
    def __init__(self) -> None:
        self.world = World()
        self.org = self.world.organization()
        self.keys = FakeIngestKeys()
        self.key = issue_ingest_key(self.org, "sealed", START)
        self.keys.add(self.key, SECRET)
        self.dead = FakeDeadLetters()
        self.ingestion = SourceEventIngestion(
            self.world.entities, self.keys, FakeIngestedEvents(), self.dead
        )

    def message(self, body: dict[str, Any], *, signed: bool = True) -> SourceMessage:
        value = jsonutil.dumps(body)
        now = int(time.time())
        headers = sign_headers(self.key.id, SECRET, value, now) if signed else []
        return SourceMessage("connect.source-events", 0, 7, b"k", value, headers, stored_at=now)

    def completed(self, object_id: str = "inq_unit000000000000000001") -> dict[str, Any]:
        return {
            "name": "inquiry.completed",
            "organization-id": self.org,
            "created-at": "2026-01-02T03:04:05.000Z",
            "payload": {
                "data": {
                    "type": "inquiry",
                    "id": object_id,
                    "attributes": {"status": "completed", "fields": {"name-first": "Ada"}},
                }
            },
        }


async def test_a_signed_event_writes_the_object_and_one_event_even_when_redelivered() -> None:
    ingesting = Ingesting()
    message = ingesting.message(ingesting.completed())
    await ingesting.ingestion.handle(message)
    await ingesting.ingestion.handle(message)
    stored = await ingesting.world.entities.source_object("inq_unit000000000000000001")
    assert stored is not None and stored.organization_id == ingesting.org
    assert [e.name for _, e in ingesting.world.entities.events] == ["inquiry.completed"]
    assert ingesting.dead.letters == []


async def test_an_unsigned_message_is_dead_lettered_with_where_it_came_from() -> None:
    ingesting = Ingesting()
    await ingesting.ingestion.handle(ingesting.message(ingesting.completed(), signed=False))
    [(key, _, reason, origin)] = ingesting.dead.letters
    assert (key, origin) == ("k", "connect.source-events/0/7")
    assert reason.startswith("unsigned")
    assert ingesting.world.entities.events == []


async def test_an_object_of_another_organization_is_dead_lettered() -> None:
    ingesting = Ingesting()
    foreign = ingesting.world.inquiry(ingesting.world.organization())
    await ingesting.ingestion.handle(ingesting.message(ingesting.completed(foreign.id)))
    [(_, _, reason, _)] = ingesting.dead.letters
    assert "another organization" in reason


async def test_an_unknown_key_while_the_view_rebuilds_is_retried_not_dead_lettered() -> None:
    ingesting = Ingesting()
    ingesting.keys.keys.clear()
    ingesting.world.entities.ready = False
    with pytest.raises(StoreUnavailable):
        await ingesting.ingestion.handle(ingesting.message(ingesting.completed()))
    assert ingesting.dead.letters == []
