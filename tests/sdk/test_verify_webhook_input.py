"""``verify_webhook`` never raises on what a stranger can send: malformed headers, secrets
or timestamps are simply not a valid signature."""

from __future__ import annotations

import pytest

from connect_sdk import sign_persona, verify_webhook

pytestmark = pytest.mark.unit

BODY = b'{"data": {"id": "evt_1"}}'
NOW = 1_800_000_000


@pytest.mark.parametrize(
    "headers",
    [
        {"Persona-Signature": ""},
        {"Persona-Signature": "garbage"},
        {"Persona-Signature": "t=,v1="},
        {"Persona-Signature": f"t={NOW}"},
        {"Persona-Signature": "t=\uff11\uff18\uff10\uff10,v1=00"},  # full-width digits
        {"Persona-Signature": f"t={NOW}0000000000000,v1=00"},
        {"webhook-id": "evt_1", "webhook-timestamp": "x", "webhook-signature": "v1,AA=="},
        {"webhook-id": "evt_1", "webhook-timestamp": str(NOW), "webhook-signature": "v2,AA"},
        {"webhook-id": "evt_1", "webhook-timestamp": str(NOW)},
    ],
)
def test_malformed_headers_are_not_a_signature(headers: dict[str, str]) -> None:
    assert not verify_webhook("wbhsec_x", headers, BODY, now=NOW)
    assert not verify_webhook("whsec_!!notbase64", headers, BODY, now=NOW)


def test_header_names_are_case_insensitive_and_any_of_several_secrets_may_match() -> None:
    headers = {k.lower(): v for k, v in sign_persona("wbhsec_right", BODY, NOW).items()}
    assert verify_webhook(["wbhsec_wrong", "wbhsec_right"], headers, BODY, now=NOW)
    assert not verify_webhook([], headers, BODY, now=NOW)
