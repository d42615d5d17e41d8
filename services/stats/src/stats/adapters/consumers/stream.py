"""The faust application: the agent on ``connect.events`` and the two windowed tables.

Each table key is one organization / direction / connection / source partition (see
:meth:`stats.domain.facts.Fact.table_key`), each value a :class:`~stats.domain.tallies.Tally`
holding its counts together with the source offset they include. faust writes a changelog
record to the partition of the message being processed and, in at-least-once mode, flushes
those records before it commits the consumed offsets, so after a crash the table holds every
message up to the committed offset and the tally's own offset tells which re-read messages it
already counted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, cast

import faust
from faust.serializers.codecs import Codec
from faust.streams import Stream
from faust.tables.wrappers import WindowWrapper
from faust.types import StreamT

from connect_shared import jsonutil
from stats.adapters.consumers.faust_app import StatsApp
from stats.adapters.stores.tally_view import BufferedTallyView
from stats.config import StatsSettings
from stats.domain.facts import Fact, fact_from_event
from stats.domain.tallies import Tally
from stats.domain.windows import INTERVAL_SECONDS, INTERVALS, RETENTION_SECONDS, Interval
from stats.ports import Slot, TallyView
from stats.usecases.recording import Counted, record_batch

log = logging.getLogger(__name__)

TABLE_NAMES: dict[Interval, str] = {
    "hour": "share-token-stats-hour",
    "day": "share-token-stats-day",
}


# Every event rewrites a tally, so the changelogs hold many records per key. The memory store
# restores a whole changelog at each start: roll segments every minute and let the cleaner
# compact early, so a restart reads about one record per key instead of the history.
CHANGELOG_CONFIG = {
    "cleanup.policy": "compact",
    "segment.ms": "60000",
    "min.cleanable.dirty.ratio": "0.1",
}


class FactCodec(Codec):
    """Decodes a ``connect.events`` value into a :class:`Fact`, or None for anything that is
    not a countable share-token event (other events, malformed bytes): those are skipped,
    never retried and never block the partition."""

    def _loads(self, s: bytes) -> Any:
        try:
            return fact_from_event(jsonutil.loads(s))
        except ValueError:
            return None

    def _dumps(self, s: Any) -> bytes:
        raise TypeError("the stats service never produces to connect.events")


class SourcePartitionTable(faust.Table[Any, Any]):
    """A faust table whose changelog partition comes from the key, not the current event.

    Every key names the source partition it counts (``org|direction|connection|partition``),
    so its changelog records belong in that partition: the worker assigned the source
    partition restores exactly its keys. faust would take the partition of the message being
    processed, which a batch of events from several partitions does not have."""

    def partition_for_key(self, key: Any) -> int | None:
        """The source partition named by a raw windowed key ``(key, window)``."""
        partition = _partition_of(key)
        if partition is None:
            return super().partition_for_key(key)
        return partition


def _partition_of(table_key: Any) -> int | None:
    try:
        key, _window = table_key
        return int(str(key).rsplit("|", 1)[1])
    except (TypeError, ValueError, IndexError):
        return None


class FaustTallyTables:
    """:class:`stats.ports.TallyTables` over the faust windowed tables. The window is
    named by time explicitly (the event's ``created-at``, never the broker timestamp) and
    addressed by its raw ``(key, (start, end))`` table key, which is what faust's window
    wrappers do underneath, without building a wrapper per call."""

    def __init__(self, tables: Mapping[Interval, WindowWrapper]) -> None:
        self._tables = {interval: wrapper.table for interval, wrapper in tables.items()}

    def _raw_key(self, interval: Interval, key: str, at: float) -> Any:
        table = self._tables[interval]
        return (key, table.window.current(at))  # type: ignore[union-attr]

    def read(self, interval: Interval, key: str, at: float) -> Tally:
        """The tally of ``key`` in the window holding ``at``."""
        return Tally.from_value(self._tables[interval][self._raw_key(interval, key, at)])

    def write(self, interval: Interval, key: str, at: float, tally: Tally) -> None:
        """Replace it; faust sends the changelog record (partition of the current message)."""
        self._tables[interval][self._raw_key(interval, key, at)] = tally.to_value()


def _slot_of(interval: Interval, table_key: Any) -> Slot | None:
    # A raw windowed key is (key, (window start, window end)).
    try:
        key, (start, _end) = table_key
        org, direction, connection, partition = str(key).split("|")
        return Slot(interval, org, int(start), direction, connection, int(partition))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def create_stream_app(settings: StatsSettings, redis_view: TallyView) -> faust.App:
    """The faust app with its tables and agent (nothing starts until a worker runs it)."""
    view = BufferedTallyView(redis_view)
    servers = [s.strip() for s in settings.kafka_bootstrap_servers.split(",") if s.strip()]
    app = StatsApp(
        settings.app_id,
        broker=[f"kafka://{server}" for server in servers],
        store="memory://",
        datadir=str(settings.data_dir),
        autodiscover=False,
        # At-least-once, de-duplicated by the offsets in the tallies: faust's exactly-once
        # mode was measured to miscount after kill -9 (docs/decisions/0002-...).
        processing_guarantee="at_least_once",
        broker_commit_interval=settings.commit_interval_seconds,
        # Changelog records (two per event) go out in batches rather than one request each.
        producer_linger=settings.changelog_linger_seconds,
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=settings.session_timeout_seconds / 5,
        broker_rebalance_timeout=settings.session_timeout_seconds * 3,
        consumer_auto_offset_reset="earliest",
        topic_partitions=settings.events_partitions,
        topic_replication_factor=settings.changelog_replication,
        web_enabled=settings.faust_web_enabled,
        web_bind="127.0.0.1",
        web_host="127.0.0.1",
        web_port=settings.faust_web_port,
    )
    topic = app.topic(
        settings.topic_events, key_serializer="raw", value_serializer=FactCodec(), internal=False
    )
    tables: dict[Interval, WindowWrapper] = {}
    for interval in INTERVALS:
        table = SourcePartitionTable(
            app,
            name=TABLE_NAMES[interval],
            default=dict,
            partitions=settings.events_partitions,
            extra_topic_configs=CHANGELOG_CONFIG,
        )
        windowed = app.tables.add(table).tumbling(
            timedelta(seconds=INTERVAL_SECONDS[interval]),
            expires=timedelta(seconds=RETENTION_SECONDS[interval]),
        )
        assert isinstance(windowed, WindowWrapper)  # what tumbling() builds; narrows the type
        tables[interval] = windowed
        windowed.table.on_recover(_republisher(interval, windowed, redis_view))
    store = FaustTallyTables(tables)

    @app.agent(topic, name="share-token-stats")
    async def tally(stream: StreamT[Any]) -> None:
        # faust acknowledges a batch's events only after this body handled them, so the
        # offsets it commits never run ahead of the changelog records written here.
        batches = cast("Stream[Any]", stream).take_events(
            settings.batch_max_events, within=settings.batch_wait_seconds
        )
        async for events in batches:
            counted = [
                Counted(event.value, event.message.partition, event.message.offset)
                for event in events
                if isinstance(event.value, Fact)
            ]
            if counted:
                await record_batch(counted, store, view)

    @app.timer(interval=settings.publish_interval_seconds)  # type: ignore[untyped-decorator]
    async def publish() -> None:
        try:
            await view.flush()
        except Exception:
            log.warning("publishing tallies to Redis failed; retrying", exc_info=True)

    return app


def _republisher(interval: Interval, table: WindowWrapper, view: TallyView) -> Any:
    """After a recovery, publish every recovered tally again: the view may be behind (a lost
    Redis) and rewriting whole tallies is idempotent."""

    async def republish() -> None:
        updates = []
        for raw_key, value in list(table.table.data.items()):
            slot = _slot_of(interval, raw_key)
            if slot is not None:
                updates.append((slot, Tally.from_value(value)))
        for first in range(0, len(updates), 500):
            await view.publish(updates[first : first + 500])
        log.info("republished tallies", extra={"interval": interval, "count": len(updates)})

    return republish
