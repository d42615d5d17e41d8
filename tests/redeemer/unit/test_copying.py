"""Clone and hydrate: what lands in the destination organization."""

from __future__ import annotations

import pytest

from connect_shared import jsonutil
from connect_shared.records import SharingLevel
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
    (copy,) = clone(token(), source, [], [], NOW, fake_sign, sharing={})
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
    first = clone(token(), inquiry(), [], [], NOW, fake_sign, sharing={})
    again = clone(token(), inquiry(), [], [], NOW, fake_sign, sharing={})
    other = clone(token(id="cnst_other"), inquiry(), [], [], NOW, fake_sign, sharing={})
    assert first[0].id == again[0].id == copy_id(token().id, inquiry().id)
    assert other[0].id != first[0].id


def test_clone_copies_and_links_the_inquirys_verifications() -> None:
    source = inquiry(verification_ids=["ver_a", "ver_b", "ver_gone"])
    found = [verification("ver_a"), verification("ver_b", redacted=True)]
    *verifications, copy = clone(token(), source, found, [], NOW, fake_sign, sharing={})
    assert [v.provenance.source_object_id for v in verifications if v.provenance] == ["ver_a"]
    assert verifications[0].organization_id == DEST_ORG
    assert verifications[0].id.startswith("ver_")
    assert copy.verification_ids == [verifications[0].id]


def test_the_attestation_signs_the_clone_as_the_destination_reads_it() -> None:
    SIGNED.clear()
    (copy,) = clone(token(), inquiry(), [], [], NOW, fake_sign, sharing={})
    assert SIGNED[-1] == signed_payload(source_object_resource(copy))
    assert copy.provenance is not None
    assert copy.provenance.attestation == f"signed:{len(SIGNED[-1])}"


def test_the_provenance_names_both_organizations_and_the_signed_payload_does_too() -> None:
    SIGNED.clear()
    (copy,) = clone(token(), inquiry(), [], [], NOW, fake_sign, sharing={"birthdate": "presence"})
    assert copy.provenance is not None
    assert copy.provenance.destination_organization_id == DEST_ORG
    assert copy.provenance.present_fields == ["birthdate"]
    signed = jsonutil.loads(SIGNED[-1])["attributes"]["provenance"]
    assert signed["destination-organization-id"] == DEST_ORG
    assert signed["source-organization-id"] == SOURCE_ORG
    assert signed["present-fields"] == ["birthdate"]
    assert "attestation" not in signed


WITHHOLDING: dict[str, SharingLevel] = {"name-last": "none", "birthdate": "presence"}


def test_a_clone_holds_only_full_fields_and_names_the_existing_presence_fields() -> None:
    source = inquiry(fields={**inquiry().fields, "phone": None, "ssn": "078-05-1120"})
    sharing: dict[str, SharingLevel] = {**WITHHOLDING, "phone": "presence", "ssn": "none"}
    (copy,) = clone(token(), source, [], [], NOW, fake_sign, sharing=sharing)
    assert copy.fields == {"name-first": "Ada"}
    assert copy.provenance is not None
    assert copy.provenance.present_fields == ["birthdate"]  # phone is null: it does not exist
    as_read = jsonutil.dumps(source_object_resource(copy))
    for withheld in (b"Lovelace", b"1815-12-10", b"078-05-1120", b"ssn", b"name-last"):
        assert withheld not in as_read


def test_a_star_entry_withholds_every_field_not_named_from_a_clone() -> None:
    sharing: dict[str, SharingLevel] = {"*": "none", "name-first": "full"}
    (copy,) = clone(token(), inquiry(), [], [], NOW, fake_sign, sharing=sharing)
    assert copy.fields == {"name-first": "Ada"}
    assert copy.provenance is not None
    assert copy.provenance.present_fields == []


def test_a_mapping_from_a_withheld_field_copies_nothing() -> None:
    mappings = [
        FieldMapping(source_field_name="name-last", destination_field_name="family"),
        FieldMapping(source_field_name="birthdate", destination_field_name="dob"),
        FieldMapping(source_field_name="name-first", destination_field_name="given"),
    ]
    (copy,) = clone(token(), inquiry(), [], mappings, NOW, fake_sign, sharing=WITHHOLDING)
    assert copy.fields == {"given": "Ada"}
    destination = inquiry(id="inq_dest", organization_id=DEST_ORG, fields={"kept": 1})
    filled = hydrate(token(), inquiry(), destination, mappings, NOW, fake_sign, sharing=WITHHOLDING)
    assert filled.fields == {"kept": 1, "given": "Ada"}


def test_copied_verifications_follow_the_sharing_settings_too() -> None:
    source = inquiry(verification_ids=["ver_a"])
    found = [verification("ver_a", fields={"id-class": "pp", "birthdate": "1815-12-10"})]
    sharing: dict[str, SharingLevel] = {"birthdate": "presence", "id-class": "none"}
    copied_verification, _ = clone(token(), source, found, [], NOW, fake_sign, sharing=sharing)
    assert copied_verification.fields == {}
    assert copied_verification.provenance is not None
    assert copied_verification.provenance.present_fields == ["birthdate"]


def test_hydrate_copies_same_named_fields_and_applies_mappings_to_the_rest() -> None:
    destination = inquiry(
        id="inq_dest",
        organization_id=DEST_ORG,
        fields={"name-first": "old", "given-family-name": None, "kept": 1},
    )
    mappings = [FieldMapping(source_field_name="name-last", destination_field_name="family")]
    filled = hydrate(token(), inquiry(), destination, mappings, NOW, fake_sign, sharing={})
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


def test_the_hydrate_attestation_covers_only_the_fields_copied_from_the_source() -> None:
    SIGNED.clear()
    destination = inquiry(
        id="inq_dest",
        organization_id=DEST_ORG,
        status="created",
        reference_id="theirs",
        fields={"name-first": "old", "kept": "own data"},
    )
    mappings = [FieldMapping(source_field_name="name-last", destination_field_name="family")]
    sharing: dict[str, SharingLevel] = {"birthdate": "presence"}
    filled = hydrate(token(), inquiry(), destination, mappings, NOW, fake_sign, sharing=sharing)
    assert filled.fields == {"name-first": "Ada", "kept": "own data", "family": "Lovelace"}
    signed = jsonutil.loads(SIGNED[-1])
    assert signed["type"] == "inquiry"
    assert signed["id"] == "inq_dest"
    assert signed["attributes"]["fields"] == {"name-first": "Ada", "family": "Lovelace"}
    # Nothing of the destination's own: not its other fields, status or reference id.
    assert set(signed["attributes"]) == {"fields", "provenance"}
    provenance = signed["attributes"]["provenance"]
    assert provenance["destination-organization-id"] == DEST_ORG
    assert provenance["source-object-id"] == inquiry().id
    assert provenance["present-fields"] == ["birthdate"]
    assert filled.provenance is not None
    assert filled.provenance.attestation == f"signed:{len(SIGNED[-1])}"


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
        hydrate(token(), inquiry(), destination, [], NOW, fake_sign, sharing={})  # type: ignore[arg-type]
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
