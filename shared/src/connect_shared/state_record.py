"""The records of ``connect.state`` as plain models: what one write carries and a value read at
a version. Kept apart from :mod:`connect_shared.state` (the Kafka + Redis store) so that the
records and the domain code built on them import no I/O client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from connect_shared.clock import parse_epoch_ms

ValueT = TypeVar("ValueT")


class StateRecord(BaseModel):
    """One entity write as it travels on ``connect.state``.

    A ``deleted`` record travels as a tombstone (null value), never with its body."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    body: dict[str, Any] = Field(default_factory=dict)
    indexes: dict[str, float] = Field(default_factory=dict)
    lookups: dict[str, str] = Field(default_factory=dict)
    deleted: bool = False
    claim: str | None = Field(
        None, description="The write guard this write was made under; applying it frees it."
    )

    @classmethod
    def tombstone(cls, record_id: str, kind: str = "") -> StateRecord:
        """The delete of ``record_id`` (a null-valued message on the topic)."""
        return cls(id=record_id, kind=kind, deleted=True)


class Created(Protocol):
    """An entity model with an id and a creation time (every record on ``connect.state``)."""

    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> str: ...

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]: ...


def indexed_state(
    kind: str,
    entity: Created,
    *indexes: str,
    lookups: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> StateRecord:
    """The state write of ``entity``, listed in each of ``indexes`` by creation time.

    ``body`` replaces the entity's own dump where the stored form differs (sealed secrets)."""
    score = float(parse_epoch_ms(entity.created_at))
    return StateRecord(
        id=entity.id,
        kind=kind,
        body=entity.model_dump() if body is None else body,
        indexes=dict.fromkeys(indexes, score),
        lookups=lookups or {},
    )


@dataclass(frozen=True)
class Versioned(Generic[ValueT]):
    """A value read from the view with the version (Kafka offset) it was read at."""

    value: ValueT
    version: int
