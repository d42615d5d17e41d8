"""Creating, moving, reading and listing connections."""

from __future__ import annotations

from dataclasses import dataclass

from connect_shared.domain_errors import NotVisible
from connect_shared.events import Event, build_event
from connect_shared.pagination import Page, PageRequest
from connect_shared.records import (
    ConnectionRecord,
    ConnectionStatus,
    SharingLevel,
    connection_index,
    connection_state,
)
from connect_shared.state_record import Versioned
from connect_shared.views import connection_resource
from issuer.domain import connections as rules
from issuer.ports import ConnectionStore
from issuer.usecases import Clock


@dataclass(frozen=True)
class ConnectionFilter:
    """``filter[status]`` and ``filter[destination-organization-id]`` of a list."""

    status: ConnectionStatus | None = None
    destination_organization_id: str | None = None

    def keeps(self, connection: ConnectionRecord) -> bool:
        """True when ``connection`` matches every given filter."""
        if self.status is not None and connection.status != self.status:
            return False
        wanted = self.destination_organization_id
        return wanted is None or connection.destination_organization_id == wanted


class ConnectionUseCases:
    """Connections between a source and a destination organization (contract section 2.1)."""

    def __init__(self, store: ConnectionStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def create(
        self, org_id: str, destination_org_id: str, *, creator_id: str | None = None
    ) -> ConnectionRecord:
        """A ``pending`` connection from ``org_id`` to an existing other organization, made
        by ``creator_id`` (the API key)."""
        exists = await self._store.organization(destination_org_id) is not None
        connection = rules.new_connection(org_id, destination_org_id, exists, self._clock())
        connection = connection.model_copy(update={"creator_id": creator_id})
        await self._save(connection, "created")
        return connection

    async def _current(self, org_id: str, connection_id: str) -> Versioned[ConnectionRecord]:
        found = await self._store.read(ConnectionRecord, connection_id, "cxn_")
        if found is None or not rules.is_side(found.value, org_id):
            raise NotVisible("No such connection.")
        return found

    async def get(self, org_id: str, connection_id: str) -> ConnectionRecord:
        """A connection ``org_id`` is a side of; not visible to anyone else."""
        return (await self._current(org_id, connection_id)).value

    # Every change below is a compare-and-set against the version read: a concurrent change
    # that wins first makes this one 409 (contract: "Races").

    async def accept(self, org_id: str, connection_id: str) -> ConnectionRecord:
        """The destination accepts: ``pending`` -> ``active``."""
        read = await self._current(org_id, connection_id)
        moved = rules.accept(read.value, org_id, self._clock())
        await self._save(moved, "activated", read.version)
        return moved

    async def deactivate(self, org_id: str, connection_id: str) -> ConnectionRecord:
        """Either side: ``pending``/``active`` -> ``inactive``."""
        read = await self._current(org_id, connection_id)
        moved = rules.deactivate(read.value, org_id, self._clock())
        await self._save(moved, "deactivated", read.version)
        return moved

    async def reactivate(self, org_id: str, connection_id: str) -> ConnectionRecord:
        """The source: ``inactive`` -> ``pending`` (the destination accepts again)."""
        read = await self._current(org_id, connection_id)
        moved = rules.reactivate(read.value, org_id, self._clock())
        await self._save(moved, None, read.version)
        return moved

    async def update_sharing(
        self, org_id: str, connection_id: str, settings: dict[str, SharingLevel]
    ) -> ConnectionRecord:
        """The source sets per-field sharing levels."""
        read = await self._current(org_id, connection_id)
        updated = rules.update_sharing(read.value, org_id, settings, self._clock())
        await self._save(updated, None, read.version)
        return updated

    async def listing(
        self, org_id: str, where: ConnectionFilter, page: PageRequest
    ) -> Page[ConnectionRecord]:
        """The connections ``org_id`` is a side of, newest first."""
        return await self._store.page(
            ConnectionRecord, [connection_index(org_id)], page, where.keeps
        )

    async def _save(
        self, connection: ConnectionRecord, what: str | None, version: int | None = None
    ) -> None:
        """Write ``connection`` (new, or changed from ``version``) with its events."""
        events: list[tuple[str, Event]] = []
        if what is not None:
            now = self._clock()
            events = [
                (
                    connection.id,
                    build_event(
                        f"connect/connection.{what}",
                        org_id,
                        connection_resource(connection),
                        idempotency_parts=(connection.id, connection.updated_at),
                        created_at=now,
                    ),
                )
                for org_id in (
                    connection.source_organization_id,
                    connection.destination_organization_id,
                )
            ]
        record = connection_state(connection)
        if version is None:
            await self._store.put(record, events=events)
        else:
            await self._store.put_if(record, version, noun="connection", events=events)
