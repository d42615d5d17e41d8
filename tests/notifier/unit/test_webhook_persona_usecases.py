"""Persona's webhook settings and actions in ``WebhookUseCases`` over fakes: described
settings, the name Persona requires, enable / disable / archive (an archived webhook never
enables again) and clone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connect_shared.domain_errors import InvalidValue, NotVisible, WrongState
from connect_shared.persona.version import PERSONA_2025_12_08
from notifier.domain.webhook_settings import WebhookDescription
from notifier.domain.webhooks import WebhookArchived, WebhookRecord, WebhookStatus
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
OTHER = "org_other0000000000000000001"
URL = "https://hooks.example.com/in"
FILTER = {"data": {"attributes": {"status": "completed"}}}
NAMED = WebhookDescription(
    name="Completed inquiries",
    description="to the CRM",
    api_key_inflection="camel",
    payload_filter=FILTER,
    given=frozenset({"name", "description", "api_key_inflection", "payload_filter"}),
)


class Managing:
    def __init__(self) -> None:
        self.webhooks = FakeWebhooks()
        self.queue = FakeRedeliveries()
        self.vetting = FakeVetting()
        self.cases = WebhookUseCases(
            self.webhooks, self.queue, self.vetting, lambda: None, clock=lambda: NOW
        )

    async def named(
        self, *, status: WebhookStatus = "enabled", api_version: str | None = None
    ) -> WebhookRecord:
        return await self.cases.create(
            ORG, URL, ["*"], "persona", status=status, description=NAMED, api_version=api_version
        )

    def version(self, webhook: WebhookRecord) -> int:
        return self.webhooks.versions[webhook.id]


async def test_create_keeps_the_described_settings_and_speaks_the_request_version() -> None:
    managing = Managing()
    webhook = await managing.named(api_version=PERSONA_2025_12_08)
    stored = await managing.cases.get(ORG, webhook.id)
    assert (stored.name, stored.description) == ("Completed inquiries", "to the CRM")
    assert (stored.api_version, stored.api_key_inflection) == (PERSONA_2025_12_08, "camel")
    assert stored.payload_filter == FILTER


async def test_a_connect_request_makes_a_webhook_of_connect_events() -> None:
    managing = Managing()
    webhook = await managing.cases.create(ORG, URL, ["*"], "persona")
    assert webhook.api_version is None and webhook.name is None
    assert webhook.api_key_inflection == "kebab"


async def test_persona_mode_requires_a_name_and_writes_nothing_without_one() -> None:
    managing = Managing()
    with pytest.raises(InvalidValue) as refused:
        await managing.cases.create(ORG, URL, ["*"], "persona", api_version=PERSONA_2025_12_08)
    assert refused.value.field == "name"
    assert managing.webhooks.records == {}


async def test_an_update_changes_only_the_settings_it_names() -> None:
    managing = Managing()
    webhook = await managing.named()
    renamed = WebhookDescription(name="Renamed", payload_filter=None, given=frozenset({"name"}))
    changed = await managing.cases.update(ORG, webhook.id, WebhookChanges(description=renamed))
    assert changed.name == "Renamed" and changed.description == "to the CRM"
    assert changed.payload_filter == FILTER
    cleared = WebhookDescription(given=frozenset({"payload_filter"}))
    changed = await managing.cases.update(ORG, webhook.id, WebhookChanges(description=cleared))
    assert changed.payload_filter is None and changed.name == "Renamed"
    assert (await managing.cases.get(ORG, webhook.id)) == changed


async def test_an_archived_webhook_refuses_enabling_by_update_and_by_action() -> None:
    managing = Managing()
    webhook = await managing.named()
    archived = await managing.cases.archive(ORG, webhook.id)
    assert archived.archived and archived.status == "disabled"
    version = managing.version(webhook)
    with pytest.raises(WebhookArchived) as by_update:
        await managing.cases.update(ORG, webhook.id, WebhookChanges(status="enabled"))
    with pytest.raises(WrongState) as by_action:
        await managing.cases.enable(ORG, webhook.id)
    assert by_update.value.meta == by_action.value.meta == {"status": "archived"}
    assert managing.version(webhook) == version


async def test_archiving_twice_writes_once() -> None:
    managing = Managing()
    webhook = await managing.named()
    first = await managing.cases.archive(ORG, webhook.id)
    version = managing.version(webhook)
    assert await managing.cases.archive(ORG, webhook.id) == first
    assert managing.version(webhook) == version


async def test_enable_forgets_the_failure_streak_and_a_second_enable_writes_nothing() -> None:
    managing = Managing()
    webhook = await managing.named(status="disabled")
    managing.queue.streaks.add(webhook.id)
    enabled = await managing.cases.enable(ORG, webhook.id)
    assert enabled.status == "enabled" and enabled.disabled_at is None
    assert managing.queue.streaks == set()
    version = managing.version(webhook)
    assert await managing.cases.enable(ORG, webhook.id) == enabled
    assert managing.version(webhook) == version


async def test_disable_stops_deliveries_and_a_second_disable_writes_nothing() -> None:
    managing = Managing()
    webhook = await managing.named()
    disabled = await managing.cases.disable(ORG, webhook.id)
    assert disabled.status == "disabled" and not disabled.wants("inquiry.completed")
    version = managing.version(webhook)
    assert await managing.cases.disable(ORG, webhook.id) == disabled
    assert managing.version(webhook) == version


async def test_actions_on_another_organizations_webhook_are_not_visible() -> None:
    managing = Managing()
    webhook = await managing.named()
    for action in (
        managing.cases.enable,
        managing.cases.disable,
        managing.cases.archive,
        managing.cases.clone,
    ):
        with pytest.raises(NotVisible):
            await action(OTHER, webhook.id)
    assert await managing.cases.listing(ORG) == [webhook]


async def test_clone_copies_the_settings_with_its_own_id_and_secret() -> None:
    managing = Managing()
    webhook = await managing.named(api_version=PERSONA_2025_12_08)
    copy = await managing.cases.clone(ORG, webhook.id, cap=5)
    assert copy.id != webhook.id and copy.secrets[0].value != webhook.secrets[0].value
    assert (copy.name, copy.api_version, copy.payload_filter) == (
        webhook.name,
        webhook.api_version,
        webhook.payload_filter,
    )
    assert copy.status == "enabled"
    assert await managing.cases.get(ORG, copy.id) == copy
    assert managing.webhooks.reserved[ORG] == set()


async def test_a_clone_of_an_archived_webhook_is_disabled() -> None:
    managing = Managing()
    webhook = await managing.named()
    await managing.cases.archive(ORG, webhook.id)
    copy = await managing.cases.clone(ORG, webhook.id)
    assert copy.status == "disabled" and not copy.archived


async def test_clone_counts_against_the_cap_and_vets_the_url_again() -> None:
    managing = Managing()
    webhook = await managing.named()
    with pytest.raises(WebhookCapReached):
        await managing.cases.clone(ORG, webhook.id, cap=1)
    managing.vetting.refused[URL] = "now resolves to a private address"
    with pytest.raises(UrlRefused):
        await managing.cases.clone(ORG, webhook.id, cap=5)
    assert await managing.cases.listing(ORG) == [webhook]
