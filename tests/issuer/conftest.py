"""Fixtures of the issuer suites: organizations with clients, and a connected pair."""

from __future__ import annotations

from typing import Any

import pytest

from tests.issuer.helpers import Org, Pair, attrs


@pytest.fixture
def new_org(org_factory: Any, client: Any) -> Any:
    """``new_org(name)`` -> an :class:`Org` made by `connect-admin`'s code (in-process)."""

    def make(name: str = "org") -> Org:
        created = org_factory(name)
        return Org(created["id"], created["api-key"], client(created["api-key"]))

    return make


@pytest.fixture
async def pair(new_org: Any) -> Pair:
    """Source and destination with an active connection and a completed inquiry."""
    source, destination = new_org("source"), new_org("destination")
    created = await source.api.post(
        "/connect/connections", json=attrs(destination_organization_id=destination.id)
    )
    assert created.status == 201, created.body
    connection_id = created.data["id"]
    accepted = await destination.api.post(f"/connect/connections/{connection_id}/accept")
    assert accepted.status == 200, accepted.body
    inquiry = await source.api.post(
        "/inquiries",
        json=attrs(
            status="completed",
            reference_id="ref-1",
            fields={"name-first": "Ada", "birthdate": "1990-01-02", "ssn": "123"},
        ),
    )
    assert inquiry.status == 201, inquiry.body
    return Pair(source, destination, connection_id, inquiry.data["id"])


@pytest.fixture
def outsider(new_org: Any) -> Org:
    """An organization that is no side of anything in the test."""
    return new_org("outsider")
