"""``page[size]`` in Persona mode: Persona declares an integer without bounds, so any positive
integer is accepted and at most 100 items are served; Connect keeps its 1..100 rule."""

from __future__ import annotations

import pytest

from tests.persona.conftest import Connected

pytestmark = pytest.mark.e2e

LISTS = ("/connect/share-tokens", "/connect/connections", "/events")


@pytest.mark.parametrize("path", LISTS)
async def test_persona_mode_accepts_a_page_size_over_100(connected: Connected, path: str) -> None:
    token_id = (await connected.issue()).data["id"]
    answer = await connected.source.persona.get(path, params={"page[size]": "500"})
    assert answer.status == 200, answer.body
    if path == "/connect/share-tokens":
        assert [t["id"] for t in answer.data] == [token_id]
    huge = await connected.source.persona.get(path, params={"page[size]": "9" * 40})
    assert huge.status == 200, huge.body


@pytest.mark.parametrize("size", ["0", "000", "-5", "ten", "1.5", ""])
async def test_persona_mode_refuses_a_size_that_is_not_a_positive_integer(
    connected: Connected, size: str
) -> None:
    answer = await connected.source.persona.get(
        "/connect/share-tokens", params={"page[size]": size}
    )
    assert answer.status == 400, answer.body
    assert answer.body["errors"][0]["meta"] == {"parameter": "page[size]"}


@pytest.mark.parametrize("path", LISTS)
async def test_connect_mode_keeps_page_size_from_1_to_100(connected: Connected, path: str) -> None:
    answer = await connected.source.connect.get(path, params={"page[size]": "101"})
    assert answer.status == 400
    assert answer.body["errors"][0]["meta"] == {"parameter": "page[size]"}
