"""``python -m bench.consumer_probe faust|subscriber TOPIC COUNT BOOTSTRAP``: consume COUNT
messages of TOPIC from the start with a fresh consumer group, doing the same work per message
(decode the event into a stats fact, count it per table key), and print one JSON line:
``{"consumer", "messages", "seconds"}`` (first message to the COUNT-th). Run as its own process
so the two consumers never share an event loop or a CPU with the load generator."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from typing import Any

from connect_shared import jsonutil
from connect_shared.config import KafkaSettings
from connect_shared.subscriber import Incoming, Received, Subscriber, Subscription
from stats.domain.facts import Fact, fact_from_event


class Tally:
    """The per-message work both consumers do, and when it started and ended."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.seen = 0
        self.first = 0.0
        self.counts: Counter[str] = Counter()

    def add(self, fact: Fact | None, partition: int) -> bool:
        """Count one message; True once COUNT messages were seen."""
        if self.seen == 0:
            self.first = time.monotonic()
        self.seen += 1
        if fact is not None:
            self.counts[f"{fact.table_key(partition)}|{fact.kind}"] += 1
        return self.seen >= self.count

    def report(self, consumer: str) -> None:
        seconds = time.monotonic() - self.first
        line = {"consumer": consumer, "messages": self.seen, "seconds": seconds}
        sys.stdout.write(jsonutil.dumps(line).decode() + "\n")
        sys.stdout.flush()


def run_subscriber(topic: str, tally: Tally, bootstrap: str) -> None:
    settings = KafkaSettings(kafka_bootstrap_servers=bootstrap)
    done = asyncio.Event()

    def decode(received: Received) -> Any:
        return fact_from_event(jsonutil.loads(received.value)) if received.value else None

    async def handle(incoming: Incoming[Any]) -> None:
        if tally.add(incoming.message, incoming.received.partition):
            done.set()

    subscription = Subscription(
        topic, f"bench-probe-{uuid.uuid4().hex}", "bench-probe", decode=decode
    )

    async def main() -> None:
        task = asyncio.create_task(Subscriber.each(settings, subscription, handle).run())
        await done.wait()
        tally.report("subscriber")
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(main())


def run_faust(topic: str, tally: Tally, bootstrap: str) -> None:
    import faust

    from stats.adapters.consumers.stream import FactCodec

    app = faust.App(
        f"bench-probe-{uuid.uuid4().hex}",
        broker=f"kafka://{bootstrap}",
        store="memory://",
        datadir=tempfile.mkdtemp(prefix="bench-faust-"),
        web_enabled=False,
        autodiscover=False,
        consumer_auto_offset_reset="earliest",
        topic_partitions=6,
    )
    source = app.topic(topic, key_serializer="raw", value_serializer=FactCodec(), internal=False)

    @app.agent(source)
    async def count(stream: Any) -> None:
        async for event in stream.events():
            if tally.add(event.value, event.message.partition):
                tally.report("faust")
                # The probe is done: leave at once rather than through faust's shutdown.
                os._exit(0)

    worker = faust.Worker(app, loglevel="warning", quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()


def main() -> int:
    consumer, topic, count, bootstrap = sys.argv[1:5]
    tally = Tally(int(count))
    if consumer == "faust":
        run_faust(topic, tally, bootstrap)
    else:
        run_subscriber(topic, tally, bootstrap)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
