"""Unit specifications of the small shared helpers every store and route table uses: the
creation-time index score, Redis replies as text and the collection route table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web

from connect_shared.clock import epoch_ms, iso, parse_epoch_ms
from connect_shared.http.routes import collection_routes
from connect_shared.records import ConnectionRecord, connection_index, connection_state
from connect_shared.redis_replies import as_text, as_texts
from connect_shared.state_record import indexed_state

pytestmark = pytest.mark.unit

CREATED = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


def _connection() -> ConnectionRecord:
    return ConnectionRecord(
        id="cxn_1",
        source_organization_id="org_a",
        destination_organization_id="org_b",
        created_at=iso(CREATED),
        updated_at=iso(CREATED),
    )


def test_parse_epoch_ms_reads_back_the_milliseconds_iso_wrote() -> None:
    assert parse_epoch_ms(iso(CREATED)) == epoch_ms(CREATED) == 1767323045678


def test_indexed_state_lists_the_record_in_every_index_by_creation_time() -> None:
    record = indexed_state("connection", _connection(), "idx:a", "idx:b", lookups={"lk:x": "1"})
    assert record.indexes == {"idx:a": 1767323045678.0, "idx:b": 1767323045678.0}
    assert record.lookups == {"lk:x": "1"}
    assert record.body == _connection().model_dump()
    assert (record.id, record.kind) == ("cxn_1", "connection")


def test_indexed_state_stores_the_body_given_instead_of_the_dump() -> None:
    record = indexed_state("connection", _connection(), "idx:a", body={"sealed": True})
    assert record.body == {"sealed": True}


def test_connection_state_is_scored_by_creation_time_for_both_sides() -> None:
    record = connection_state(_connection())
    score = float(epoch_ms(CREATED))
    assert record.indexes == {connection_index("org_a"): score, connection_index("org_b"): score}


@pytest.mark.parametrize(("reply", "text"), [(b"cnst_1", "cnst_1"), ("cnst_1", "cnst_1"), (7, "7")])
def test_as_text_decodes_bytes_and_stringifies_the_rest(reply: object, text: str) -> None:
    assert as_text(reply) == text


def test_as_texts_keeps_the_order_of_the_replies() -> None:
    assert as_texts([b"b", "a", b"c"]) == ["b", "a", "c"]


async def _ok(_: web.Request) -> web.Response:
    return web.Response()


def test_collection_routes_register_the_collection_paths_and_only_the_ones_given() -> None:
    routes = collection_routes(
        "/api/v1/things", create=_ok, listing=_ok, retrieve=_ok, actions={"archive": _ok}
    )
    assert [(r.method, r.path) for r in routes] == [
        ("POST", "/api/v1/things"),
        ("GET", "/api/v1/things"),
        ("GET", "/api/v1/things/{id}"),
        ("POST", "/api/v1/things/{id}/archive"),
    ]


def test_collection_routes_add_update_and_delete_on_the_item_when_given() -> None:
    routes = collection_routes(
        "/api/v1/things", create=_ok, listing=_ok, retrieve=_ok, update=_ok, delete=_ok
    )
    assert [(r.method, r.path) for r in routes][3:] == [
        ("PATCH", "/api/v1/things/{id}"),
        ("DELETE", "/api/v1/things/{id}"),
    ]
