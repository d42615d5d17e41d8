"""Setting up redemptions through the public API (gateway), as partners would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.jwk import KeySet

from connect_shared import jsonutil
from tests.support.api import ApiClient
from tests.support.ports import GATEWAY_URL as GATEWAY

FINISHED = ("redeemed", "failed")


@dataclass
class Pair:
    """A source and a destination organization with an active connection between them."""

    source: ApiClient
    destination: ApiClient
    source_org: str
    destination_org: str
    connection_id: str


async def connected_pair(org_factory: Any, client: Callable[[str], ApiClient]) -> Pair:
    source_org, destination_org = await asyncio.gather(
        asyncio.to_thread(org_factory, "redeemer-source"),
        asyncio.to_thread(org_factory, "redeemer-destination"),
    )
    source = client(source_org["api-key"])
    destination = client(destination_org["api-key"])
    created = await source.post(
        "/connect/connections",
        {"data": {"attributes": {"destination-organization-id": destination_org["id"]}}},
    )
    assert created.status == 201, created.body
    connection_id = created.data["id"]
    accepted = await destination.post(f"/connect/connections/{connection_id}/accept")
    assert accepted.status == 200, accepted.body
    return Pair(source, destination, source_org["id"], destination_org["id"], connection_id)


async def create_object(
    api: ApiClient, collection: str, fields: dict[str, Any], **attributes: Any
) -> dict[str, Any]:
    reply = await api.post(
        f"/{collection}", {"data": {"attributes": {"fields": fields, **attributes}}}
    )
    assert reply.status == 201, reply.body
    return dict(reply.data)


async def share(pair: Pair, source_id: str, expires_in: int = 3600) -> str:
    reply = await pair.source.post(
        "/connect/share-tokens",
        {
            "data": {
                "attributes": {
                    "connection-id": pair.connection_id,
                    "source-id": source_id,
                    "expires-in-seconds": expires_in,
                }
            }
        },
    )
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


async def token_status(api: ApiClient, token_id: str) -> str:
    reply = await api.get(f"/connect/share-tokens/{token_id}")
    assert reply.status == 200, reply.body
    return str(reply.data["attributes"]["status"])


async def wait_finished(api: ApiClient, token_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """The token once it is ``redeemed`` or ``failed``."""
    deadline = time.monotonic() + timeout
    while True:
        reply = await api.get(f"/connect/share-tokens/{token_id}")
        if reply.status == 200 and reply.data["attributes"]["status"] in FINISHED:
            return dict(reply.data)
        assert time.monotonic() < deadline, f"{token_id} did not finish: {reply.body}"
        await asyncio.sleep(0.1)


async def all_objects(api: ApiClient, collection: str) -> list[dict[str, Any]]:
    """Every object of the caller's organization in ``collection`` (follows pagination)."""
    found: list[dict[str, Any]] = []
    path: str | None = f"/{collection}?page[size]=100"
    while path:
        reply = await api.get(path)
        assert reply.status == 200, reply.body
        found += reply.data
        next_link = (reply.body.get("links") or {}).get("next")
        # links.next is relative to the host (/api/v1/...); the client adds /api/v1 itself.
        path = next_link.removeprefix("/api/v1") if next_link and reply.data else None
    return found


def copies_of(objects: Iterable[dict[str, Any]], token_id: str) -> list[dict[str, Any]]:
    """Objects whose provenance names ``token_id``."""
    return [
        o
        for o in objects
        if (o["attributes"].get("provenance") or {}).get("share-token-id") == token_id
    ]


async def jwks(api: ApiClient) -> KeySet:
    """The redeemer's public keys, fetched without any API key at the gateway root."""
    async with api.session.get(f"{GATEWAY}/.well-known/jwks.json") as response:
        assert response.status == 200
        document = await response.json(content_type=None)
    return KeySet.import_key_set(document)


def verify_copy(copy: dict[str, Any], keys: KeySet) -> bytes:
    """Verify a clone's attestation and that it signs exactly the object as read."""
    attestation = copy["attributes"]["provenance"]["attestation"]
    result = jws.deserialize_compact(attestation, keys, algorithms=["Ed25519", "EdDSA"])
    unsigned = jsonutil.loads(jsonutil.dumps(copy))
    del unsigned["attributes"]["provenance"]["attestation"]
    assert result.payload == jsonutil.canonical(unsigned)
    return bytes(result.payload)


def verify_hydrated(filled: dict[str, Any], keys: KeySet) -> dict[str, Any]:
    """Verify a hydrated object's attestation: it signs the object's type and id, the fields
    it names (each as read) and the provenance as read, nothing else. Returns the payload."""
    attributes = filled["attributes"]
    attestation = attributes["provenance"]["attestation"]
    result = jws.deserialize_compact(attestation, keys, algorithms=["Ed25519", "EdDSA"])
    payload: dict[str, Any] = jsonutil.loads(result.payload)
    provenance = {k: v for k, v in attributes["provenance"].items() if k != "attestation"}
    signed_fields = payload["attributes"]["fields"]
    expected = {
        "type": filled["type"],
        "id": filled["id"],
        "attributes": {
            "fields": {name: attributes["fields"][name] for name in signed_fields},
            "provenance": provenance,
        },
    }
    assert result.payload == jsonutil.canonical(expected)
    return payload


def signed_payload_of(copy: dict[str, Any], keys: KeySet) -> dict[str, Any]:
    """The decoded payload of a copy's attestation, once it verifies against ``keys``."""
    attestation = copy["attributes"]["provenance"]["attestation"]
    result = jws.deserialize_compact(attestation, keys, algorithms=["Ed25519", "EdDSA"])
    payload: dict[str, Any] = jsonutil.loads(result.payload)
    return payload
