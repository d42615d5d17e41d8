"""All-or-nothing writes: one transactional producer per process with group commit.

Every write of a request or a handled message is one *write set* (a state record and its
events, say). A write set lands whole or not at all, and the caller is told which:

* the sets waiting when a transaction starts share it (group commit): begin, send every
  message of every set, commit. A process runs a few transactions at once (``LANES``, one
  transactional producer each); while they commit the next sets queue, so a busy process pays
  one commit round trip for many requests;
* a set is refused with :class:`~connect_shared.errors.Unavailable` (503) only when its
  transaction can no longer commit: something failed **before** the commit was requested, so
  the transaction is aborted (by us, or by the coordinator's transaction timeout when we cannot
  reach it) and none of its records ever becomes visible to a ``read_committed`` consumer;
* once the commit is requested the outcome is awaited, never guessed: success resolves every
  set with where its records are; a coordinator that fenced the producer or reports the
  transaction as no longer open aborted it (503); any other failure leaves the outcome unknown
  until the producer is replaced (re-initialising the same transactional id makes the
  coordinator finish the open transaction) and one record of it is looked up with
  ``read_committed``.

A producer that failed (fatal state, an abort that did not finish in time) is replaced before
the next transaction; that replacement counts against the next transaction's time budget, so
callers still hear 503 within the produce timeout while Kafka is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.errors import InvalidTxnState, ProducerFenced
from prometheus_client import Counter, Histogram

from connect_shared.errors import Unavailable
from connect_shared.kafka_types import Delivered, OutgoingMessage

log = logging.getLogger(__name__)

TRANSACTIONS = Counter(
    "connect_kafka_transactions_total",
    "Kafka transactions ended, by outcome (committed, aborted, resolved-committed, ...)",
    ["outcome"],
)
WRITE_SETS_PER_TRANSACTION = Histogram(
    "connect_kafka_write_sets_per_transaction",
    "Write sets (requests or handled messages) that shared one transaction",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
# Sets taken into one transaction at most, so one commit never carries an unbounded batch.
MAX_SETS_PER_TRANSACTION = 256
# Transactions in flight at once per process (one producer each): a set never waits for more
# than the transactions ahead of it in its lane, and a busy process still batches. Measured
# with 1, 2, 3 and 6 (docs/benchmarks.md): each transaction costs broker round trips and a
# commit marker per partition, so fewer, bigger ones win; one lane alone leaves every set
# waiting behind the commit in flight.
LANES = 2
_STOP_SECONDS = 5.0

REFUSED = "Kafka did not acknowledge the write; nothing was stored."


@dataclass
class _WriteSet:
    messages: Sequence[OutgoingMessage]
    outcome: asyncio.Future[list[Delivered]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class _CommitUnknown(Exception):
    """The commit was requested and its answer never came back readable."""


class _Lane:
    """One transactional producer and the transactions it runs, one at a time."""

    def __init__(
        self,
        make_producer: Callable[[], AIOKafkaProducer],
        timeout: float,
        was_committed: Callable[[Delivered], Awaitable[bool]] | None,
        first: AIOKafkaProducer | None,
    ) -> None:
        self._make_producer = make_producer
        self._timeout = timeout
        self._was_committed = was_committed
        self.producer: AIOKafkaProducer = first if first is not None else make_producer()
        self._started = False
        self.transactions = 0

    @property
    def started(self) -> bool:
        """Whether the lane's producer is started (connected, transactional id registered)."""
        return self._started

    async def ready(self) -> AIOKafkaProducer:
        """The started producer (starting, or replacing, it first if needed)."""
        if not self._started:
            try:
                await self.producer.start()
            except BaseException:
                await self._replace()
                raise
            self._started = True
        return self.producer

    async def stop(self) -> None:
        """Stop the producer (bounded: one that lost Kafka may never flush)."""
        if self._started:
            self._started = False
            await _stop_quietly(self.producer)

    async def run(self, batch: list[_WriteSet], requeue: Callable[[list[_WriteSet]], None]) -> None:
        """One transaction over ``batch``; settles every set, or puts innocent ones back."""
        culprit: _WriteSet | None = None
        try:
            async with asyncio.timeout(self._timeout):
                producer = await self.ready()
                await producer.begin_transaction()
                futures = []
                for write_set in batch:
                    culprit = write_set  # a message refused on the spot (too large) is its own
                    futures += [
                        await producer.send(
                            m.topic, m.value, key=m.key.encode(), headers=m.headers or None
                        )
                        for m in write_set.messages
                    ]
                culprit = None
                results = await asyncio.gather(*futures)
        except Exception as exc:
            # The commit was never requested: the transaction can only abort, so 503 is true.
            log.warning("kafka transaction failed before commit", extra={"error": repr(exc)})
            TRANSACTIONS.labels("aborted").inc()
            await self._abandon()
            if culprit is not None and not isinstance(exc, TimeoutError):
                # One set's own message was refused: the others go again in the next one.
                _settle([culprit], exc)
                requeue([s for s in batch if s is not culprit])
            else:
                _settle(batch, exc)
            return
        delivered = [Delivered(r.topic, r.partition, r.offset) for r in results]
        if not await self._commit(producer, delivered[0]):
            _settle(batch, None)
            return
        self.transactions += 1
        WRITE_SETS_PER_TRANSACTION.observe(len(batch))
        start = 0
        for write_set in batch:
            end = start + len(write_set.messages)
            if not write_set.outcome.done():
                write_set.outcome.set_result(delivered[start:end])
            start = end

    async def _commit(self, producer: AIOKafkaProducer, probe: Delivered) -> bool:
        """Commit and say whether the transaction committed (waits until that is known)."""
        try:
            await producer.commit_transaction()
        except (ProducerFenced, InvalidTxnState) as exc:
            # The coordinator ended the transaction without us (its timeout): aborted.
            log.warning("kafka transaction aborted by the coordinator", extra={"error": repr(exc)})
            TRANSACTIONS.labels("aborted").inc()
            await self._replace()
            return False
        except Exception as exc:
            log.warning("kafka commit answer lost; resolving", extra={"error": repr(exc)})
            return await self._resolve(probe)
        TRANSACTIONS.labels("committed").inc()
        return True

    async def _resolve(self, probe: Delivered) -> bool:
        # Re-initialising the transactional id makes the coordinator finish the open
        # transaction (commit if it was asked to, else abort); then a read_committed reader
        # sees its records or it does not.
        while True:
            try:
                await self._replace()
                await self.ready()
                if self._was_committed is None:
                    raise _CommitUnknown("no way to look the outcome up")
                committed = await self._was_committed(probe)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("kafka commit outcome still unknown", extra={"error": repr(exc)})
                await asyncio.sleep(1.0)
                continue
            TRANSACTIONS.labels("resolved-committed" if committed else "resolved-aborted").inc()
            return committed

    async def _abandon(self) -> None:
        """Abort the open transaction; replace the producer if that cannot be done in time."""
        if not self._started:
            return
        producer = self.producer
        state = producer._txn_manager.state.name  # aiokafka exposes no public state
        if state in ("IN_TRANSACTION", "ABORTABLE_ERROR"):
            try:
                async with asyncio.timeout(self._timeout):
                    await producer.abort_transaction()
                return
            except Exception as exc:
                log.warning("kafka abort did not finish", extra={"error": repr(exc)})
        elif state == "READY":
            return
        await self._replace()

    async def _replace(self) -> None:
        # A new producer with the same transactional id fences the old one when it starts.
        producer, started = self.producer, self._started
        self.producer, self._started = self._make_producer(), False
        if started:
            await _stop_quietly(producer)
        else:
            _close_unstarted(producer)


