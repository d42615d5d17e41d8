"""The SDK's client against the real stack: every method of every resource, pages, errors,
the automatic Idempotency-Key and the retries on 429."""

from __future__ import annotations

from typing import Any

import pytest

from connect_sdk import ApiError, Event, RetryPolicy, ShareToken
from tests.notifier.sink import Sink
from tests.sdk.helpers import connected_pair, eventually, sdk

pytestmark = pytest.mark.e2e


async def test_connections_and_their_transitions(org_factory: Any) -> None:
    pair = await connected_pair(org_factory, "sdk-cxn")
    try:
        fetched = await pair.destination.connections.get(pair.connection_id)
        assert fetched.attributes.status == "active"
        assert fetched.attributes.source_organization_id == pair.source_org["id"]
        shared = await pair.source.connections.update_sharing(pair.connection_id, {"ssn": "none"})
        assert shared.attributes.sharing_settings == {"ssn": "none"}
        page = await pair.source.connections.list(status="active")
        assert [c.id for c in page.items] == [pair.connection_id]
        assert [c.id async for c in pair.destination.connections.iterate()] == [pair.connection_id]
        off = await pair.destination.connections.deactivate(pair.connection_id)
        assert off.attributes.status == "inactive"
        again = await pair.source.connections.reactivate(pair.connection_id)
        assert again.attributes.status == "pending"
    finally:
        await pair.close()


async def test_source_objects_create_read_list_iterate_and_redact(org_factory: Any) -> None:
    async with sdk(org_factory("sdk-obj")["api-key"]) as connect:
        made = [
            await connect.inquiries.create({"name-first": f"Ada{i}"}, reference_id=f"r{i}")
            for i in range(3)
        ]
        assert made[0].attributes.fields == {"name-first": "Ada0"}
        assert (await connect.inquiries.get(made[1].id)).attributes.reference_id == "r1"
        first = await connect.inquiries.list(size=2)
        assert [o.id for o in first.items] == [made[2].id, made[1].id]
        assert first.next is not None
        assert [o.id async for o in connect.inquiries.iterate()] == [m.id for m in reversed(made)]
        account = await connect.accounts.create({"iban": "DE00"})
        assert account.type == "account"
        assert (await connect.transactions.create({"amount": 1})).type == "transaction"
        assert (await connect.verifications.create({"x": 1})).id.startswith("ver_")
        redacted = await connect.inquiries.redact(made[0].id)
        assert redacted.attributes.fields == {}


async def test_share_tokens_create_get_peek_list_expire_and_redeem(org_factory: Any) -> None:
    pair = await connected_pair(org_factory, "sdk-tok")
    try:
        inquiry = await pair.source.inquiries.create({"name-first": "Ada", "ssn": "1"})
        await pair.source.connections.update_sharing(pair.connection_id, {"ssn": "presence"})
        kept = await pair.source.share_tokens.create(pair.connection_id, inquiry.id)
        doomed = await pair.source.share_tokens.create(
            pair.connection_id, inquiry.id, expires_in_seconds=600
        )
        assert isinstance(kept, ShareToken)
        assert kept.attributes.direction == "outbound"
        assert kept.related_id("source") == inquiry.id
        peeked = await pair.destination.share_tokens.get(kept.id, peek_source_data=True)
        assert peeked.attributes.direction == "inbound"
        assert peeked.attributes.source_data == {"name-first": "Ada", "ssn": True}
        listed = await pair.destination.share_tokens.list(direction="inbound")
        assert [t.id for t in listed.items] == [doomed.id, kept.id]
        every = [t.id async for t in pair.source.share_tokens.iterate(status="created")]
        assert every == [doomed.id, kept.id]
        expired = await pair.source.share_tokens.expire(doomed.id)
        assert expired.attributes.status == "expired"
        pending = await pair.destination.share_tokens.redeem(kept.id)
        assert pending.attributes.status == "pending"

        async def redeemed() -> ShareToken | None:
            token = await pair.destination.share_tokens.get(kept.id)
            return token if token.attributes.status == "redeemed" else None

        done = await eventually(redeemed)
        copy = await pair.destination.inquiries.get(str(done.related_id("destination")))
        assert copy.attributes.fields == {"name-first": "Ada"}
        assert copy.attributes.provenance is not None
        assert (await pair.destination.jwks()).keys
    finally:
        await pair.close()


