"""Records for the redeemer's unit tests (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connect_shared.records import ConnectionRecord, ShareTokenRecord, SourceObjectRecord

NOW = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
STAMP = "2026-01-01T00:00:00.000Z"
SOURCE_ORG = "org_source0000000000000000"
DEST_ORG = "org_destination00000000000"


def token(**changes: Any) -> ShareTokenRecord:
    base = ShareTokenRecord(
        id="cnst_token00000000000000000",
        created_at=STAMP,
        updated_at=STAMP,
        connection_id="cxn_connection000000000000",
        source_organization_id=SOURCE_ORG,
        destination_organization_id=DEST_ORG,
        source_id="inq_source0000000000000000",
        source_type="inquiry",
        expires_at="2026-02-01T00:00:00.000Z",
        expires_at_ms=1_769_904_000_000,
    )
    return base.model_copy(update=changes)


def inquiry(**changes: Any) -> SourceObjectRecord:
    base = SourceObjectRecord(
        id="inq_source0000000000000000",
        created_at=STAMP,
        updated_at=STAMP,
        organization_id=SOURCE_ORG,
        type="inquiry",
        status="approved",
        reference_id="ref-1",
        fields={"name-first": "Ada", "name-last": "Lovelace", "birthdate": "1815-12-10"},
    )
    return base.model_copy(update=changes)


def verification(vid: str, **changes: Any) -> SourceObjectRecord:
    base = SourceObjectRecord(
        id=vid,
        created_at=STAMP,
        updated_at=STAMP,
        organization_id=SOURCE_ORG,
        type="verification/government-id",
        status="passed",
        fields={"id-class": "pp"},
    )
    return base.model_copy(update=changes)


def connection(**changes: Any) -> ConnectionRecord:
    base = ConnectionRecord(
        id="cxn_connection000000000000",
        created_at=STAMP,
        updated_at=STAMP,
        source_organization_id=SOURCE_ORG,
        destination_organization_id=DEST_ORG,
        status="active",
    )
    return base.model_copy(update=changes)
