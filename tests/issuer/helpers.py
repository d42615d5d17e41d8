"""Helpers of the issuer suites: request documents, lists, and 'nothing was written' checks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from tests.support.api import ApiClient, Reply
from tests.support.ingest import SOURCE_EVENTS, produce_raw, signed_headers
from tests.support.kafka import BOOTSTRAP, TopicRecorder, topic_partitions
from tests.support.ports import GATEWAY_URL


def attrs(**attributes: Any) -> dict[str, Any]:
    """``{"data": {"attributes": {...}}}`` with ``snake_case`` keyword names made kebab-case."""
    return {"data": {"attributes": {k.replace("_", "-"): v for k, v in attributes.items()}}}


@dataclass
class Org:
    """An organization of a test and its API client."""

    id: str
    key: str
    api: ApiClient


@dataclass
class Pair:
    """A source and a destination with an active connection and an inquiry of the source."""

    source: Org
    destination: Org
    connection_id: str
    inquiry_id: str

    async def issue(self, **extra: Any) -> Reply:
        """POST a share token on the pair's connection for its inquiry."""
        body = {"connection_id": self.connection_id, "source_id": self.inquiry_id, **extra}
        return await self.source.api.post("/connect/share-tokens", json=attrs(**body))


async def all_ids(api: ApiClient, path: str, **params: str) -> list[str]:
    """Every id of a list, following ``links.next``."""
    ids: list[str] = []
    url: str | None = path
    query: dict[str, str] | None = {"page[size]": "100", **params}
    while url is not None:
        reply = await api.get(url, params=query)
        assert reply.status == 200, reply.body
        ids += [item["id"] for item in reply.data]
        next_link = reply.body["links"]["next"]
        url = f"{GATEWAY_URL}{next_link}" if next_link else None
        query = None
    return ids


async def events_for(recorder: TopicRecorder, org_ids: set[str]) -> list[dict[str, Any]]:
    """Every event for ``org_ids`` written so far (the API writes its events before it
    answers, so after the requests the recorder only has to catch up with the topic)."""
    await recorder.caught_up()
    return recorder.matching(lambda m: m["data"]["attributes"]["organization-id"] in org_ids)


def error_pointer(reply: Reply) -> str | None:
    """``errors[0].source.pointer`` of an error reply."""
    return reply.error_pointer


class RawRecorder:
    """Records raw messages (key, value bytes, headers) of a topic produced after start."""

    def __init__(self, topic: str) -> None:
        from aiokafka import AIOKafkaConsumer

        self.topic = topic
        self.records: list[tuple[bytes | None, bytes | None, dict[str, bytes]]] = []
        self._consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        partitions = await topic_partitions(self.topic)
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async for message in self._consumer:
            headers = {name: value for name, value in message.headers}
            self.records.append((message.key, message.value, headers))

    async def wait_for_value(self, value: bytes, timeout: float = 20.0) -> dict[str, bytes]:
        """Headers of the first record carrying ``value``."""
        async with asyncio.timeout(timeout):
            while True:
                for _, recorded, headers in self.records:
                    if recorded == value:
                        return headers
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        await self._consumer.stop()


async def produce(topic: str, key: str | None, value: bytes) -> None:
    """Produce one message the way a source system would: onto ``connect.source-events``
    signed by an ingest key of the organization the message names."""
    headers = signed_headers(value) if topic == SOURCE_EVENTS else []
    await produce_raw(topic, key, value, headers)
