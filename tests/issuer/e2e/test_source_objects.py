"""Inquiries, accounts, transactions and verifications over HTTP (contract section 2.2)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.issuer.helpers import Org, all_ids, attrs, events_for
from tests.support.kafka import TopicRecorder

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("collection", "prefix", "type_"),
    [
        ("inquiries", "inq_", "inquiry"),
        ("accounts", "act_", "account"),
        ("transactions", "txn_", "transaction"),
        ("verifications", "ver_", "verification/government-id"),
    ],
)
async def test_objects_are_created_read_and_listed_in_the_callers_organization(
    new_org: Any, collection: str, prefix: str, type_: str
) -> None:
    owner, other = new_org("owner"), new_org("other")
    body = attrs(reference_id="ref-9", fields={"name-first": "Bo"})
    created = await owner.api.post(f"/{collection}", json=body)
    assert created.status == 201, created.body
    obj = created.data
    assert obj["id"].startswith(prefix)
    assert obj["type"] == type_
    assert obj["attributes"]["status"] == "created"
    assert obj["attributes"]["reference-id"] == "ref-9"
    assert obj["attributes"]["fields"] == {"name-first": "Bo"}
    read = await owner.api.get(f"/{collection}/{obj['id']}")
    assert read.data == obj
    assert await all_ids(owner.api, f"/{collection}") == [obj["id"]]
    assert (await other.api.get(f"/{collection}/{obj['id']}")).status == 404
    assert await all_ids(other.api, f"/{collection}") == []


async def test_object_of_another_collection_is_404(new_org: Any) -> None:
    owner = new_org("owner")
    inquiry = (await owner.api.post("/inquiries", json=attrs())).data["id"]
    assert (await owner.api.get(f"/accounts/{inquiry}")).status == 404


async def test_verification_kind_sets_its_type(new_org: Any) -> None:
    owner = new_org("owner")
    created = await owner.api.post("/verifications", json=attrs(kind="selfie"))
    assert created.data["type"] == "verification/selfie"


async def test_inquiry_lists_its_verifications(new_org: Any) -> None:
    owner = new_org("owner")
    ver = (await owner.api.post("/verifications", json=attrs())).data["id"]
    created = await owner.api.post("/inquiries", json=attrs(verification_ids=[ver]))
    assert created.status == 201, created.body
    related = created.data["relationships"]["verifications"]["data"]
    assert [r["id"] for r in related] == [ver]


async def test_inquiry_refuses_verifications_of_another_organization(new_org: Any) -> None:
    owner, other = new_org("owner"), new_org("other")
    foreign = (await other.api.post("/verifications", json=attrs())).data["id"]
    refused = await owner.api.post("/inquiries", json=attrs(verification_ids=[foreign]))
    assert refused.status == 422
    assert refused.error_pointer == "/data/attributes/verification-ids/0"
    assert await all_ids(owner.api, "/inquiries") == []


async def test_inquiry_status_outside_the_contract_is_422(new_org: Any) -> None:
    owner = new_org("owner")
    refused = await owner.api.post("/inquiries", json=attrs(status="archived"))
    assert refused.status == 422
    assert refused.error_pointer == "/data/attributes/status"


async def test_redact_removes_fields_marks_object_and_emits_event(
    new_org: Any, events: TopicRecorder
) -> None:
    owner: Org = new_org("owner")
    inquiry = await owner.api.post("/inquiries", json=attrs(fields={"ssn": "1"}))
    inquiry_id = inquiry.data["id"]
    redacted = await owner.api.post(f"/inquiries/{inquiry_id}/redact")
    assert redacted.status == 200
    assert redacted.data["attributes"]["redacted"] is True
    assert redacted.data["attributes"]["fields"] == {}
    found = await events_for(events, {owner.id})
    names = sorted(m["data"]["attributes"]["name"] for m in found)
    assert names == ["inquiry.created", "inquiry.redacted"]


async def test_redact_by_another_organization_is_404(new_org: Any) -> None:
    owner, other = new_org("owner"), new_org("other")
    inquiry_id = (await owner.api.post("/inquiries", json=attrs(fields={"a": 1}))).data["id"]
    assert (await other.api.post(f"/inquiries/{inquiry_id}/redact")).status == 404
    still = await owner.api.get(f"/inquiries/{inquiry_id}")
    assert still.data["attributes"]["fields"] == {"a": 1}
