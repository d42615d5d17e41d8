"""Managing webhooks (``WebhookUseCases``) over fakes: the cap, the URL check, changes made
against the version read, and resending."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connect_shared.domain_errors import InvalidValue, NotVisible, StoreUnavailable, WrongState
from connect_shared.versioned import LostRace
from notifier.usecases.webhooks import (
    UrlRefused,
    WebhookCapReached,
    WebhookChanges,
    WebhookUseCases,
)
from tests.notifier.unit.fakes import FakeRedeliveries, FakeVetting, FakeWebhooks

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ORG = "org_unit00000000000000000001"
URL = "https://hooks.example.com/in"


class Managing:
    def __init__(self) -> None:
        self.webhooks = FakeWebhooks()
        self.queue = FakeRedeliveries()
        self.vetting = FakeVetting()
        self.woken = 0
        self.cases = WebhookUseCases(
            self.webhooks, self.queue, self.vetting, self.wake, clock=lambda: NOW
        )

    def wake(self) -> None:
        self.woken += 1


async def test_create_stores_the_webhook_with_a_secret_and_frees_its_reservation() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona", cap=2)
    assert webhook.secrets[0].value
    assert await managing.cases.listing(ORG) == [webhook]
    assert managing.webhooks.reserved[ORG] == set()


async def test_the_cap_counts_existing_webhooks_and_writes_nothing_more() -> None:
    managing = Managing()
    await managing.cases.create(ORG, URL, ["*"], "persona", cap=1)
    with pytest.raises(WebhookCapReached) as refused:
        await managing.cases.create(ORG, URL, ["*"], "persona", cap=1)
    assert refused.value.meta == {"max-webhooks": 1}
    assert len(await managing.cases.listing(ORG)) == 1


async def test_a_refused_url_is_invalid_at_the_url_and_nothing_is_written() -> None:
    managing = Managing()
    managing.vetting.refused[URL] = "10.0.0.1 is a private address"
    with pytest.raises(UrlRefused) as refused:
        await managing.cases.create(ORG, URL, ["*"], "persona")
    assert (refused.value.field, refused.value.reason) == ("url", "10.0.0.1 is a private address")
    assert managing.webhooks.records == {}


async def test_a_webhook_created_disabled_records_why() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona", status="disabled")
    assert webhook.status == "disabled" and webhook.disabled_reason


async def test_webhooks_are_invisible_to_other_organizations() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona")
    with pytest.raises(NotVisible):
        await managing.cases.get("org_other0000000000000000001", webhook.id)


async def test_enabling_again_forgets_the_failure_streak() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona", status="disabled")
    managing.queue.streaks.add(webhook.id)
    enabled = await managing.cases.update(ORG, webhook.id, WebhookChanges(status="enabled"))
    assert enabled.status == "enabled" and enabled.disabled_at is None
    assert managing.queue.streaks == set()


async def test_an_unchanged_update_writes_nothing() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona")
    version = managing.webhooks.versions[webhook.id]
    same = await managing.cases.update(ORG, webhook.id, WebhookChanges(url=URL))
    assert same == webhook and managing.webhooks.versions[webhook.id] == version


async def test_a_new_url_is_vetted_like_a_new_webhook() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona")
    managing.vetting.refused["https://internal/"] = "refused"
    with pytest.raises(UrlRefused):
        await managing.cases.update(ORG, webhook.id, WebhookChanges(url="https://internal/"))
    assert (await managing.cases.get(ORG, webhook.id)).url == URL


async def test_a_change_that_lost_its_race_to_a_delete_says_deleted() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona")
    read = await managing.cases.read(ORG, webhook.id)
    await managing.cases.delete(ORG, webhook.id)
    with pytest.raises(LostRace) as lost:
        await managing.webhooks.change(webhook, read.version)
    assert lost.value.meta == {"status": "deleted"}
    with pytest.raises(NotVisible):
        await managing.cases.delete(ORG, webhook.id)


async def test_rotation_keeps_the_old_secret_signing_for_a_while() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona")
    rotated = await managing.cases.rotate_secret(ORG, webhook.id, 3600)
    assert rotated.secrets[1].value == webhook.secrets[0].value
    assert rotated.secrets[1].expires_at_ms is not None


async def test_kafka_down_leaves_the_webhook_as_it_was() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona")
    managing.webhooks.unavailable = True
    with pytest.raises(StoreUnavailable):
        await managing.cases.rotate_secret(ORG, webhook.id, 0)
    assert await managing.cases.get(ORG, webhook.id) == webhook


async def test_resend_schedules_a_kept_event_and_wakes_the_dispatcher() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["inquiry.completed"], "persona")
    managing.queue.events["evt_1"] = (ORG, "inquiry.completed")
    delivery = await managing.cases.resend(webhook, "evt_1")
    assert delivery and managing.queue.resent[0][:2] == (webhook.id, "evt_1")
    assert managing.woken == 1


@pytest.mark.parametrize(
    ("event_id", "kept", "expected"),
    [
        ("not-an-event", None, NotVisible),
        ("evt_2", None, NotVisible),
        ("evt_3", ("org_other0000000000000000001", "inquiry.completed"), NotVisible),
        ("evt_4", (ORG, "account.created"), InvalidValue),
    ],
)
async def test_resend_refuses_what_it_cannot_deliver(
    event_id: str, kept: tuple[str, str] | None, expected: type[Exception]
) -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["inquiry.completed"], "persona")
    if kept is not None:
        managing.queue.events[event_id] = kept
    with pytest.raises(expected):
        await managing.cases.resend(webhook, event_id)
    assert managing.queue.resent == [] and managing.woken == 0


async def test_resend_to_a_disabled_webhook_is_a_wrong_state() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona", status="disabled")
    managing.queue.events["evt_1"] = (ORG, "inquiry.completed")
    with pytest.raises(WrongState) as refused:
        await managing.cases.resend(webhook, "evt_1")
    assert refused.value.meta == {"status": "disabled"}
