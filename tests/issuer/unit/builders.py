"""Records and a wired world of the issuer's use cases over fakes (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from connect_shared.clock import epoch_ms, iso
from connect_shared.ids import new_id
from connect_shared.records import (
    ConnectionRecord,
    ConnectionStatus,
    OrganizationRecord,
    ShareTokenRecord,
    SourceObjectRecord,
    connection_state,
    organization_state,
    share_token_state,
    source_object_state,
)
from issuer.usecases.connections import ConnectionUseCases
from issuer.usecases.expiry import ExpirySweeper
from issuer.usecases.share_tokens import ShareTokenUseCases
from issuer.usecases.source_objects import SourceObjectUseCases
from issuer.usecases.workflows import WorkflowUseCases
from tests.issuer.unit.fakes import FakeClaims, FakeEntities

START = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@dataclass
class ManualClock:
    """A clock the test moves by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class World:
    """The issuer's use cases over one set of fakes."""

    clock: ManualClock = field(default_factory=ManualClock)
    entities: FakeEntities = field(default_factory=FakeEntities)

    def __post_init__(self) -> None:
        self.claims = FakeClaims(self.entities.share_token)
        self.connections = ConnectionUseCases(self.entities, self.clock)
        self.objects = SourceObjectUseCases(self.entities, self.clock)
        self.tokens = ShareTokenUseCases(self.entities, self.claims, self.clock)
        self.workflows = WorkflowUseCases(self.entities, self.clock)
        self.sweeper = ExpirySweeper(self.entities, self.entities, self.claims, self.clock, 10)

    def organization(self) -> str:
        org = OrganizationRecord(
            id=new_id("org_"), name="Org", created_at=iso(START), updated_at=iso(START)
        )
        self.entities.apply(organization_state(org))
        return org.id

    def connection(
        self, source: str, destination: str, status: ConnectionStatus = "active"
    ) -> ConnectionRecord:
        connection = ConnectionRecord(
            id=new_id("cxn_"),
            source_organization_id=source,
            destination_organization_id=destination,
            status=status,
            created_at=iso(self.clock.now),
            updated_at=iso(self.clock.now),
        )
        self.entities.apply(connection_state(connection))
        return connection

    def inquiry(self, org_id: str) -> SourceObjectRecord:
        obj = SourceObjectRecord(
            id=new_id("inq_"),
            organization_id=org_id,
            type="inquiry",
            created_at=iso(self.clock.now),
            updated_at=iso(self.clock.now),
            fields={"name-first": "Ada", "birthdate": "1815-12-10"},
        )
        self.entities.apply(source_object_state(obj))
        return obj

    def token(self, connection: ConnectionRecord, source_id: str, ttl: float) -> ShareTokenRecord:
        at = self.clock.now + timedelta(seconds=ttl)
        token = ShareTokenRecord(
            id=new_id("cnst_"),
            connection_id=connection.id,
            source_organization_id=connection.source_organization_id,
            destination_organization_id=connection.destination_organization_id,
            source_id=source_id,
            source_type="inquiry",
            created_at=iso(self.clock.now),
            updated_at=iso(self.clock.now),
            expires_at=iso(at),
            expires_at_ms=epoch_ms(at),
        )
        self.entities.apply(share_token_state(token))
        return token