class GroupCommit:
    """Runs transactions of queued write sets on a few transactional producers (lanes).

    ``make_producer(lane)`` builds a fresh, unstarted producer with the lane's transactional id
    (called again to replace a failed one); ``timeout`` bounds everything before the commit;
    ``was_committed`` tells, for a record of a transaction whose commit answer was lost, whether
    a ``read_committed`` reader sees it (only called after the producer was replaced, when the
    coordinator has finished that transaction). ``first`` is lane 0's producer, if made already.
    """

    def __init__(
        self,
        make_producer: Callable[[int], AIOKafkaProducer],
        timeout: float,
        was_committed: Callable[[Delivered], Awaitable[bool]] | None = None,
        *,
        first: AIOKafkaProducer | None = None,
        lanes: int = LANES,
    ) -> None:
        self._lanes = [
            _Lane(
                functools.partial(make_producer, i),
                timeout,
                was_committed,
                first if i == 0 else None,
            )
            for i in range(max(1, lanes))
        ]
        self._queue: list[_WriteSet] = []
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._timeout = timeout
        self._closing = False

    @property
    def producer(self) -> AIOKafkaProducer:
        """A started producer if any lane has one (for readiness checks and metadata; a lane
        whose producer failed starts its replacement only with its next transaction)."""
        started = [lane.producer for lane in self._lanes if lane.started]
        return started[0] if started else self._lanes[0].producer

    @property
    def transactions(self) -> int:
        """Committed transactions so far (for tests and logs)."""
        return sum(lane.transactions for lane in self._lanes)

    async def start(self) -> None:
        """Start the producers (each registers its transactional id) and the lanes' loops."""
        for lane in self._lanes:
            await lane.ready()
        self._tasks = [
            asyncio.create_task(self._run(lane), name=f"kafka-group-commit-{i}")
            for i, lane in enumerate(self._lanes)
        ]

    async def stop(self) -> None:
        """Finish the queued write sets, then stop the loops and the producers."""
        self._closing = True
        self._wake.set()
        if self._tasks:
            # Bounded: a lane still waiting for a commit's outcome when Kafka is gone is cut
            # off (its callers are being cancelled with the process anyway, never told 503).
            _, stuck = await asyncio.wait(self._tasks, timeout=2 * self._timeout + _STOP_SECONDS)
            for task in stuck:
                task.cancel()
            for task in stuck:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for lane in self._lanes:
            await lane.stop()

    async def write(self, messages: Sequence[OutgoingMessage]) -> list[Delivered]:
        """Write ``messages`` all or nothing; returns where each landed, in order.

        Raises :class:`Unavailable` when they were definitely not written."""
        if self._closing or not self._tasks or all(t.done() for t in self._tasks):
            raise Unavailable(REFUSED)
        if not messages:
            return []
        write_set = _WriteSet(messages)
        # A caller that went away never reads its outcome: retrieve it so it is not reported.
        write_set.outcome.add_done_callback(_retrieve)
        self._queue.append(write_set)
        self._wake.set()
        # A cancelled caller (client gone) must not cancel the transaction others share.
        return await asyncio.shield(write_set.outcome)

    def _requeue(self, sets: list[_WriteSet]) -> None:
        self._queue[:0] = sets
        self._wake.set()

    async def _run(self, lane: _Lane) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = self._queue[:MAX_SETS_PER_TRANSACTION]
            del self._queue[: len(batch)]
            try:
                await lane.run(batch, self._requeue)
            except Exception as exc:  # never leave a waiter hanging on a bug
                log.exception("group commit failed unexpectedly")
                _settle(batch, exc)


def _retrieve(outcome: asyncio.Future[list[Delivered]]) -> None:
    if not outcome.cancelled():
        outcome.exception()


def _settle(batch: list[_WriteSet], cause: BaseException | None) -> None:
    """Refuse every set of ``batch`` with its own 503."""
    for write_set in batch:
        if not write_set.outcome.done():
            error = Unavailable(REFUSED)
            error.__cause__ = cause
            write_set.outcome.set_exception(error)


def _close_unstarted(producer: AIOKafkaProducer) -> None:
    # An unstarted (or half-started) producer still owns a client: close its sockets too.
    task = asyncio.ensure_future(_stop_quietly(producer))
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


_BACKGROUND: set[asyncio.Future[None]] = set()


async def _stop_quietly(producer: AIOKafkaProducer) -> None:
    # A producer that lost Kafka may never flush: give it a moment, then let it go.
    try:
        async with asyncio.timeout(_STOP_SECONDS):
            await producer.stop()
    except Exception as exc:
        log.debug("kafka producer stop did not finish", extra={"error": repr(exc)})
