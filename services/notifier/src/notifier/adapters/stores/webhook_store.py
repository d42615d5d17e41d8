"""Webhooks on ``connect.state`` (kind ``webhook``) with their Redis view, indexed per org.

Changes and deletes are compare-and-set writes against the version read
(:mod:`connect_shared.versioned`); a delete is a tombstone, so neither the URL nor the sealed
secret stays on the topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from connect_shared.kafka import OutgoingMessage
from connect_shared.redis_replies import as_texts
from connect_shared.secret_box import SecretBox
from connect_shared.state import StateRecord, StateStore, Versioned, view_is_ready
from connect_shared.state_record import indexed_state
from connect_shared.store_errors import store_unavailable
from connect_shared.versioned import VersionedWriter
from notifier.domain.webhooks import WebhookRecord

KIND = "webhook"
RESERVATION_MS = 30_000

# KEYS[1] the org's webhook index, KEYS[2] its creations in flight (member -> expiry, ms).
# ARGV[1] cap, ARGV[2] webhook id, ARGV[3] how long a reservation lasts (ms). A creation
# counts from its reservation until it is in the index, so concurrent creations never take an
# organization past the cap (a process dying mid-way holds a place for RESERVATION_MS at most).
_RESERVE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local pending = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  -- Saved but not yet released: it already counts through the index.
  if redis.call('ZSCORE', KEYS[1], id) then redis.call('ZREM', KEYS[2], id)
  else pending = pending + 1 end
end
if redis.call('ZCARD', KEYS[1]) + pending >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""


def webhook_index(org_id: str) -> str:
    """The index of one organization's webhooks."""
    return f"idx:webhook:{org_id}"


def _reservations(org_id: str) -> str:
    return f"webhook-creations:{org_id}"


def webhook_state(webhook: WebhookRecord, box: SecretBox) -> StateRecord:
    """The state write of ``webhook`` with its secrets sealed."""
    body = webhook.model_dump(mode="json")
    for secret in body["secrets"]:
        secret["value"] = box.seal(secret["value"])
    return indexed_state(KIND, webhook, webhook_index(webhook.organization_id), body=body)


class WebhookStore:
    """Reads and durable writes of webhooks; secrets are sealed at rest."""

    def __init__(self, store: StateStore, box: SecretBox) -> None:
        self._store = store
        self._box = box
        self._reserve = store.redis.register_script(_RESERVE)
        self._writer = VersionedWriter(store)

    def _load(self, body: dict[str, Any]) -> WebhookRecord:
        for secret in body.get("secrets", []):
            secret["value"] = self._box.open(secret["value"])
        return WebhookRecord.model_validate(body)

    async def view_ready(self) -> bool:
        """False while the view is being rebuilt (a missing webhook may just not be back)."""
        return await view_is_ready(self._store.redis)

    async def get(self, webhook_id: str) -> WebhookRecord | None:
        """Any organization's webhook (for the workers)."""
        body = await self._store.get(webhook_id)
        return self._load(body) if body else None

    async def read(self, webhook_id: str) -> Versioned[WebhookRecord] | None:
        """Any organization's webhook with the version it was read at."""
        found = await self._store.read(webhook_id) if webhook_id.startswith("wbh_") else None
        return Versioned(self._load(found.value), found.version) if found else None

    async def read_for(self, org_id: str, webhook_id: str) -> Versioned[WebhookRecord] | None:
        """The webhook (with its version) if it belongs to ``org_id`` (others' are invisible)."""
        found = await self.read(webhook_id)
        return found if found is not None and found.value.organization_id == org_id else None

    async def get_for(self, org_id: str, webhook_id: str) -> WebhookRecord | None:
        """The webhook if it belongs to ``org_id`` (others' are invisible)."""
        found = await self.read_for(org_id, webhook_id)
        return found.value if found is not None else None

    async def reserve(self, org_id: str, webhook_id: str, cap: int) -> bool:
        """Hold a place for a new webhook unless the organization has ``cap`` webhooks
        (counting creations in flight); :meth:`release` it once the webhook is saved or not."""
        reserved = await self._reserve(
            keys=[webhook_index(org_id), _reservations(org_id)],
            args=[cap, webhook_id, RESERVATION_MS],
        )
        return bool(reserved)

    async def release(self, org_id: str, webhook_id: str) -> None:
        """Drop a reservation (the saved webhook now counts through the index)."""
        await self._store.redis.zrem(_reservations(org_id), webhook_id)

    async def get_many(self, webhook_ids: Iterable[str]) -> dict[str, WebhookRecord]:
        """Existing webhooks by id, one round trip."""
        ids = list(dict.fromkeys(webhook_ids))
        bodies = await self._store.get_many(ids)
        return {i: self._load(b) for i, b in zip(ids, bodies, strict=True) if b}

    async def list_for(self, org_id: str) -> list[WebhookRecord]:
        """An organization's webhooks, newest first."""
        ids = await self._store.index_ids(webhook_index(org_id))
        found = await self.get_many(ids)
        return [found[i] for i in ids if i in found]

    async def for_orgs(self, org_ids: Iterable[str]) -> dict[str, list[WebhookRecord]]:
        """Webhooks of several organizations in two round trips."""
        orgs = list(dict.fromkeys(org_ids))
        async with self._store.redis.pipeline(transaction=False) as pipe:
            for org in orgs:
                pipe.zrange(webhook_index(org), 0, -1)
            listed = await pipe.execute()
        ids_by_org = {org: as_texts(ids) for org, ids in zip(orgs, listed, strict=True)}
        found = await self.get_many(i for ids in ids_by_org.values() for i in ids)
        return {org: [found[i] for i in ids if i in found] for org, ids in ids_by_org.items()}

    async def create(self, webhook: WebhookRecord) -> None:
        """Write a new webhook durably, then add it to the view."""
        with store_unavailable():
            await self._store.put(webhook_state(webhook, self._box))

    async def change(
        self, webhook: WebhookRecord, version: int, also: Sequence[OutgoingMessage] = ()
    ) -> None:
        """Write a change (with ``also``, e.g. an event) if the webhook is still at
        ``version``; ``LostRace`` (409, the current status in ``meta``) otherwise."""
        with store_unavailable():
            await self._writer.put(
                webhook_state(webhook, self._box), version, noun="webhook", also=also
            )

    async def delete(self, webhook_id: str, version: int) -> None:
        """Delete with a tombstone if still at ``version`` (409 otherwise); pending deliveries
        are dropped when they come due."""
        with store_unavailable():
            await self._writer.put(StateRecord.tombstone(webhook_id, KIND), version, noun="webhook")
