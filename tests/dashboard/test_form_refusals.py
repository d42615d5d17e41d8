"""Which refusals a dashboard page shows itself and which become the error page (no I/O)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from connect_shared.errors import ApiError, BadRequest, Conflict, NotFound, Unprocessable
from connect_shared.web.forms import action_refusal, form_refusal

pytestmark = pytest.mark.unit

REQUEST = make_mocked_request("POST", "/dashboard/things")


@pytest.mark.parametrize("refused", [BadRequest("Bad."), Unprocessable("No.")])
def test_a_form_shows_validation_refusals(refused: ApiError) -> None:
    assert form_refusal(REQUEST, refused) is refused


@pytest.mark.parametrize("refused", [NotFound("Gone."), Conflict("Busy.")])
def test_a_form_leaves_other_refusals_to_the_error_page(refused: ApiError) -> None:
    with pytest.raises(type(refused)):
        form_refusal(REQUEST, refused)


@pytest.mark.parametrize("refused", [Conflict("Busy."), Unprocessable("No.")])
def test_an_action_shows_its_refusal_on_the_page(refused: ApiError) -> None:
    assert action_refusal(REQUEST, refused) is refused


def test_an_action_on_a_missing_object_answers_with_the_not_found_page() -> None:
    with pytest.raises(NotFound):
        action_refusal(REQUEST, NotFound("Gone."))
