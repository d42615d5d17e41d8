"""Clone and hydrate: what lands in the destination organization."""

from __future__ import annotations

import pytest

from connect_shared.redemptions import FieldMapping
from connect_shared.views import source_object_resource
from redeemer.domain.attestation import signed_payload
from redeemer.domain.copying import RedemptionFailed, check_source, clone, copy_id, hydrate
from tests.redeemer.unit.builders import DEST_ORG, NOW, SOURCE_ORG, inquiry, token, verification

pytestmark = pytest.mark.unit

SIGNED: list[bytes] = []


def fake_sign(payload: bytes) -> str:
    SIGNED.append(payload)
    return f"signed:{len(payload)}"


def test_clone_is_a_new_object_of_the_destination_with_the_same_fields() -> None:
    source = inquiry()
    (copy,) = clone(token(), source, [], [], NOW, fake_sign)
    assert copy.id != source.id
    assert copy.id.startswith("inq_")
    assert copy.organization_id == DEST_ORG
    assert copy.fields == source.fields
    assert copy.type == "inquiry"
    assert copy.provenance is not None
    assert copy.provenance.share_token_id == token().id
    assert copy.provenance.source_organization_id == SOURCE_ORG
    assert copy.provenance.source_object_id == source.id
    assert copy.provenance.copied_at == "2026-01-02T03:04:05.678Z"


def test_clone_ids_are_the_same_every_time_for_one_token() -> None:
    first = clone(token(), inquiry(), [], [], NOW, fake_sign)
    again = clone(token(), inquiry(), [], [], NOW, fake_sign)
    other = clone(token(id="cnst_other"), inquiry(), [], [], NOW, fake_sign)
    assert first[0].id == again[0].id == copy_id(token().id, inquiry().id)
    assert other[0].id != first[0].id


def test_clone_copies_and_links_the_inquirys_verifications() -> None:
    source = inquiry(verification_ids=["ver_a", "ver_b", "ver_gone"])
    found = [verification("ver_a"), verification("ver_b", redacted=True)]
    *verifications, copy = clone(token(), source, found, [], NOW, fake_sign)
    assert [v.provenance.source_object_id for v in verifications if v.provenance] == ["ver_a"]
    assert verifications[0].organization_id == DEST_ORG
    assert verifications[0].id.startswith("ver_")
    assert copy.verification_ids == [verifications[0].id]


def test_the_attestation_signs_the_copy_as_the_destination_reads_it() -> None:
    SIGNED.clear()
    (copy,) = clone(token(), inquiry(), [], [], NOW, fake_sign)
    assert SIGNED[-1] == signed_payload(source_object_resource(copy))
    assert copy.provenance is not None
    assert copy.provenance.attestation == f"signed:{len(SIGNED[-1])}"


def test_hydrate_copies_same_named_fields_and_applies_mappings_to_the_rest() -> None:
    destination = inquiry(
        id="inq_dest",
        organization_id=DEST_ORG,
        fields={"name-first": "old", "given-family-name": None, "kept": 1},
    )
    mappings = [FieldMapping(source_field_name="name-last", destination_field_name="family")]
    filled = hydrate(token(), inquiry(), destination, mappings, NOW, fake_sign)
    assert filled.id == "inq_dest"
    assert filled.organization_id == DEST_ORG
    assert filled.fields == {
        "name-first": "Ada",
        "given-family-name": None,
        "kept": 1,
        "family": "Lovelace",
        "birthdate": "1815-12-10",
    }
    assert filled.provenance is not None
    assert filled.created_at == destination.created_at
    assert filled.updated_at == "2026-01-02T03:04:05.678Z"


@pytest.mark.parametrize(
    "destination",
    [
        None,
        inquiry(id="inq_dest", organization_id="org_someone_else"),
        inquiry(id="inq_dest", organization_id=SOURCE_ORG),
        inquiry(id="inq_dest", organization_id=DEST_ORG, redacted=True),
    ],
)
def test_hydrate_into_an_object_the_destination_does_not_own_fails_with_import_failed(
    destination: object,
) -> None:
    with pytest.raises(RedemptionFailed) as caught:
        hydrate(token(), inquiry(), destination, [], NOW, fake_sign)  # type: ignore[arg-type]
    assert caught.value.reason == "import_failed"


def test_a_missing_or_redacted_source_fails_the_redemption() -> None:
    with pytest.raises(RedemptionFailed) as missing:
        check_source(token(), None)
    assert missing.value.reason == "source_not_found"
    with pytest.raises(RedemptionFailed) as redacted:
        check_source(token(), inquiry(redacted=True))
    assert redacted.value.reason == "source_redacted"
    with pytest.raises(RedemptionFailed):
        check_source(token(), inquiry(organization_id="org_elsewhere"))
