"""The values the Kafka plumbing passes around: a record to produce and where one landed."""

from __future__ import annotations

from dataclasses import dataclass, field

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class OutgoingMessage:
    """One record to produce: topic, key and value bytes (None: a tombstone), optional
    headers."""

    topic: str
    key: str
    value: bytes | None
    headers: Headers = field(default_factory=list)


@dataclass(frozen=True)
class Delivered:
    """Where the broker stored a record."""

    topic: str
    partition: int
    offset: int
