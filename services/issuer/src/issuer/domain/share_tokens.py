"""Share tokens: the rules for creating one and for expiring one (contract section 2.3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from connect_shared.clock import epoch_ms, iso
from connect_shared.domain.share_tokens import effective_status
from connect_shared.domain_errors import InvalidValue, WrongState
from connect_shared.events import Event, build_event
from connect_shared.ids import new_id
from connect_shared.records import ConnectionRecord, ShareTokenRecord, SourceObjectRecord
from connect_shared.sharing import peek_view
from connect_shared.views import share_token_resource

MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 1_814_400  # 21 days
DEFAULT_TTL_SECONDS = 1_209_600  # 14 days
SOURCE_PREFIXES = ("inq_", "act_", "txn_", "ver_")

Direction = Literal["outbound", "inbound"]


def check_connection(connection: ConnectionRecord | None, org_id: str) -> ConnectionRecord:
    """The connection a token is issued on: it must exist, be ``active`` and have the caller as
    its source. Anything else is an invalid ``connection-id`` (never a hint that it exists)."""
    field = "connection-id"
    if connection is None or org_id not in (
        connection.source_organization_id,
        connection.destination_organization_id,
    ):
        raise InvalidValue("No such connection.", field=field)
    if connection.source_organization_id != org_id:
        raise InvalidValue("Only the connection's source may issue tokens on it.", field=field)
    if connection.status != "active":
        raise InvalidValue(
            f"The connection is {connection.status}; it must be active.",
            field=field,
            meta={"status": connection.status},
        )
    return connection


def check_source(source: SourceObjectRecord | None, org_id: str) -> SourceObjectRecord:
    """The object a token shares must exist in the caller's organization (invalid otherwise)."""
    if source is None or source.organization_id != org_id:
        raise InvalidValue("No such object in your organization.", field="source-id")
    return source


def new_share_token(
    connection: ConnectionRecord, source: SourceObjectRecord, ttl_seconds: int, now: datetime
) -> ShareTokenRecord:
    """A ``created`` token for ``source`` on ``connection``, expiring ``ttl_seconds`` from now."""
    if not MIN_TTL_SECONDS <= ttl_seconds <= MAX_TTL_SECONDS:
        raise InvalidValue(
            f"expires-in-seconds must be from {MIN_TTL_SECONDS} to {MAX_TTL_SECONDS}.",
            field="expires-in-seconds",
        )
    expires = now + timedelta(seconds=ttl_seconds)
    stamp = iso(now)
    return ShareTokenRecord(
        id=new_id("cnst_"),
        connection_id=connection.id,
        source_organization_id=connection.source_organization_id,
        destination_organization_id=connection.destination_organization_id,
        source_id=source.id,
        source_type=source.type,
        created_at=stamp,
        updated_at=stamp,
        expires_at=iso(expires),
        expires_at_ms=epoch_ms(expires),
    )


def peek(
    token: ShareTokenRecord,
    connection: ConnectionRecord | None,
    source: SourceObjectRecord | None,
    now: datetime,
) -> dict[str, object]:
    """The source data the destination may see before redeeming, filtered by the connection's
    sharing settings (:func:`connect_shared.sharing.peek_view`).

    Only while the token is redeemable (``created`` and not past ``expires-at``) on an
    ``active`` connection: a token that can no longer be redeemed, or a connection the source
    or destination ended, gives away nothing more (:class:`WrongState`, both statuses in
    ``meta``).
    """
    status = effective_status(token, epoch_ms(now))
    connection_status = connection.status if connection is not None else "inactive"
    meta = {"status": status, "connection-status": connection_status}
    if status != "created":
        raise WrongState(
            f"The share token is {status}; its source data can be peeked at only while it is "
            "created.",
            meta=meta,
        )
    if connection_status != "active":
        raise WrongState(
            f"The connection is {connection_status}; the source data can be peeked at only "
            "while it is active.",
            meta=meta,
        )
    if source is None:
        return {}
    return peek_view(source.fields, connection.sharing if connection is not None else {})


def expired(token: ShareTokenRecord, now: datetime) -> ShareTokenRecord:
    """The token after it expired (by its clock or by the source); its expiry is announced by
    the events written with this record, so it leaves the expiry queue."""
    stamp = iso(now)
    return token.model_copy(
        update={
            "status": "expired",
            "expired_at": token.expired_at or stamp,
            "updated_at": stamp,
            "expiry_announced": True,
        }
    )


def _side_events(
    token: ShareTokenRecord,
    what: str,
    now: datetime,
    idempotency_parts: tuple[str, ...] | None,
) -> list[Event]:
    now_ms = epoch_ms(now)
    sides: tuple[tuple[Direction, str], ...] = (
        ("outbound", token.source_organization_id),
        ("inbound", token.destination_organization_id),
    )
    return [
        build_event(
            f"connect/share-token.{direction}-{what}",
            org_id,
            share_token_resource(token, org_id, now_ms),
            idempotency_parts=idempotency_parts,
            created_at=now,
        )
        for direction, org_id in sides
    ]


def created_events(token: ShareTokenRecord, now: datetime) -> list[Event]:
    """``outbound-created`` to the source and ``inbound-created`` to the destination."""
    return _side_events(token, "created", now, (token.id,))


def expired_events(token: ShareTokenRecord, now: datetime) -> list[Event]:
    """``outbound-expired`` / ``inbound-expired``; ids derive from the token, so two replicas
    (or a retry) announcing the same expiry emit identical ids that consumers dedupe."""
    return _side_events(token, "expired", now, (token.id,))
