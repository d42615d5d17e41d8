"""Sharing settings govern every copy (contract 2.1): clone, hydrate, field mappings and
workflow redemptions carry only ``full`` fields, name the existing ``presence`` ones in
``provenance.present-fields``, and leave no trace of ``none`` ones. Copies are searched whole
(the JSON as read) for the withheld values, and their attestations are decoded and checked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.redeemer.e2e.world import (
    Pair,
    all_objects,
    create_object,
    jwks,
    share,
    signed_payload_of,
    verify_copy,
    verify_hydrated,
    wait_finished,
)
from tests.support.api import ApiClient
from tests.workflows.world import create_workflow, runs_of, workflow_doc

pytestmark = pytest.mark.e2e

SSN = "078-05-1120"
BIRTHDATE = "1815-12-10"
FIELDS = {"name-first": "Ada", "name-last": "Lovelace", "ssn": SSN, "birthdate": BIRTHDATE}
WITHHOLDING = {"ssn": "none", "birthdate": "presence"}
TOKENS = "/connect/share-tokens"


async def set_sharing(pair: Pair, sharing: dict[str, str]) -> None:
    reply = await pair.source.patch(
        f"/connect/connections/{pair.connection_id}",
        {"data": {"attributes": {"sharing-settings": sharing}}},
    )
    assert reply.status == 200, reply.body
    assert reply.data["attributes"]["sharing-settings"] == sharing


async def redeemed_copy(
    pair: Pair, token_id: str, collection: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Redeem ``token_id`` as the destination and read the object it wrote."""
    accepted = await pair.destination.post(f"{TOKENS}/{token_id}/redeem", body)
    assert accepted.status == 202, accepted.body
    token = await wait_finished(pair.destination, token_id)
    assert token["attributes"]["status"] == "redeemed", token
    copy_id = token["relationships"]["destination"]["data"]["id"]
    return await read(pair.destination, f"/{collection}/{copy_id}")


async def read(api: ApiClient, path: str) -> dict[str, Any]:
    reply = await api.get(path)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def assert_nowhere(document: Any, *secrets: str) -> None:
    raw = json.dumps(document)
    for secret in secrets:
        assert secret not in raw, f"{secret!r} leaked into {raw}"


async def test_clone_holds_only_full_fields_and_names_the_existing_presence_fields(
    pair: Pair,
) -> None:
    await set_sharing(pair, WITHHOLDING)
    verification = await create_object(
        pair.source,
        "verifications",
        {"id-class": "pp", "ssn": SSN, "birthdate": BIRTHDATE},
        kind="government-id",
    )
    inquiry = await create_object(
        pair.source, "inquiries", FIELDS, **{"verification-ids": [verification["id"]]}
    )
    document = await redeemed_copy(pair, await share(pair, inquiry["id"]), "inquiries")
    copy = document["data"]
    assert copy["attributes"]["fields"] == {"name-first": "Ada", "name-last": "Lovelace"}
    provenance = copy["attributes"]["provenance"]
    assert provenance["present-fields"] == ["birthdate"]
    assert provenance["destination-organization-id"] == pair.destination_org
    assert_nowhere(document, SSN, BIRTHDATE, '"ssn"')

    (linked,) = copy["relationships"]["verifications"]["data"]
    verification_copy = await read(pair.destination, f"/verifications/{linked['id']}")
    assert verification_copy["data"]["attributes"]["fields"] == {"id-class": "pp"}
    assert verification_copy["data"]["attributes"]["provenance"]["present-fields"] == ["birthdate"]
    assert_nowhere(verification_copy, SSN, BIRTHDATE, '"ssn"')
    assert_nowhere(await all_objects(pair.destination, "inquiries"), SSN, BIRTHDATE)
    assert_nowhere(await all_objects(pair.destination, "verifications"), SSN, BIRTHDATE)

    keys = await jwks(pair.destination)
    verify_copy(copy, keys)
    verify_copy(verification_copy["data"], keys)
    signed = signed_payload_of(copy, keys)
    assert signed["attributes"]["fields"] == {"name-first": "Ada", "name-last": "Lovelace"}
    assert signed["attributes"]["provenance"]["destination-organization-id"] == (
        pair.destination_org
    )
    assert signed["attributes"]["provenance"]["present-fields"] == ["birthdate"]


