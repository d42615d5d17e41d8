"""Sharing settings (contract 2.1): one set of rules for peek and for every copy."""

from __future__ import annotations

import pytest

from connect_shared.records import SharingLevel
from connect_shared.sharing import exists, level_of, peek_view, select_for_copy

pytestmark = pytest.mark.unit

FIELDS = {"name-first": "Ada", "ssn": "078-05-1120", "birthdate": "1815-12-10", "phone": None}


def test_a_field_not_named_is_full_unless_a_star_entry_gives_the_default() -> None:
    assert level_of("name-first", {}) == "full"
    assert level_of("name-first", {"ssn": "none"}) == "full"
    assert level_of("name-first", {"*": "none"}) == "none"
    assert level_of("name-first", {"*": "presence"}) == "presence"


def test_a_named_field_keeps_its_own_level_whatever_the_star_entry_says() -> None:
    settings: dict[str, SharingLevel] = {"*": "none", "name-first": "full", "ssn": "presence"}
    assert level_of("name-first", settings) == "full"
    assert level_of("ssn", settings) == "presence"
    assert level_of("birthdate", settings) == "none"


def test_a_field_exists_when_it_holds_a_value_other_than_null() -> None:
    assert exists(FIELDS, "ssn")
    assert not exists(FIELDS, "phone")
    assert not exists(FIELDS, "address-street-1")
    assert exists({"flag": False}, "flag")


def test_peek_shows_full_values_presence_booleans_and_nothing_of_none_fields() -> None:
    settings: dict[str, SharingLevel] = {
        "ssn": "none",
        "birthdate": "presence",
        "phone": "presence",
        "address-street-1": "presence",
    }
    assert peek_view(FIELDS, settings) == {
        "name-first": "Ada",
        "birthdate": True,
        "phone": False,
        "address-street-1": False,
    }


def test_peek_with_a_star_default_withholds_every_field_not_named() -> None:
    settings: dict[str, SharingLevel] = {"*": "none", "name-first": "full", "birthdate": "presence"}
    assert peek_view(FIELDS, settings) == {"name-first": "Ada", "birthdate": True}
    presence_default: dict[str, SharingLevel] = {"*": "presence", "name-first": "full"}
    assert peek_view(FIELDS, presence_default) == {
        "name-first": "Ada",
        "ssn": True,
        "birthdate": True,
        "phone": False,
    }


def test_without_settings_peek_and_copy_share_everything() -> None:
    assert peek_view(FIELDS, {}) == FIELDS
    selection = select_for_copy(FIELDS, {})
    assert selection.fields == FIELDS
    assert selection.present_fields == []


def test_a_copy_holds_only_full_values_and_names_the_existing_presence_fields() -> None:
    settings: dict[str, SharingLevel] = {
        "ssn": "none",
        "birthdate": "presence",
        "phone": "presence",
        "address-street-1": "presence",
    }
    selection = select_for_copy(FIELDS, settings)
    assert selection.fields == {"name-first": "Ada"}
    # `phone` is null and `address-street-1` is missing: neither exists, so neither is listed.
    assert selection.present_fields == ["birthdate"]


def test_a_copy_under_a_star_default_carries_only_the_fields_named_full() -> None:
    settings: dict[str, SharingLevel] = {"*": "presence", "name-first": "full", "ssn": "none"}
    selection = select_for_copy(FIELDS, settings)
    assert selection.fields == {"name-first": "Ada"}
    assert selection.present_fields == ["birthdate"]
    assert "078-05-1120" not in repr(selection)
