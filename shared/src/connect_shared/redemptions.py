"""The redemption request: what the redeemer's HTTP side hands to its workers over Kafka.

Produced to ``connect.redemptions`` (keyed by share-token id) in the same acknowledged write
that moves the token to ``pending``; consumed by the redemption workers (consumer group
``redeemer-worker``). It is a topic contract, so anyone replaying or inspecting the topic
(or a workflow that redeems) reads the same model.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from connect_shared import jsonutil
from connect_shared.records import RedeemMode


class FieldMapping(BaseModel):
    """Copy the source field ``source_field_name`` into ``destination_field_name``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_field_name: str = Field(min_length=1, max_length=200)
    destination_field_name: str = Field(min_length=1, max_length=200)


class RedemptionRequest(BaseModel):
    """One accepted redeem, waiting to be carried out.

    ``pending_at`` is the token's ``pending_at`` written with this request: a worker acts only
    when the token still carries it, so a request whose token write failed (the client got a
    503) can never be carried out by mistake.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    token_id: str
    destination_organization_id: str
    mode: RedeemMode
    destination_id: str | None = None
    field_mappings: tuple[FieldMapping, ...] = ()
    pending_at: str
    requested_at_ms: int

    def to_bytes(self) -> bytes:
        """The message value on ``connect.redemptions``."""
        return jsonutil.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_bytes(cls, raw: bytes) -> RedemptionRequest:
        """Parse a message value; raises ``ValueError`` (pydantic) when it is not one."""
        return cls.model_validate(jsonutil.loads(raw))