async def test_clone_under_a_star_default_copies_only_the_fields_named_full(pair: Pair) -> None:
    await set_sharing(pair, {"*": "none", "name-first": "full", "birthdate": "presence"})
    inquiry = await create_object(pair.source, "inquiries", FIELDS)
    mappings = {
        "meta": {
            "field-mappings": [
                {"source-field-name": "name-last", "destination-field-name": "family-name"},
                {"source-field-name": "ssn", "destination-field-name": "tax-id"},
            ]
        }
    }
    document = await redeemed_copy(pair, await share(pair, inquiry["id"]), "inquiries", mappings)
    copy = document["data"]
    assert copy["attributes"]["fields"] == {"name-first": "Ada"}
    assert copy["attributes"]["provenance"]["present-fields"] == ["birthdate"]
    assert_nowhere(document, SSN, BIRTHDATE, "Lovelace", "tax-id", "family-name")
    verify_copy(copy, await jwks(pair.destination))


async def test_hydrate_writes_only_full_fields_and_no_mapping_routes_a_withheld_one(
    pair: Pair,
) -> None:
    await set_sharing(pair, WITHHOLDING)
    source = await create_object(pair.source, "accounts", FIELDS)
    target = await create_object(
        pair.destination, "accounts", {"name-first": "old", "kept": "own data"}
    )
    body = {
        "data": {"attributes": {"destination-id": target["id"]}},
        "meta": {
            "field-mappings": [
                {"source-field-name": "ssn", "destination-field-name": "tax-id"},
                {"source-field-name": "birthdate", "destination-field-name": "dob"},
                {"source-field-name": "name-last", "destination-field-name": "family-name"},
            ]
        },
    }
    document = await redeemed_copy(pair, await share(pair, source["id"]), "accounts", body)
    filled = document["data"]
    assert filled["id"] == target["id"]
    assert filled["attributes"]["fields"] == {
        "name-first": "Ada",
        "kept": "own data",
        "family-name": "Lovelace",
    }
    assert filled["attributes"]["provenance"]["present-fields"] == ["birthdate"]
    assert_nowhere(document, SSN, BIRTHDATE, "tax-id", '"dob"')

    signed = verify_hydrated(filled, await jwks(pair.destination))
    assert signed["attributes"]["fields"] == {"name-first": "Ada", "family-name": "Lovelace"}
    assert signed["attributes"]["provenance"]["destination-organization-id"] == (
        pair.destination_org
    )
    assert_nowhere(signed, "own data", "kept", SSN, BIRTHDATE)


async def test_settings_tightened_after_the_token_was_issued_still_govern_the_copy(
    pair: Pair,
) -> None:
    inquiry = await create_object(pair.source, "inquiries", FIELDS)
    token_id = await share(pair, inquiry["id"])
    await set_sharing(pair, WITHHOLDING)
    document = await redeemed_copy(pair, token_id, "inquiries")
    assert document["data"]["attributes"]["fields"] == {
        "name-first": "Ada",
        "name-last": "Lovelace",
    }
    assert_nowhere(document, SSN, BIRTHDATE)


async def test_a_workflow_redemption_copies_only_what_the_sharing_settings_allow(
    pair: Pair,
) -> None:
    redeem = await create_workflow(
        pair.destination,
        workflow_doc(
            "connect/share-token.inbound-created",
            {
                "type": "redeem-share-token",
                "field-mappings": [
                    {"source-field-name": "ssn", "destination-field-name": "tax-id"}
                ],
            },
            name="redeem what arrives",
            filter={"connection-id": pair.connection_id},
        ),
    )
    await set_sharing(pair, WITHHOLDING)
    inquiry = await create_object(pair.source, "inquiries", FIELDS)
    token_id = await share(pair, inquiry["id"])

    token = await wait_finished(pair.destination, token_id)
    assert token["attributes"]["status"] == "redeemed", token
    (run,) = (await runs_of(pair.destination, redeem["id"], 1)).data
    assert run["attributes"]["object-id"] == token_id
    copy_id = token["relationships"]["destination"]["data"]["id"]
    document = await read(pair.destination, f"/inquiries/{copy_id}")
    copy = document["data"]
    assert copy["attributes"]["fields"] == {"name-first": "Ada", "name-last": "Lovelace"}
    assert copy["attributes"]["provenance"]["present-fields"] == ["birthdate"]
    assert_nowhere(document, SSN, BIRTHDATE, "tax-id")
    verify_copy(copy, await jwks(pair.destination))
