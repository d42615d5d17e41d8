"""Clone and hydrate end to end: copies readable, both sides told, provenance verifiable."""

from __future__ import annotations

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError

from redeemer.domain.attestation import b64url, b64url_decode
from tests.redeemer.e2e.world import (
    Pair,
    all_objects,
    copies_of,
    create_object,
    jwks,
    share,
    verify_copy,
    verify_hydrated,
    wait_finished,
)
from tests.support.kafka import TopicRecorder, event_named
from tests.support.ports import GATEWAY_URL

pytestmark = pytest.mark.e2e

FIELDS = {"name-first": "Ada", "name-last": "Lovelace", "birthdate": "1815-12-10", "score": 0.5}


def tamper_one_byte(attestation: str) -> str:
    header, payload, signature = attestation.split(".")
    raw = bytearray(b64url_decode(payload))
    raw[raw.index(b"Ada")] ^= 0x01  # "Ada" -> "@da"
    return f"{header}.{b64url(bytes(raw))}.{signature}"


async def test_clone_creates_a_verifiable_copy_and_tells_both_sides(
    pair: Pair, events: TopicRecorder
) -> None:
    verification = await create_object(
        pair.source, "verifications", {"id-class": "pp"}, kind="government-id"
    )
    inquiry = await create_object(
        pair.source,
        "inquiries",
        FIELDS,
        status="approved",
        **{"verification-ids": [verification["id"]]},
    )
    token_id = await share(pair, inquiry["id"])

    accepted = await pair.destination.post(f"/connect/share-tokens/{token_id}/redeem")
    assert accepted.status == 202, accepted.body
    assert accepted.data["attributes"]["status"] == "pending"
    assert accepted.data["attributes"]["redeem-mode"] == "clone"
    assert accepted.data["attributes"]["direction"] == "inbound"

    token = await wait_finished(pair.destination, token_id)
    assert token["attributes"]["status"] == "redeemed"
    destination = token["relationships"]["destination"]["data"]
    assert destination["type"] == "inquiry"
    assert destination["id"].startswith("inq_") and destination["id"] != inquiry["id"]

    copy = await pair.destination.get(f"/inquiries/{destination['id']}")
    assert copy.status == 200, copy.body
    assert copy.data["attributes"]["fields"] == FIELDS
    provenance = copy.data["attributes"]["provenance"]
    assert provenance["share-token-id"] == token_id
    assert provenance["source-organization-id"] == pair.source_org
    assert provenance["destination-organization-id"] == pair.destination_org
    assert provenance["source-object-id"] == inquiry["id"]
    assert provenance["present-fields"] == []
    assert (await pair.source.get(f"/inquiries/{destination['id']}")).status == 404

    keys = await jwks(pair.destination)
    verify_copy(copy.data, keys)
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(
            tamper_one_byte(provenance["attestation"]), keys, algorithms=["Ed25519"]
        )

    (linked,) = copy.data["relationships"]["verifications"]["data"]
    verification_copy = await pair.destination.get(f"/verifications/{linked['id']}")
    assert verification_copy.status == 200
    assert verification_copy.data["attributes"]["fields"] == {"id-class": "pp"}
    verify_copy(verification_copy.data, keys)

    outbound = await events.wait_for(
        event_named("connect/share-token.outbound-redeemed", **{"organization-id": pair.source_org})
    )
    inbound = await events.wait_for(
        event_named(
            "connect/share-token.inbound-redeemed", **{"organization-id": pair.destination_org}
        )
    )
    for event, direction in ((outbound[0], "outbound"), (inbound[0], "inbound")):
        payload = event["data"]["attributes"]["payload"]["data"]
        assert payload["id"] == token_id
        assert payload["attributes"]["status"] == "redeemed"
        assert payload["attributes"]["direction"] == direction


