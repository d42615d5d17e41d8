"""Fixtures of the Persona compatibility suite: organizations whose clients speak
``Persona-Version: 2025-12-08`` (or Connect's contract), and a connected pair."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.persona.spec import HEADERS
from tests.support.api import ApiClient


class PersonaApi(ApiClient):
    """An :class:`ApiClient` that sends ``Persona-Version: 2025-12-08`` on every request."""

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return super()._headers({**HEADERS, **(extra or {})})


@dataclass
class Side:
    """An organization with a Persona-speaking and a Connect-speaking client."""

    id: str
    key_id: str
    persona: PersonaApi
    connect: ApiClient


@dataclass
class Connected:
    """Source and destination with an active connection and an inquiry of the source."""

    source: Side
    destination: Side
    connection_id: str
    inquiry_id: str

    async def issue(self, source_id: str | None = None, **extra: Any) -> Any:
        """Persona's share-token create body on the pair's connection."""
        attributes = {
            "connection-id": self.connection_id,
            "source-id": source_id or self.inquiry_id,
            **extra,
        }
        return await self.source.persona.post(
            "/connect/share-tokens", {"data": {"attributes": attributes}}
        )


@pytest.fixture
def side(org_factory: Any, http: Any) -> Any:
    """``side(name)`` -> a new organization as a :class:`Side`."""

    def make(name: str = "persona-org", rate_limit: int | None = None) -> Side:
        created = org_factory(name) if rate_limit is None else org_factory(name, rate_limit)
        key = created["api-key"]
        return Side(
            created["id"], created["api-key-id"], PersonaApi(http, key), ApiClient(http, key)
        )

    return make


@pytest.fixture
async def connected(side: Any) -> Connected:
    """An active connection (made with Persona's example body) and a completed inquiry."""
    source, destination = side("persona-source"), side("persona-destination")
    # components/examples/create-connection.yaml, with a real destination id.
    body = {"data": {"attributes": {"destination-organization-id": destination.id}}}
    created = await source.persona.post("/connect/connections", body)
    assert created.status == 201, created.body
    connection_id = created.data["id"]
    accepted = await destination.persona.post(f"/connect/connections/{connection_id}/accept")
    assert accepted.status == 200, accepted.body
    inquiry = await source.connect.post(
        "/inquiries",
        {
            "data": {
                "attributes": {
                    "status": "completed",
                    "fields": {"name-first": "Ada", "birthdate": "1990-01-02", "ssn": "123"},
                }
            }
        },
    )
    assert inquiry.status == 201, inquiry.body
    return Connected(source, destination, connection_id, inquiry.data["id"])