async def test_webhooks_every_method_and_the_events_they_carry(org_factory: Any) -> None:
    org = org_factory("sdk-hook")
    sink = await Sink().start()
    try:
        async with sdk(org["api-key"]) as connect:
            hook = await connect.webhooks.create(sink.url, ["inquiry.created"])
            assert hook.attributes.secret is not None
            assert (await connect.webhooks.get(hook.id)).attributes.secret is None
            assert [w.id for w in await connect.webhooks.list()] == [hook.id]
            inquiry = await connect.inquiries.create({"a": 1})

            async def event() -> Event | None:
                page = await connect.events.list(name="inquiry.created", object_id=inquiry.id)
                return page.items[0] if page.items else None

            created = await eventually(event)
            assert (await connect.events.get(created.id)).object.id == inquiry.id  # type: ignore[union-attr]
            assert [e.id async for e in connect.events.iterate(object_id=inquiry.id)] == [
                created.id
            ]
            await sink.wait_for(lambda r: any(x.event_id == created.id for x in r))

            async def attempts() -> list[Any] | None:
                found = await connect.webhooks.deliveries(hook.id, event_id=created.id)
                return found or None

            (attempt,) = await eventually(attempts)
            assert attempt.attributes.status_code == 200
            resent = await connect.webhooks.resend(hook.id, created.id)
            assert resent.attributes.event_id == created.id
            rotated = await connect.webhooks.rotate_secret(hook.id, expires_in_seconds=60)
            assert rotated.attributes.secret not in (None, hook.attributes.secret)
            disabled = await connect.webhooks.update(hook.id, status="disabled")
            assert disabled.attributes.status == "disabled"
            await connect.webhooks.delete(hook.id)
            with pytest.raises(ApiError) as gone:
                await connect.webhooks.get(hook.id)
            assert gone.value.status == 404
    finally:
        await sink.stop()


async def test_webhook_actions_and_an_archived_webhook_in_the_list(org_factory: Any) -> None:
    async with sdk(org_factory("sdk-hook-actions")["api-key"]) as connect:
        hook = await connect.webhooks.create("http://127.0.0.1:9/hook", ["inquiry.created"])
        assert (await connect.webhooks.disable(hook.id)).attributes.status == "disabled"
        assert (await connect.webhooks.enable(hook.id)).attributes.status == "enabled"
        copy = await connect.webhooks.clone(hook.id)
        assert copy.id != hook.id and copy.attributes.secret not in (None, hook.attributes.secret)
        archived = await connect.webhooks.archive(hook.id)
        assert archived.attributes.status == "archived" and archived.attributes.archived_at
        listed = {w.id: w.attributes.status for w in await connect.webhooks.list()}
        assert listed == {hook.id: "archived", copy.id: "enabled"}
        with pytest.raises(ApiError) as refused:
            await connect.webhooks.enable(hook.id)
        assert refused.value.status == 409


async def test_workflows_every_method(org_factory: Any) -> None:
    async with sdk(org_factory("sdk-wfl")["api-key"]) as connect:
        workflow = await connect.workflows.create(
            "note",
            {"event": "connect/share-token.inbound-created"},
            {"type": "redeem-share-token"},
            enabled=False,
        )
        assert (await connect.workflows.get(workflow.id)).attributes.enabled is False
        assert [w.id for w in (await connect.workflows.list()).items] == [workflow.id]
        renamed = await connect.workflows.update(workflow.id, name="renamed", enabled=True)
        assert (renamed.attributes.name, renamed.attributes.enabled) == ("renamed", True)
        assert (await connect.workflows.runs(workflow.id)).items == []
        await connect.workflows.delete(workflow.id)
        assert (await connect.openapi())["openapi"] == "3.1.0"


async def test_an_api_refusal_is_an_api_error_with_status_pointer_and_request_id(
    org_factory: Any,
) -> None:
    async with sdk(org_factory("sdk-err")["api-key"]) as connect:
        with pytest.raises(ApiError) as missing:
            await connect.share_tokens.get("cnst_doesNotExist123456789")
        assert missing.value.status == 404
        assert missing.value.request_id is not None
        with pytest.raises(ApiError) as invalid:
            await connect.share_tokens.create(
                "cxn_nope1234567890", "inq_nope1234567890", expires_in_seconds=5
            )
        assert invalid.value.status == 422
        assert invalid.value.pointer is not None
    async with sdk("not-a-key") as anonymous:
        with pytest.raises(ApiError) as unauthorized:
            await anonymous.events.list()
        assert unauthorized.value.status == 401


async def test_a_post_retried_with_its_idempotency_key_creates_once(org_factory: Any) -> None:
    async with sdk(org_factory("sdk-idem")["api-key"]) as connect:
        first = await connect.inquiries.create({"a": 1}, idempotency_key="once-only")
        again = await connect.inquiries.create({"a": 1}, idempotency_key="once-only")
        other = await connect.inquiries.create({"a": 1})
        assert again.id == first.id
        assert other.id != first.id


async def test_429s_are_retried_after_retry_after_until_the_budget_allows(
    org_factory: Any,
) -> None:
    org = org_factory("sdk-429", rate_limit=1)
    async with sdk(org["api-key"], retry=RetryPolicy(attempts=1)) as impatient:
        with pytest.raises(ApiError) as limited:
            for _ in range(10):
                await impatient.events.list()
        assert limited.value.status == 429
    async with sdk(org["api-key"], retry=RetryPolicy(attempts=20, max_wait=2)) as patient:
        for _ in range(5):
            await patient.events.list()