async def test_hydrate_fills_the_destinations_object_with_mapped_fields(
    pair: Pair, events: TopicRecorder
) -> None:
    source = await create_object(pair.source, "accounts", FIELDS)
    target = await create_object(pair.destination, "accounts", {"name-first": "old", "kept": True})
    token_id = await share(pair, source["id"])
    body = {
        "data": {"attributes": {"destination-id": target["id"]}},
        "meta": {
            "field-mappings": [
                {"source-field-name": "name-last", "destination-field-name": "family-name"}
            ]
        },
    }
    accepted = await pair.destination.post(f"/connect/share-tokens/{token_id}/redeem", body)
    assert accepted.status == 202, accepted.body
    assert accepted.data["attributes"]["redeem-mode"] == "hydrate"

    token = await wait_finished(pair.destination, token_id)
    assert token["attributes"]["status"] == "redeemed"
    assert token["relationships"]["destination"]["data"] == {"type": "account", "id": target["id"]}

    filled = await pair.destination.get(f"/accounts/{target['id']}")
    assert filled.data["attributes"]["fields"] == {
        "name-first": "Ada",
        "kept": True,
        "family-name": "Lovelace",
        "birthdate": "1815-12-10",
        "score": 0.5,
    }
    keys = await jwks(pair.destination)
    signed = verify_hydrated(filled.data, keys)
    # The attestation covers what came from the source, not the destination's own `kept`.
    assert signed["attributes"]["fields"] == {
        "name-first": "Ada",
        "family-name": "Lovelace",
        "birthdate": "1815-12-10",
        "score": 0.5,
    }
    assert signed["attributes"]["provenance"]["destination-organization-id"] == (
        pair.destination_org
    )
    with pytest.raises(BadSignatureError):
        attestation = filled.data["attributes"]["provenance"]["attestation"]
        jws.deserialize_compact(tamper_one_byte(attestation), keys, algorithms=["Ed25519"])
    assert len(await all_objects(pair.destination, "accounts")) == 1
    for name, org in (
        ("connect/share-token.outbound-redeemed", pair.source_org),
        ("connect/share-token.inbound-redeemed", pair.destination_org),
    ):
        await events.wait_for(event_named(name, **{"organization-id": org}))


async def test_redacted_source_fails_with_source_redacted_and_both_sides_hear_it(
    pair: Pair, events: TopicRecorder
) -> None:
    inquiry = await create_object(pair.source, "inquiries", FIELDS)
    token_id = await share(pair, inquiry["id"])
    redacted = await pair.source.post(f"/inquiries/{inquiry['id']}/redact")
    assert redacted.status == 200, redacted.body
    accepted = await pair.destination.post(f"/connect/share-tokens/{token_id}/redeem")
    assert accepted.status == 202, accepted.body
    token = await wait_finished(pair.source, token_id)
    assert token["attributes"]["status"] == "failed"
    assert token["attributes"]["failure-reason"] == "source_redacted"
    assert copies_of(await all_objects(pair.destination, "inquiries"), token_id) == []
    await events.wait_for(
        event_named("connect/share-token.outbound-failed", **{"organization-id": pair.source_org})
    )
    await events.wait_for(
        event_named(
            "connect/share-token.inbound-failed", **{"organization-id": pair.destination_org}
        )
    )


async def test_hydrating_an_object_of_another_organization_fails_with_import_failed(
    pair: Pair,
) -> None:
    inquiry = await create_object(pair.source, "inquiries", FIELDS)
    not_theirs = await create_object(pair.source, "inquiries", {"x": 1})
    token_id = await share(pair, inquiry["id"])
    body = {"data": {"attributes": {"destination-id": not_theirs["id"]}}}
    accepted = await pair.destination.post(f"/connect/share-tokens/{token_id}/redeem", body)
    assert accepted.status == 202, accepted.body
    token = await wait_finished(pair.destination, token_id)
    assert (token["attributes"]["status"], token["attributes"]["failure-reason"]) == (
        "failed",
        "import_failed",
    )
    untouched = await pair.source.get(f"/inquiries/{not_theirs['id']}")
    assert untouched.data["attributes"]["fields"] == {"x": 1}
    assert "provenance" not in untouched.data["attributes"]


async def test_jwks_is_public_and_lists_ed25519_signing_keys(pair: Pair) -> None:
    async with pair.source.session.get(f"{GATEWAY_URL}/.well-known/jwks.json") as reply:
        assert reply.status == 200
        document = await reply.json(content_type=None)
    assert document["keys"]
    for key in document["keys"]:
        assert (key["kty"], key["crv"], key["use"]) == ("OKP", "Ed25519", "sig")
        assert key["kid"] and key["alg"] in ("Ed25519", "EdDSA")
        assert "d" not in key
