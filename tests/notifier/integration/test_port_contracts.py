"""The notifier's ports (``notifier.ports``): one contract each, run against the in-memory fakes
the unit tests use and the real stores over the real Kafka and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from connect_shared.ids import new_id
from connect_shared.runtime import Runtime, open_runtime
from connect_shared.secret_box import SecretBox, decode_key
from connect_shared.versioned import LostRace
from notifier.adapters.guard import RegistrationVetting
from notifier.adapters.stores.queue import DeliveryQueue, EventFanout
from notifier.adapters.stores.webhook_store import WebhookStore
from notifier.bootstrap import address_policy
from notifier.config import NotifierSettings
from notifier.domain.webhooks import archive, new_webhook, set_status
from notifier.ports import Redeliveries, UrlVetting, WebhookRegistry
from tests.notifier.unit.fakes import FakeRedeliveries, FakeVetting, FakeWebhooks

pytestmark = pytest.mark.integration

SETTINGS = NotifierSettings()
REFUSED = "https://127.0.0.1/hook"  # loopback: the production policy refuses it


@dataclass
class Ports:
    webhooks: WebhookRegistry
    queue: Redeliveries
    vetting: UrlVetting
    keep_event: Callable[[str, str, str], Awaitable[None]]


@pytest.fixture(scope="module")
async def runtime(infrastructure: None) -> AsyncIterator[Runtime]:
    async with open_runtime(SETTINGS, "notifier-port-tests", connect_timeout=30) as opened:
        await opened.guardian.wait_ready(30)
        yield opened


def fake_ports() -> Ports:
    queue = FakeRedeliveries()

    async def keep_event(event_id: str, org_id: str, name: str) -> None:
        queue.events[event_id] = (org_id, name)

    return Ports(FakeWebhooks(), queue, FakeVetting({REFUSED: "loopback"}), keep_event)


def real_ports(runtime: Runtime) -> Ports:
    box = SecretBox(decode_key(SETTINGS.secrets_key.get_secret_value()))
    queue = DeliveryQueue(runtime.redis, retention_seconds=600, log_max_entries=10)

    async def keep_event(event_id: str, org_id: str, name: str) -> None:
        # Kept with no delivery of its own: only a resend schedules one.
        await queue.schedule([EventFanout(event_id, org_id, name, b"{}", [])], 0)

    production = SETTINGS.model_copy(update={"profile": "production"})
    vetting = RegistrationVetting(address_policy(production))
    return Ports(WebhookStore(runtime.store, box), queue, vetting, keep_event)


@pytest.fixture(params=["fake", "real"])
async def ports(request: pytest.FixtureRequest, runtime: Runtime) -> AsyncIterator[Ports]:
    yield fake_ports() if request.param == "fake" else real_ports(runtime)


async def test_webhooks_change_only_from_the_version_read(ports: Ports) -> None:
    org = new_id("org_")
    older = new_webhook(org, "https://a.example.com", ["*"], "persona", datetime.now(UTC))
    newer = new_webhook(
        org, "https://b.example.com", ["*"], "standard-webhooks", datetime.now(UTC) + timedelta(1)
    )
    await ports.webhooks.create(older)
    await ports.webhooks.create(newer)
    assert await ports.webhooks.list_for(org) == [newer, older]
    assert await ports.webhooks.read_for(new_id("org_"), older.id) is None
    read = await ports.webhooks.read_for(org, older.id)
    assert read is not None and read.value == older
    disabled = set_status(older, "disabled", datetime.now(UTC))
    await ports.webhooks.change(disabled, read.version)
    with pytest.raises(LostRace) as lost:
        await ports.webhooks.change(older, read.version)
    assert lost.value.meta == {"status": "disabled"}
    again = await ports.webhooks.read_for(org, older.id)
    assert again is not None and again.value == disabled
    await ports.webhooks.delete(older.id, again.version)
    assert await ports.webhooks.read_for(org, older.id) is None
    with pytest.raises(LostRace) as gone:
        await ports.webhooks.delete(older.id, again.version)
    assert gone.value.meta == {"status": "deleted"}


async def test_webhooks_keep_their_persona_settings_and_archive_stamp(ports: Ports) -> None:
    org = new_id("org_")
    made = new_webhook(org, "https://a.example.com", ["*"], "persona", datetime.now(UTC))
    webhook = made.model_copy(
        update={
            "name": "CRM",
            "description": "completed inquiries",
            "api_version": "2025-12-08",
            "api_key_inflection": "snake",
            "payload_filter": {"data": {"attributes": {"status": "completed"}}},
        }
    )
    await ports.webhooks.create(webhook)
    read = await ports.webhooks.read_for(org, webhook.id)
    assert read is not None and read.value == webhook
    archived = archive(webhook, datetime.now(UTC))
    await ports.webhooks.change(archived, read.version)
    again = await ports.webhooks.read_for(org, webhook.id)
    assert again is not None and again.value == archived and again.value.archived


async def test_reservations_hold_places_under_the_cap(ports: Ports) -> None:
    org = new_id("org_")
    first = new_webhook(org, "https://a.example.com", ["*"], "persona", datetime.now(UTC))
    assert await ports.webhooks.reserve(org, first.id, 2)
    await ports.webhooks.create(first)
    await ports.webhooks.release(org, first.id)
    assert await ports.webhooks.reserve(org, "wbh_second", 2)
    assert not await ports.webhooks.reserve(org, "wbh_third", 2)
    await ports.webhooks.release(org, "wbh_second")
    assert await ports.webhooks.reserve(org, "wbh_third", 2)


async def test_a_kept_event_is_resent_only_to_its_organization(ports: Ports) -> None:
    org, event_id = new_id("org_"), new_id("evt_")
    await ports.keep_event(event_id, org, "inquiry.completed")
    assert await ports.queue.event_name(event_id, org) == "inquiry.completed"
    assert await ports.queue.event_name(event_id, new_id("org_")) is None
    assert await ports.queue.resend("wbh_x", event_id, new_id("org_"), 0) is None
    assert await ports.queue.resend("wbh_x", new_id("evt_"), org, 0) is None
    assert await ports.queue.resend("wbh_x", event_id, org, 0) is not None
    await ports.queue.reset_health("wbh_x")  # forgetting no streak is no error


async def test_urls_to_refused_addresses_are_refused_with_a_reason(ports: Ports) -> None:
    assert await ports.vetting.refusal(REFUSED)
    assert await ports.vetting.refusal("https://93.184.216.34/hook") is None
