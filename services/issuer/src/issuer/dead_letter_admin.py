"""``connect-admin dlq``: inspect and re-drive the messages consumers gave up on.

Dead letters live on ``connect.dead-letters`` (:mod:`connect_shared.dead_letters`). ``list``
reads the whole topic; ``replay TOPIC`` produces every dead letter of ``TOPIC`` not re-driven
yet back onto it, carrying ``connect-redrive-group`` so only the group that gave up handles it
again, and in the same transaction a replay note on the dead-letter topic (keyed by the dead
letter's origin), so a second replay does not send it again.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition

from connect_shared.config import InfraSettings
from connect_shared.dead_letters import (
    ATTEMPTS_HEADER,
    DEAD_LETTER_TOPIC,
    GROUP_HEADER,
    ORIGIN_HEADER,
    REASON_HEADER,
    REDRIVE_GROUP_HEADER,
    header,
)
from connect_shared.kafka import DurableProducer, OutgoingMessage, make_consumer, topic_partitions
from connect_shared.kafka_types import Headers

REPLAYED_HEADER = "connect-dlq-replayed"
_DLQ_HEADERS = {REASON_HEADER, ORIGIN_HEADER, GROUP_HEADER, ATTEMPTS_HEADER, REDRIVE_GROUP_HEADER}


@dataclass(frozen=True)
class DeadLetter:
    """One dead letter as stored, with what its headers say."""

    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: Headers

    @property
    def origin(self) -> str:
        """``topic/partition/offset`` of the original message."""
        return header(self.headers, ORIGIN_HEADER) or ""

    @property
    def topic(self) -> str:
        """The topic the original message came from."""
        return self.origin.rsplit("/", 2)[0]

    @property
    def group(self) -> str:
        """The consumer group that gave up on it."""
        return header(self.headers, GROUP_HEADER) or ""

    def summary(self, replayed: bool) -> dict[str, Any]:
        """What ``dlq list`` prints for it (never the value: it may hold user data)."""
        return {
            "offset": self.offset,
            "timestamp-ms": self.timestamp,
            "topic": self.topic,
            "origin": self.origin,
            "group": self.group,
            "attempts": int(header(self.headers, ATTEMPTS_HEADER) or 0),
            "reason": header(self.headers, REASON_HEADER) or "",
            "key": self.key.decode(errors="replace") if self.key is not None else None,
            "replayed": replayed,
        }

    def redriven(self) -> OutgoingMessage:
        """The original message again, for the group that gave up on it only."""
        kept = [(k, v) for k, v in self.headers if k not in _DLQ_HEADERS]
        key = self.key.decode(errors="replace") if self.key is not None else ""
        redrive = (REDRIVE_GROUP_HEADER, self.group.encode())
        return OutgoingMessage(self.topic, key, self.value, [*kept, redrive])


async def read_dead_letters(
    settings: InfraSettings, topic: str = DEAD_LETTER_TOPIC
) -> tuple[list[DeadLetter], set[str]]:
    """Every dead letter on ``topic`` and the origins already re-driven."""
    numbers = await topic_partitions(settings, topic, "admin-dlq")
    if not numbers:
        raise LookupError(f"no topic {topic}")
    partitions = [TopicPartition(topic, p) for p in numbers]
    consumer = make_consumer(settings, group_id=None, client_id="admin-dlq")
    await consumer.start()
    letters: list[DeadLetter] = []
    replayed: set[str] = set()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        async with asyncio.timeout(60):
            while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                batches = await consumer.getmany(timeout_ms=1000, max_records=1000)
                for records in batches.values():
                    for record in records:
                        headers = list(record.headers)
                        done = header(headers, REPLAYED_HEADER)
                        if done is not None:
                            replayed.add(done)
                            continue
                        letters.append(
                            DeadLetter(
                                record.offset, record.timestamp, record.key, record.value, headers
                            )
                        )
    finally:
        await consumer.stop()
    return letters, replayed


async def list_dead_letters(settings: InfraSettings, topic: str | None) -> list[dict[str, Any]]:
    """Every dead letter (of ``topic`` only, if given), oldest first."""
    letters, replayed = await read_dead_letters(settings)
    return [
        letter.summary(letter.origin in replayed)
        for letter in letters
        if topic is None or letter.topic == topic
    ]


async def replay_dead_letters(
    settings: InfraSettings, producer: DurableProducer, topic: str, group: str | None
) -> dict[str, Any]:
    """Re-drive the dead letters of ``topic`` (of ``group`` only, if given) not re-driven yet."""
    letters, replayed = await read_dead_letters(settings)
    due = [
        letter
        for letter in letters
        if letter.topic == topic
        and letter.origin not in replayed
        and (group is None or letter.group == group)
    ]
    seen: set[str] = set()
    for letter in due:
        if letter.origin in seen:
            continue  # dead-lettered twice (a redelivery): one replay is enough
        seen.add(letter.origin)
        note = OutgoingMessage(
            DEAD_LETTER_TOPIC, letter.origin, None, [(REPLAYED_HEADER, letter.origin.encode())]
        )
        # Together: the message goes back and is marked re-driven, or neither happens.
        await producer.send_all([letter.redriven(), note])
    return {"topic": topic, "replayed": len(seen)}


def add_dlq_commands(nouns: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``dlq list`` and ``dlq replay`` commands of ``connect-admin``."""
    dlq = nouns.add_parser("dlq", help="dead letters (messages consumers gave up on)")
    verbs = dlq.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="list dead letters with their reasons")
    listing.add_argument("--topic", help="only those that came from this topic")
    replay = verbs.add_parser("replay", help="send a topic's dead letters back to their group")
    replay.add_argument("topic", help="the topic the dead letters came from")
    replay.add_argument("--group", help="only those this consumer group gave up on")
