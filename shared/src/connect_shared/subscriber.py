"""Typed Kafka subscribers: every consumer of the platform is one :class:`Subscription` (a topic,
a consumer group, how a message is parsed, retry and dead-letter settings) run by a
:class:`Subscriber` that hands its handler parsed messages.

The guarantees live here once:

* offsets are committed after the handler finished, once per fetched batch (at-least-once;
  handlers must be idempotent);
* one message at a time (:meth:`Subscriber.each`): messages with the same key are handled in
  order, different keys concurrently (bounded by ``max_concurrency``); a whole batch
  (:meth:`Subscriber.batches`): the handler sees every parsed message of one fetch;
* a handler that raises is retried with back-off and its offset is not committed; once it
  failed ``max_attempts`` times for a reason of its own (a dependency being away does not
  count: :func:`connect_shared.dead_letters.is_transient`) the message is dead-lettered with
  the reason and the partition moves on;
* a message that cannot be parsed goes to the dead letter at once and is committed with the
  rest: it never blocks its partition. The dead letter is ``connect.dead-letters`` (the
  original record plus reason headers, :mod:`connect_shared.dead_letters`) unless the
  subscription names its own;
* a re-driven dead letter (``connect-admin dlq replay``) names the group that gave up on it:
  only that group handles it again, the topic's other groups skip it;
* the consumer is made by :func:`connect_shared.kafka.make_consumer`, with the configured
  Kafka security.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import BaseModel

from connect_shared import jsonutil, stages
from connect_shared.backoff import Backoff, retry
from connect_shared.config import KafkaSettings
from connect_shared.dead_letters import (
    DEAD_LETTER_TOPIC,
    REDRIVE_GROUP_HEADER,
    DeadLetterSink,
    header,
    is_transient,
)
from connect_shared.kafka import Delivered, Headers, make_consumer

log = logging.getLogger(__name__)

M = TypeVar("M")
ModelT = TypeVar("ModelT", bound=BaseModel)

DEFAULT_RETRY = Backoff(first=1.0, cap=30.0)
# Failures of a handler (not counting a dependency being away) before its message is
# dead-lettered: with the default back-off, about two and a half minutes of trying.
DEFAULT_MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Received:
    """One record as the broker stored it: where, key, raw value, headers and timestamp."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers
    timestamp: int
    timestamp_type: int

    @classmethod
    def of(cls, record: ConsumerRecord[bytes, bytes]) -> Received:
        """The :class:`Received` of an aiokafka record."""
        return cls(
            record.topic,
            record.partition,
            record.offset,
            record.key,
            record.value,
            list(record.headers),
            record.timestamp,
            record.timestamp_type,
        )

    @property
    def delivered(self) -> Delivered:
        """Where the record is stored (the version of a state write)."""
        return Delivered(self.topic, self.partition, self.offset)


@dataclass(frozen=True)
class Incoming(Generic[M]):
    """A parsed message and the record it came from."""

    message: M
    received: Received


Decode = Callable[[Received], M | None]
"""Parses a record: the message, None when there is nothing to do (e.g. a tombstone on a topic
without deletes), or an exception when the record is malformed."""

DeadLetter = Callable[[Received, str], Awaitable[None]]
"""Takes a record that cannot be parsed or handled, with the reason."""


def model_value(model: type[ModelT]) -> Decode[ModelT]:
    """A decoder validating the record's JSON value with ``model`` (integers of any size stay
    exact); an empty or null value is skipped."""

    def decode(received: Received) -> ModelT | None:
        if not received.value:
            return None
        return model.model_validate(jsonutil.loads(received.value))

    return decode


@dataclass(frozen=True)
class Subscription(Generic[M]):
    """What to consume and how: ``topic`` in consumer group ``group``, parsed by ``decode``;
    failed handlers are retried with ``retry`` up to ``max_attempts`` counted failures (None:
    forever); unparseable and given-up records go to ``dead_letter`` (None: the durable
    ``dead_letter_topic``). ``consumer_options`` override :func:`make_consumer`'s (e.g. the
    session timeout)."""

    topic: str
    group: str
    client_id: str
    decode: Decode[M]
    retry: Backoff = DEFAULT_RETRY
    dead_letter: DeadLetter | None = None
    max_attempts: int | None = DEFAULT_MAX_ATTEMPTS
    dead_letter_topic: str = DEAD_LETTER_TOPIC
    max_records: int = 500
    max_concurrency: int = 32
    drain_seconds: float = 10.0
    consumer_options: Mapping[str, Any] = field(default_factory=dict)


