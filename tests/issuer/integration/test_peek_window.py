"""Peek is open only while the token can be redeemed: the token's clock decides, not the
sweeper (the use cases over the real Kafka and Redis, with a clock the test moves)."""

from __future__ import annotations

import pytest

from connect_shared.domain_errors import WrongState
from connect_shared.ids import new_id
from connect_shared.runtime import Runtime
from issuer.bootstrap import build_issuer
from issuer.config import IssuerSettings
from tests.issuer.integration.conftest import Clock, active_connection, inquiry_of

pytestmark = pytest.mark.integration


async def test_peek_past_expires_at_is_refused_even_before_the_sweeper_expired_the_token(
    runtime: Runtime, clock: Clock
) -> None:
    source_org, destination_org = new_id("org_"), new_id("org_")
    connection = await active_connection(runtime, source_org, destination_org)
    inquiry = await inquiry_of(runtime, source_org)
    issuer = build_issuer(runtime, IssuerSettings(), clock)
    token = await issuer.tokens.create(source_org, connection.id, inquiry.id, 60)
    assert await issuer.tokens.peek(destination_org, token) == {"name-first": "Di"}

    clock.advance(60)
    with pytest.raises(WrongState) as refused:
        await issuer.tokens.peek(destination_org, token)
    assert refused.value.meta == {"status": "expired", "connection-status": "active"}
    stored = await issuer.tokens.get(destination_org, token.id)
    assert stored.status == "created"  # the sweeper has not run: the clock alone decides
