"""The ingest signature header and the rule that lets a signed message act (no I/O)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidTag

from connect_shared.ingest_signature import (
    HEADER,
    MalformedSignature,
    parse_signature,
    sign_headers,
)
from connect_shared.secret_box import INGEST_SECRET_PURPOSE, WEBHOOK_SECRET_PURPOSE, SecretBox
from issuer.domain.ingest_keys import (
    IngestKeyRecord,
    IngestRefused,
    check_organization,
    check_signature,
    revoke_ingest_key,
)

pytestmark = pytest.mark.unit

NOW = 1_800_000_000
SECRET = "inksec_test"
VALUE = b'{"name": "inquiry.completed"}'


def key(**changes: object) -> IngestKeyRecord:
    record = IngestKeyRecord(
        id="ink_abc",
        organization_id="org_owner",
        secret_sealed="sealed:v1:irrelevant",
        created_at="2026-01-01T00:00:00.000Z",
        updated_at="2026-01-01T00:00:00.000Z",
    )
    return record.model_copy(update=changes)


def signed(at: int = NOW, value: bytes = VALUE, secret: str = SECRET) -> bytes:
    ((name, header),) = sign_headers("ink_abc", secret, value, at)
    assert name == HEADER
    return header


def test_header_is_the_contract_hmac_of_timestamp_dot_value() -> None:
    digest = hmac.new(SECRET.encode(), f"{NOW}.".encode() + VALUE, hashlib.sha256).hexdigest()
    assert signed() == f"k=ink_abc,t={NOW},v1={digest}".encode()
    moment = datetime.fromtimestamp(NOW, UTC)
    assert sign_headers("ink_abc", SECRET, VALUE, moment)[0][1] == signed()


def test_a_fresh_signature_of_the_exact_value_by_a_live_key_passes() -> None:
    signature = parse_signature(signed())
    assert check_signature(signature, key(), SECRET, VALUE, NOW + 299) == key()
    assert check_signature(signature, key(), SECRET, VALUE, NOW - 299) == key()


@pytest.mark.parametrize(
    "header",
    [
        b"",
        b"k=ink_abc,t=1",
        b"k=ink_abc,t=abc,v1=" + b"0" * 64,
        b"k=api_abc,t=1,v1=" + b"0" * 64,
        b"k=ink_abc,t=1,v1=XYZ",
        b"k=ink_abc,k=ink_abc,t=1,v1=" + b"0" * 64,
        b"k=ink_abc,t=1,v1=" + b"0" * 64 + b",v0=1",
        "k=ink_ä,t=1,v1=0".encode(),
        b"k=ink_abc,t=1,v1=" + b"0" * 600,
    ],
    ids=[
        "empty",
        "missing-v1",
        "timestamp-not-digits",
        "not-an-ingest-key",
        "digest-not-hex",
        "part-twice",
        "unknown-part",
        "not-ascii",
        "too-long",
    ],
)
def test_unreadable_headers_are_malformed(header: bytes) -> None:
    with pytest.raises(MalformedSignature):
        parse_signature(header)


@pytest.mark.parametrize(
    ("record", "secret", "value", "stored_at", "reason"),
    [
        (None, None, VALUE, NOW, "unknown ingest key"),
        (key(revoked_at="2026-01-02T00:00:00.000Z"), SECRET, VALUE, NOW, "revoked"),
        (key(), SECRET, VALUE, NOW + 301, "stale"),
        (key(), SECRET, VALUE, NOW - 301, "future"),
        (key(), "inksec_other", VALUE, NOW, "bad signature"),
        (key(), SECRET, VALUE + b" ", NOW, "bad signature"),
        (key(), None, VALUE, NOW, "another ISSUER_INGEST_SECRETS_KEY"),
    ],
    ids=["unknown", "revoked", "stale", "future", "wrong-secret", "changed-value", "unopenable"],
)
def test_signatures_that_may_not_act_are_refused_with_the_reason(
    record: IngestKeyRecord | None,
    secret: str | None,
    value: bytes,
    stored_at: int,
    reason: str,
) -> None:
    with pytest.raises(IngestRefused, match=reason):
        check_signature(parse_signature(signed()), record, secret, value, stored_at)


def test_a_key_acts_only_for_its_own_organization() -> None:
    check_organization(key(), "org_owner")
    with pytest.raises(IngestRefused, match="another organization"):
        check_organization(key(), "org_victim")


def test_revoking_twice_keeps_the_first_revocation_time() -> None:
    first = revoke_ingest_key(key(), datetime(2026, 2, 1, tzinfo=UTC))
    again = revoke_ingest_key(first, datetime(2026, 3, 1, tzinfo=UTC))
    assert first.revoked_at is not None
    assert again.revoked_at == first.revoked_at


def test_a_secret_sealed_for_webhooks_does_not_open_as_an_ingest_secret() -> None:
    raw = bytes(range(32))
    sealed = SecretBox(raw, WEBHOOK_SECRET_PURPOSE).seal("inksec_x")
    assert SecretBox(raw, WEBHOOK_SECRET_PURPOSE).open(sealed) == "inksec_x"
    with pytest.raises(InvalidTag):
        SecretBox(raw, INGEST_SECRET_PURPOSE).open(sealed)
