"""Query parameters, pagination links and request models without I/O."""

from __future__ import annotations

import pytest

from connect_shared.errors import BadRequest, Unprocessable
from connect_shared.jsonapi import parse_attributes
from connect_shared.pagination import Page, PageRequest, page_links, parse_page_request
from issuer.adapters.http.queries import flag, token_filter
from issuer.adapters.http.requests import CreateShareToken

pytestmark = pytest.mark.unit


def test_page_size_defaults_to_10_and_accepts_1_to_100() -> None:
    assert parse_page_request({}) == PageRequest(size=10)
    assert parse_page_request({"page[size]": "100"}).size == 100
    for bad in ("0", "101", "-1", "1.5", "x"):
        with pytest.raises(BadRequest):
            parse_page_request({"page[size]": bad})


def test_both_cursors_at_once_are_refused() -> None:
    with pytest.raises(BadRequest):
        parse_page_request({"page[after]": "a", "page[before]": "b"})


def test_links_keep_filters_and_swap_the_cursor() -> None:
    page = Page(items=["b", "c"], ids=["b", "c"], has_next=True, has_prev=True)
    query = {"filter[status]": "created", "page[size]": "2", "page[after]": "a"}
    links = page_links("/api/v1/connect/share-tokens", query, page)
    assert links == {
        "prev": "/api/v1/connect/share-tokens?filter[status]=created&page[size]=2&page[before]=b",
        "next": "/api/v1/connect/share-tokens?filter[status]=created&page[size]=2&page[after]=c",
    }


def test_token_filters_are_checked() -> None:
    assert token_filter({"filter[direction]": "inbound"}).directions() == ("inbound",)
    assert token_filter({}).directions() == ("outbound", "inbound")
    with pytest.raises(BadRequest):
        token_filter({"filter[status]": "gone"})
    with pytest.raises(BadRequest):
        flag({"peek-source-data": "yes"}, "peek-source-data")


def test_ttl_wrong_type_is_400_and_out_of_range_422() -> None:
    base = {"connection-id": "cxn_1", "source-id": "inq_1"}
    for wrong in ("60", 60.0, True, None):
        with pytest.raises(BadRequest):
            parse_attributes(CreateShareToken, {**base, "expires-in-seconds": wrong})
    with pytest.raises(Unprocessable):
        parse_attributes(CreateShareToken, {**base, "expires-in-seconds": 59})
    parsed = parse_attributes(CreateShareToken, base)
    assert parsed.expires_in_seconds == 1_209_600
