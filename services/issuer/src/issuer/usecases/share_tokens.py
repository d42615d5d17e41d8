"""Issuing, reading, listing and expiring share tokens (contract section 2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from connect_shared.claims import ClaimResult
from connect_shared.clock import epoch_ms
from connect_shared.domain.share_tokens import effective_status, token_direction, token_is_visible
from connect_shared.domain_errors import NotAllowed, NotVisible, WrongState
from connect_shared.pagination import Page, PageRequest
from connect_shared.records import ShareTokenRecord, TokenStatus, share_token_state, token_index
from issuer.domain import share_tokens as rules
from issuer.ports import TokenClaims, TokenStore
from issuer.usecases import Clock

Direction = Literal["outbound", "inbound"]


@dataclass(frozen=True)
class TokenFilter:
    """``filter[status]``, ``filter[direction]`` and ``filter[connection-id]`` of a list."""

    status: TokenStatus | None = None
    direction: Direction | None = None
    connection_id: str | None = None

    def directions(self) -> tuple[Direction, ...]:
        """Which of the organization's indexes to walk."""
        return (self.direction,) if self.direction else ("outbound", "inbound")

    def keeps(self, token: ShareTokenRecord, now_ms: int) -> bool:
        """True when ``token`` matches every given filter (status as readers see it)."""
        if self.status is not None and effective_status(token, now_ms) != self.status:
            return False
        return self.connection_id is None or token.connection_id == self.connection_id


class ShareTokenExists(WrongState):
    """A token with the requested explicit id was already issued (``meta.id``)."""


class ShareTokenUseCases:
    """Share tokens as the source and the destination organization see them."""

    def __init__(self, store: TokenStore, guard: TokenClaims, clock: Clock) -> None:
        self._store = store
        self._guard = guard
        self._clock = clock

    async def create(
        self,
        org_id: str,
        connection_id: str,
        source_id: str,
        ttl_seconds: int,
        *,
        token_id: str | None = None,
        creator_id: str | None = None,
    ) -> ShareTokenRecord:
        """A ``created`` token; answered only once the token and both events are durable.

        ``token_id`` fixes the new token's id (a workflow run derives it from the run, so a
        retried run cannot issue a second token): :class:`ShareTokenExists` if it is taken.
        ``creator_id`` names the API key or workflow that asked for it.
        """
        if token_id is not None and await self._store.share_token(token_id) is not None:
            raise ShareTokenExists("A share token with this id exists.", meta={"id": token_id})
        found_connection, found_source = await self._store.connection_and_source(
            connection_id, source_id
        )
        connection = rules.check_connection(found_connection, org_id)
        source = rules.check_source(found_source, org_id)
        now = self._clock()
        token = rules.new_share_token(connection, source, ttl_seconds, now)
        if token_id is not None:
            token = token.model_copy(update={"id": token_id})
        token = token.model_copy(update={"creator_id": creator_id})
        events = [(token.id, event) for event in rules.created_events(token, now)]
        await self._store.put(share_token_state(token), events=events)
        return token

    async def get(self, org_id: str, token_id: str) -> ShareTokenRecord:
        """A token ``org_id`` is a side of; not visible to anyone else."""
        token = await self._store.share_token(token_id)
        if token is None or not token_is_visible(token, org_id):
            raise NotVisible("No such share token.")
        return token

    async def peek(self, org_id: str, token: ShareTokenRecord) -> dict[str, Any]:
        """The source object's fields, filtered by the connection's sharing settings; only the
        destination may peek, and only while the token is ``created`` on an ``active``
        connection (:class:`WrongState` otherwise)."""
        if token_direction(token, org_id) != "inbound":
            raise NotAllowed(
                "Only the destination organization may peek at the source data.",
                meta={"parameter": "peek-source-data"},
            )
        connection, source = await self._store.connection_and_source(
            token.connection_id, token.source_id
        )
        return rules.peek(token, connection, source, self._clock())

    async def expire(self, org_id: str, token_id: str) -> ShareTokenRecord:
        """The source expires a ``created`` token (exactly once, racing redeems and the
        sweeper through the shared guard); any other state is :class:`WrongState`."""
        token = await self.get(org_id, token_id)
        if token_direction(token, org_id) != "outbound":
            raise NotAllowed("Only the source organization may expire this token.")
        now = self._clock()
        claimant = f"issuer-expire:{token.id}"
        claim = await self._guard.claim(token.id, claimant, epoch_ms(now))
        if claim is not ClaimResult.WON:
            status = effective_status(token, epoch_ms(now))
            claimed_elsewhere = claim is not ClaimResult.EXPIRED and status == "created"
            if claim is ClaimResult.EXPIRED:
                status = "expired"
            elif claimed_elsewhere:  # a redemption holds the claim and is writing `pending`
                status = "pending"
            raise WrongState(
                f"The share token is {status}; only a created token can be expired.",
                status=status,
                transient=claimed_elsewhere,
            )
        token = await self._store.share_token(token.id) or token  # fresh, now that it is ours
        done = rules.expired(token, now)
        events = [(token.id, event) for event in rules.expired_events(done, now)]
        try:
            async with self._guard.kept(token.id, claimant):
                await self._store.put(share_token_state(done), events=events)
        except BaseException:
            await self._guard.release(token.id, claimant)
            raise
        return done

    async def listing(
        self, org_id: str, where: TokenFilter, page: PageRequest
    ) -> Page[ShareTokenRecord]:
        """The organization's tokens, newest first, both directions unless filtered."""
        now_ms = epoch_ms(self._clock())
        indexes = [token_index(org_id, d) for d in where.directions()]
        return await self._store.page(
            ShareTokenRecord, indexes, page, lambda t: where.keeps(t, now_ms)
        )
