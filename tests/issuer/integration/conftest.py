"""In-process fixtures: the issuer's use cases over the real Kafka and Redis (no HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from connect_shared.clock import epoch_ms, iso
from connect_shared.ids import new_id
from connect_shared.records import (
    ConnectionRecord,
    ShareTokenRecord,
    SourceObjectRecord,
    connection_state,
    share_token_state,
    source_object_state,
)
from connect_shared.runtime import Runtime, open_runtime
from issuer.config import IssuerSettings


@pytest.fixture
async def runtime(infrastructure: None) -> AsyncIterator[Runtime]:
    """A real Runtime (one producer, one Redis pool), as the issuer process opens it."""
    async with open_runtime(IssuerSettings(), "issuer-tests", connect_timeout=30) as opened:
        await opened.guardian.wait_ready(30)
        yield opened


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def active_connection(runtime: Runtime, source: str, destination: str) -> ConnectionRecord:
    """Write an active connection directly into the durable store."""
    stamp = iso(datetime.now(UTC))
    connection = ConnectionRecord(
        id=new_id("cxn_"),
        source_organization_id=source,
        destination_organization_id=destination,
        status="active",
        created_at=stamp,
        updated_at=stamp,
    )
    await runtime.store.put(connection_state(connection))
    return connection


async def inquiry_of(runtime: Runtime, org_id: str) -> SourceObjectRecord:
    """Write an inquiry of ``org_id`` directly into the durable store."""
    stamp = iso(datetime.now(UTC))
    obj = SourceObjectRecord(
        id=new_id("inq_"),
        organization_id=org_id,
        type="inquiry",
        created_at=stamp,
        updated_at=stamp,
        fields={"name-first": "Di"},
    )
    await runtime.store.put(source_object_state(obj))
    return obj


async def token_expiring(runtime: Runtime, at: datetime) -> ShareTokenRecord:
    """Write a ``created`` token of two fresh organizations expiring at ``at``."""
    token = token_record(at)
    await runtime.store.put(share_token_state(token))
    return token


def token_record(at: datetime) -> ShareTokenRecord:
    """A ``created`` token of two fresh organizations, issued 5 minutes before it expires at
    ``at``."""
    stamp = iso(at - timedelta(minutes=5))
    return ShareTokenRecord(
        id=new_id("cnst_"),
        connection_id=new_id("cxn_"),
        source_organization_id=new_id("org_"),
        destination_organization_id=new_id("org_"),
        source_id=new_id("inq_"),
        source_type="inquiry",
        created_at=stamp,
        updated_at=stamp,
        expires_at=iso(at),
        expires_at_ms=epoch_ms(at),
    )