class Partitions:
    """The subscriber's assigned partitions, for back-pressure: paused partitions are not
    fetched, but the group membership stays alive."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self._consumer = consumer

    def pause(self) -> bool:
        """Pause every assigned partition; True if some were still flowing."""
        assigned = self._consumer.assignment()
        flowing = bool(assigned - self._consumer.paused())
        self._consumer.pause(*assigned)
        return flowing

    def resume(self) -> None:
        """Resume every paused partition."""
        paused = self._consumer.paused()
        if paused:
            self._consumer.resume(*paused)

    async def positions(self) -> dict[int, int]:
        """Partition -> the offset the next fetch reads, for every assigned partition."""
        return {
            tp.partition: await self._consumer.position(tp) for tp in self._consumer.assignment()
        }

    def rewind(self, partition: int, offset: int) -> None:
        """Read the assigned ``partition`` again from ``offset`` (the next commit follows)."""
        for tp in self._consumer.assignment():
            if tp.partition == partition:
                self._consumer.seek(tp, offset)


BeforePoll = Callable[[Partitions], Awaitable[bool]]
"""Runs before every fetch: may pause or resume partitions; False skips this round (the hook
waits before returning it, so the loop does not spin)."""

Records = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]

GiveUp = Callable[[Received, str, int], Awaitable[None]]
"""Dead-letters a record with the reason and the counted attempts."""


class Subscriber(Generic[M]):
    """Runs one subscription until cancelled; build it with :meth:`each` or :meth:`batches`."""

    def __init__(
        self,
        settings: KafkaSettings,
        subscription: Subscription[M],
        process: Callable[[list[Incoming[M]], GiveUp], Awaitable[None]],
        before_poll: BeforePoll | None,
    ) -> None:
        self._settings = settings
        self._subscription = subscription
        self._process = process
        self._before_poll = before_poll
        self._sink = DeadLetterSink(
            settings, subscription.group, subscription.client_id, subscription.dead_letter_topic
        )

    @classmethod
    def each(
        cls,
        settings: KafkaSettings,
        subscription: Subscription[M],
        handler: Callable[[Incoming[M]], Awaitable[None]],
    ) -> Subscriber[M]:
        """A subscriber calling ``handler`` once per message: same key in order, different keys
        concurrently (at most ``max_concurrency`` keys at once, so a big batch cannot drain a
        connection pool)."""
        slots = asyncio.Semaphore(subscription.max_concurrency)

        async def in_order(messages: list[Incoming[M]], give_up: GiveUp) -> None:
            async with slots:
                for message in messages:
                    await _with_retry(subscription, handler, message, [message.received], give_up)

        async def process(messages: list[Incoming[M]], give_up: GiveUp) -> None:
            by_key: dict[tuple[int, bytes | None], list[Incoming[M]]] = {}
            for message in messages:
                key = (message.received.partition, message.received.key)
                by_key.setdefault(key, []).append(message)
            await asyncio.gather(*(in_order(group, give_up) for group in by_key.values()))

        return cls(settings, subscription, process, None)

    @classmethod
    def batches(
        cls,
        settings: KafkaSettings,
        subscription: Subscription[M],
        handler: Callable[[Sequence[Incoming[M]]], Awaitable[None]],
        *,
        before_poll: BeforePoll | None = None,
    ) -> Subscriber[M]:
        """A subscriber calling ``handler`` once per fetched batch with all its parsed messages
        (for work that is cheaper in bulk: one Redis round trip per batch)."""

        async def one_by_one(messages: list[Incoming[M]], give_up: GiveUp) -> None:
            # The batch as a whole kept failing: find the culprits, one message at a time.
            for message in messages:
                await _with_retry(subscription, handler, [message], [message.received], give_up)

        async def process(messages: list[Incoming[M]], give_up: GiveUp) -> None:
            if not messages:
                return

            async def split(received: Received, reason: str, attempts: int) -> None:
                del received, reason, attempts
                await one_by_one(messages, give_up)

            await _with_retry(
                subscription, handler, messages, [messages[0].received], split, split_once=True
            )

        return cls(settings, subscription, process, before_poll)

    async def run(self) -> None:
        """Start the consumer and process until cancelled."""
        sub = self._subscription
        consumer = make_consumer(
            self._settings,
            sub.topic,
            group_id=sub.group,
            client_id=sub.client_id,
            **sub.consumer_options,
        )
        await consumer.start()
        try:
            partitions = Partitions(consumer)
            while True:
                if self._before_poll is not None and not await self._before_poll(partitions):
                    continue
                batches = await consumer.getmany(timeout_ms=500, max_records=sub.max_records)
                if not batches:
                    continue
                await _finish_before_stopping(
                    self._handle(consumer, batches), self._subscription.drain_seconds
                )
        finally:
            await _leave(consumer, sub)
            await self._sink.close()

    async def _handle(self, consumer: AIOKafkaConsumer, batches: Records) -> None:
        started = time.perf_counter()
        await self.process(batches)
        stages.consumed(
            self._subscription.topic,
            [r.timestamp for records in batches.values() for r in records],
            time.perf_counter() - started,
        )
        # One commit for the whole batch, and only after all of it was handled. The position,
        # not the last offset + 1: it is past the transaction markers that follow the records,
        # so a caught-up group shows no lag.
        await consumer.commit({tp: await consumer.position(tp) for tp in batches})

    async def process(self, batches: Records) -> None:
        """Parse one fetched batch (dead-lettering what cannot be parsed) and handle the rest."""
        sub = self._subscription
        parsed: list[Incoming[M]] = []
        for records in batches.values():
            for record in records:
                received = Received.of(record)
                redrive_for = header(received.headers, REDRIVE_GROUP_HEADER)
                if redrive_for is not None and redrive_for != sub.group:
                    continue  # another group's dead letter, sent back for it alone
                try:
                    message = sub.decode(received)
                except Exception as exc:
                    # Parsing does no I/O: a retry could only fail again and block the partition.
                    await self._give_up(received, f"unreadable: {_reason(exc)}", 0)
                    continue
                if message is not None:
                    parsed.append(Incoming(message, received))
        await self._process(parsed, self._give_up)

    async def _give_up(self, received: Received, reason: str, attempts: int) -> None:
        if self._subscription.dead_letter is not None:
            await self._subscription.dead_letter(received, reason)
            return
        await self._sink.send(
            received.topic,
            received.partition,
            received.offset,
            received.key,
            received.value,
            received.headers,
            reason,
            attempts,
        )


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


async def _leave(consumer: AIOKafkaConsumer, sub: Subscription[Any]) -> None:
    """Stop the consumer, which leaves the group at once: the partitions move to another member
    now, not after the session timeout. Bounded: in the middle of a rebalance aiokafka first
    waits for the join, which lasts until every member rejoined (up to the poll interval,
    minutes); a shutdown does not wait that long, the broker expires the member instead."""
    try:
        async with asyncio.timeout(sub.drain_seconds):
            await consumer.stop()
    except TimeoutError:
        log.warning("consumer did not leave its group in time", extra={"group": sub.group})


async def _finish_before_stopping(work: Awaitable[None], drain_seconds: float) -> None:
    """Await ``work``; if the caller is cancelled meanwhile (a shutdown), let ``work`` finish
    for up to ``drain_seconds`` before cancelling it too, then pass the cancellation on.

    Work that cannot finish in time (a dependency is down) is cancelled uncommitted: another
    member redoes it, so it is delayed, never lost.
    """
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        try:
            if not task.done():
                log.info("shutting down: finishing the batch in hand")
                await asyncio.wait({task}, timeout=drain_seconds)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        raise


async def _with_retry(
    subscription: Subscription[Any],
    handler: Callable[[Any], Awaitable[None]],
    work: Any,
    received: list[Received],
    give_up: GiveUp,
    *,
    split_once: bool = False,
) -> None:
    """Run ``handler(work)`` until it succeeds; after ``max_attempts`` failures that were not a
    dependency being away, hand ``received`` to ``give_up`` instead (``split_once``: a batch
    gives up on the first such failure, so that its messages are tried one by one)."""
    failures = 0

    async def attempt() -> None:
        nonlocal failures
        try:
            await handler(work)
        except Exception as exc:
            if not is_transient(exc):
                failures += 1
            limit = 1 if split_once else subscription.max_attempts
            if limit is not None and failures >= limit and (split_once or not is_transient(exc)):
                for record in received:
                    await give_up(record, f"{_reason(exc)} (after {failures} attempts)", failures)
                return
            raise

    def failed(_: Exception) -> None:
        log.exception(
            "handler failed; will retry",
            extra={"worker": subscription.client_id, "topic": subscription.topic},
        )

    await retry(attempt, subscription.retry, failed=failed)
