"""The shared table from domain exceptions to API errors: the answers keep the API's shapes
(status, title, details, ``meta``, a pointer for an invalid attribute)."""

from __future__ import annotations

import pytest

from connect_shared.domain_errors import (
    DomainError,
    InvalidValue,
    NotAllowed,
    NotVisible,
    StoreUnavailable,
    WrongState,
)
from connect_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from connect_shared.http.error_table import error_table, translated
from connect_shared.versioned import LostRace
from issuer.adapters.http.errors import ISSUER_ERRORS
from issuer.usecases.share_tokens import ShareTokenExists
from notifier.adapters.http.errors import NOTIFIER_ERRORS
from redeemer.adapters.http.errors import REDEEMER_ERRORS

pytestmark = pytest.mark.unit


def test_wrong_state_is_409_with_the_current_status_in_meta() -> None:
    answer = error_table().api_error(WrongState("The connection is inactive.", status="inactive"))
    assert answer.document() == {
        "errors": [
            {
                "status": "409",
                "title": "Conflict",
                "details": "The connection is inactive.",
                "meta": {"status": "inactive"},
            }
        ]
    }


def test_a_lost_race_is_409_with_the_records_current_status() -> None:
    answer = error_table().api_error(LostRace("webhook", "deleted"))
    assert (answer.status, answer.meta) == (409, {"status": "deleted"})
    assert answer.details == "The webhook was deleted while this request was handled."


def test_a_store_that_took_nothing_is_503_with_its_words() -> None:
    answer = error_table().api_error(StoreUnavailable("Kafka did not acknowledge the write."))
    assert (answer.status, answer.title) == (503, "Service unavailable")
    assert answer.details == "Kafka did not acknowledge the write."


def test_invalid_value_is_422_pointing_at_its_attribute() -> None:
    refused = InvalidValue("No such connection.", field="connection-id", meta={"status": "x"})
    document = error_table().api_error(refused).document()
    assert document["errors"][0]["status"] == "422"
    assert document["errors"][0]["source"] == {"pointer": "/data/attributes/connection-id"}
    assert document["errors"][0]["meta"] == {"status": "x"}


def test_invalid_value_without_a_field_has_no_pointer() -> None:
    document = error_table().api_error(InvalidValue("Not active.")).document()
    assert "source" not in document["errors"][0]


def test_nested_invalid_value_points_inside_its_member() -> None:
    refused = InvalidValue("No such connection.", field="connection-id").nested_in("action")
    answer = error_table().api_error(refused)
    assert answer.pointer == "/data/attributes/action/connection-id"


@pytest.mark.parametrize(
    ("refusal", "expected"),
    [
        (NotVisible("No such share token."), NotFound),
        (NotAllowed("Only the source may."), Forbidden),
        (WrongState("Expired.", status="expired"), Conflict),
        (InvalidValue("Bad.", field="x"), Unprocessable),
    ],
)
def test_every_service_table_answers_the_shared_exceptions_alike(
    refusal: DomainError, expected: type[Exception]
) -> None:
    for table in (ISSUER_ERRORS, REDEEMER_ERRORS, NOTIFIER_ERRORS):
        assert type(table.api_error(refusal)) is expected


def test_a_subclass_is_answered_as_its_nearest_listed_class() -> None:
    answer = ISSUER_ERRORS.api_error(ShareTokenExists("Taken.", meta={"id": "cnst_1"}))
    assert isinstance(answer, Conflict) and answer.meta == {"id": "cnst_1"}


def test_an_unlisted_domain_exception_is_a_500() -> None:
    assert error_table().api_error(DomainError("?")).status == 500


def test_translated_raises_the_api_error_of_a_refusal() -> None:
    with pytest.raises(NotFound), translated(ISSUER_ERRORS):
        raise NotVisible("No such workflow.")
