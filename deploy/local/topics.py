"""Create Connect's Kafka topics, idempotently, with explicit partitions and configs.

The broker runs with auto.create.topics.enable=false, so nothing exists until this
script ran: a producer or consumer can never silently create a topic with the wrong
partition count. Run it any number of times (existing topics are left alone):

    .venv/bin/python deploy/local/topics.py            # create what is missing
    .venv/bin/python deploy/local/topics.py --check    # list, exit 1 if any is missing
    .venv/bin/python deploy/local/topics.py --ping     # exit 0 once a metadata request works

Env: KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:$KAFKA_PORT), KAFKA_REPLICATION_FACTOR
(default 1; 3 on a real cluster), and the unprefixed security settings of the services
(KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
KAFKA_SSL_CAFILE, ...; see docs/security.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from connect_shared.config import KafkaSettings, load_settings
from connect_shared.kafka import make_admin

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    configs: dict[str, str] = field(default_factory=dict)


# Partitioned by share-token id (or object id): 6 partitions lets up to 6 replicas of a
# consumer group share the work. Keep in sync with the AsyncAPI document.
TOPICS: tuple[TopicSpec, ...] = (
    # The broker stamps each source event when it stores it: the issuer measures the age of
    # a message's ingest signature against that stamp, so consumer lag never makes it stale.
    TopicSpec(
        "connect.source-events",
        6,
        {"retention.ms": str(7 * DAY_MS), "message.timestamp.type": "LogAppendTime"},
    ),
    TopicSpec("connect.source-events.dlq", 1, {"retention.ms": str(30 * DAY_MS)}),
    TopicSpec("connect.events", 6, {"retention.ms": str(7 * DAY_MS)}),
    # The entity log every service writes; Redis views are rebuilt from it, so the
    # latest record per key must be kept forever: compaction, never time retention.
    TopicSpec("connect.state", 6, {"cleanup.policy": "compact"}),
    TopicSpec("connect.redemptions", 6, {"retention.ms": str(7 * DAY_MS)}),
    # Messages a consumer gave up on, with the reason (connect_shared.dead_letters); inspected
    # and re-driven with `connect-admin dlq list` / `connect-admin dlq replay TOPIC`.
    TopicSpec("connect.dead-letters", 1, {"retention.ms": str(30 * DAY_MS)}),
)


def bootstrap_servers() -> str:
    default = f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", default)


async def existing_partitions(admin: AIOKafkaAdminClient) -> dict[str, int]:
    return {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics()}


async def create(admin: AIOKafkaAdminClient, replication_factor: int) -> None:
    present = await existing_partitions(admin)
    missing = [t for t in TOPICS if t.name not in present]
    for spec in TOPICS:
        if spec.name in present and present[spec.name] != spec.partitions:
            print(
                f"WARNING {spec.name}: has {present[spec.name]} partitions, "
                f"expected {spec.partitions}",
                file=sys.stderr,
            )
    if not missing:
        print("topics: all present")
        return
    new = [
        NewTopic(
            name=t.name,
            num_partitions=t.partitions,
            replication_factor=replication_factor,
            topic_configs=t.configs,
        )
        for t in missing
    ]
    response = await admin.create_topics(new, timeout_ms=30_000)
    # aiokafka returns per-topic error codes instead of raising; another process
    # creating the same topic concurrently is fine (TopicAlreadyExists).
    for topic_error in response.topic_errors:
        name, code = topic_error[0], topic_error[1]
        if code == 0:
            print(f"topics: created {name}")
            continue
        err = for_code(code)
        if err is TopicAlreadyExistsError:
            print(f"topics: {name} already exists")
            continue
        message = topic_error[2] if len(topic_error) > 2 else ""
        raise err(f"creating {name}: {message}")


async def ping(admin: AIOKafkaAdminClient) -> int:
    """Ready = a broker is registered and every existing partition has a leader.

    After a crash the port and metadata answer before the restarted broker is
    registered again (the old session must expire first); producing then fails.
    """
    cluster = await admin.describe_cluster()
    if not cluster.get("brokers"):
        return 1
    for topic in await admin.describe_topics():
        if topic["error_code"] != 0:
            return 1
        if any(p["error_code"] != 0 or p["leader"] < 0 for p in topic["partitions"]):
            return 1
    return 0


async def check(admin: AIOKafkaAdminClient) -> int:
    present = await existing_partitions(admin)
    status = 0
    for spec in TOPICS:
        got = present.get(spec.name)
        ok = got == spec.partitions
        status |= 0 if ok else 1
        state = "ok" if ok else ("MISSING" if got is None else f"partitions={got}")
        print(f"{spec.name:32} {spec.partitions:3} {state}")
    return status


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="list topics, exit 1 if any missing")
    mode.add_argument("--ping", action="store_true", help="exit 0 if a metadata request works")
    args = parser.parse_args(argv)
    replication_factor = int(os.environ.get("KAFKA_REPLICATION_FACTOR", "1"))
    settings = load_settings(KafkaSettings).model_copy(
        update={"kafka_bootstrap_servers": bootstrap_servers()}
    )
    admin = make_admin(settings, "topics", request_timeout_ms=30_000)
    try:
        # start() bootstraps: it fails unless the broker answers a metadata request.
        await admin.start()
    except Exception as exc:
        print(f"kafka at {bootstrap_servers()} not answering: {exc!r}", file=sys.stderr)
        return 1
    try:
        if args.ping:
            return await ping(admin)
        if args.check:
            return await check(admin)
        await create(admin, replication_factor)
        return 0
    finally:
        await admin.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
