"""Connections: who may move a connection between ``pending``, ``active`` and ``inactive``.

Rules raise domain exceptions (:mod:`connect_shared.domain_errors`): the wrong side of a visible
connection is :class:`NotAllowed`, a transition from the wrong state :class:`WrongState`.
Callers check visibility before calling in here.
"""

from __future__ import annotations

from datetime import datetime

from connect_shared.clock import iso
from connect_shared.domain_errors import InvalidValue, NotAllowed, WrongState
from connect_shared.ids import new_id
from connect_shared.records import ConnectionRecord, ConnectionStatus, SharingLevel


def is_side(connection: ConnectionRecord, org_id: str) -> bool:
    """True when ``org_id`` is the source or the destination of ``connection``."""
    return org_id in (connection.source_organization_id, connection.destination_organization_id)


def new_connection(
    source_org_id: str, destination_org_id: str, destination_exists: bool, now: datetime
) -> ConnectionRecord:
    """A ``pending`` connection; the destination must exist and differ from the source."""
    field = "destination-organization-id"
    if destination_org_id == source_org_id:
        raise InvalidValue("An organization cannot connect to itself.", field=field)
    if not destination_exists:
        raise InvalidValue("No such destination organization.", field=field)
    stamp = iso(now)
    return ConnectionRecord(
        id=new_id("cxn_"),
        source_organization_id=source_org_id,
        destination_organization_id=destination_org_id,
        status="pending",
        created_at=stamp,
        updated_at=stamp,
    )


def _require_source(connection: ConnectionRecord, org_id: str, action: str) -> None:
    if org_id != connection.source_organization_id:
        raise NotAllowed(f"Only the source organization may {action} this connection.")


def _move(
    connection: ConnectionRecord,
    allowed_from: tuple[ConnectionStatus, ...],
    to: ConnectionStatus,
    now: datetime,
) -> ConnectionRecord:
    if connection.status not in allowed_from:
        raise WrongState(
            f"The connection is {connection.status}; it cannot become {to}.",
            status=connection.status,
        )
    return connection.model_copy(update={"status": to, "updated_at": iso(now)})


def accept(connection: ConnectionRecord, org_id: str, now: datetime) -> ConnectionRecord:
    """The destination accepts a ``pending`` connection: it becomes ``active``."""
    if org_id != connection.destination_organization_id:
        raise NotAllowed("Only the destination organization may accept this connection.")
    return _move(connection, ("pending",), "active", now)


def deactivate(connection: ConnectionRecord, org_id: str, now: datetime) -> ConnectionRecord:
    """Either side ends a ``pending`` or ``active`` connection: it becomes ``inactive``."""
    del org_id  # both sides may; visibility was checked by the caller
    return _move(connection, ("pending", "active"), "inactive", now)


def reactivate(connection: ConnectionRecord, org_id: str, now: datetime) -> ConnectionRecord:
    """The source reopens an ``inactive`` connection: ``pending`` until accepted again."""
    _require_source(connection, org_id, "reactivate")
    return _move(connection, ("inactive",), "pending", now)


def update_sharing(
    connection: ConnectionRecord,
    org_id: str,
    settings: dict[str, SharingLevel],
    now: datetime,
) -> ConnectionRecord:
    """The source sets per-field sharing levels (merged into the existing ones)."""
    _require_source(connection, org_id, "change the sharing settings of")
    merged = {**connection.sharing, **settings}
    return connection.model_copy(update={"sharing": merged, "updated_at": iso(now)})
