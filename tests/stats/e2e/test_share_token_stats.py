"""GET /connect/share-token-stats over the real stats worker: a scripted mix of created,
redeemed, expired and failed tokens across hour and day boundaries, counted exactly, each
organization seeing only its own side."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiokafka import AIOKafkaProducer

from connect_shared.clock import iso
from stats.domain import histogram
from tests.stats.tokens import Script, days_ago, new_id, produce, stats, wait_for_stats
from tests.support.admin import create_org
from tests.support.api import ApiClient
from tests.support.ports import KAFKA_BOOTSTRAP

pytestmark = pytest.mark.e2e


def _row(
    created: int = 0,
    redeemed: int = 0,
    expired: int = 0,
    failed: int = 0,
    seconds: tuple[float, ...] = (),
) -> dict[str, Any]:
    bins: histogram.Bins = {}
    for value in seconds:
        bins = histogram.add(bins, value)
    return {
        "created": created,
        "redeemed": redeemed,
        "expired": expired,
        "failed": failed,
        "seconds-to-redeem-p50": histogram.quantile(bins, 0.5),
        "seconds-to-redeem-p95": histogram.quantile(bins, 0.95),
    }


def _range(day: datetime, days: int = 2) -> dict[str, str]:
    return {
        "filter[from]": iso(day),
        "filter[to]": iso(day + timedelta(days=days) - timedelta(seconds=1)),
    }


@pytest.fixture(scope="module")
async def scripted(services: Any, http: aiohttp.ClientSession) -> dict[str, Any]:
    """Six tokens from A to B around midnight two days ago, produced once for the module."""
    source, destination = create_org("stats source"), create_org("stats destination")
    day = days_ago(2)
    at = lambda hours, seconds=0.0: day + timedelta(hours=hours, seconds=seconds)  # noqa: E731
    script = Script(source["id"], destination["id"])
    cxn1, cxn2 = new_id("cxn_"), new_id("cxn_")
    script.token(cxn1, at(23, 600), "redeemed", at(23, 2400))  # 1800 s
    script.token(cxn1, at(23, 3000), "redeemed", at(24, 300))  # 900 s, redeemed next day
    script.token(cxn2, at(23, 3599.999), "expired", at(24, 1800))  # last millisecond of the day
    script.token(cxn2, at(24), "failed", at(24, 60))  # first millisecond of the next
    script.token(cxn1, at(24, 600))  # still open
    script.token(cxn1, at(12), "redeemed", at(24))  # 43200 s
    await produce(script.messages)
    return {
        "source": ApiClient(http, source["api-key"]),
        "destination": ApiClient(http, destination["api-key"]),
        "day": day,
        "cxn2": cxn2,
        "source_org": source["id"],
    }


def _hour(day: datetime, hours: int) -> str:
    return iso(day + timedelta(hours=hours))


async def test_hourly_buckets_count_each_token_once_in_the_hour_of_each_event(
    scripted: dict[str, Any],
) -> None:
    day = scripted["day"]
    expected = {
        _hour(day, 12): _row(created=1),
        _hour(day, 23): _row(created=3, redeemed=1, seconds=(1800,)),
        _hour(day, 24): _row(created=2, redeemed=2, expired=1, failed=1, seconds=(900, 43200)),
    }
    await wait_for_stats(scripted["source"], expected, interval="hour", **_range(day))
    # The destination counts the same tokens on its inbound side.
    await wait_for_stats(
        scripted["destination"],
        expected,
        interval="hour",
        **_range(day),
        **{"filter[direction]": "inbound"},
    )


async def test_daily_buckets_split_at_midnight_utc(scripted: dict[str, Any]) -> None:
    day = scripted["day"]
    expected = {
        iso(day): _row(created=4, redeemed=1, seconds=(1800,)),
        iso(day + timedelta(days=1)): _row(
            created=2, redeemed=2, expired=1, failed=1, seconds=(900, 43200)
        ),
    }
    await wait_for_stats(scripted["source"], expected, interval="day", **_range(day))


async def test_connection_filter_counts_only_that_connection(scripted: dict[str, Any]) -> None:
    day = scripted["day"]
    expected = {
        _hour(day, 23): _row(created=1),
        _hour(day, 24): _row(created=1, expired=1, failed=1),
    }
    await wait_for_stats(
        scripted["source"],
        expected,
        interval="hour",
        **_range(day),
        **{"filter[connection-id]": scripted["cxn2"]},
    )


async def test_each_organization_sees_only_its_own_side(
    scripted: dict[str, Any], org_factory: Any, client: Any
) -> None:
    day = scripted["day"]
    source, destination = scripted["source"], scripted["destination"]
    # Wait until both sides counted everything, then nothing of one shows on the other.
    await test_hourly_buckets_count_each_token_once_in_the_hour_of_each_event(scripted)
    inbound = {"filter[direction]": "inbound"}
    outbound = {"filter[direction]": "outbound"}
    assert await stats(source, interval="hour", **_range(day), **inbound) == {}
    assert await stats(destination, interval="hour", **_range(day), **outbound) == {}
    stranger = client(org_factory("stats stranger")["api-key"])
    assert await stats(stranger, interval="hour", **_range(day)) == {}
    assert await stats(stranger, interval="day", **_range(day)) == {}


async def test_a_later_event_is_counted_and_nothing_else_changes(
    scripted: dict[str, Any],
) -> None:
    """The later marker: once a newer event shows, everything before it has been counted, so
    the totals staying exact proves no redelivery counted twice."""
    day = scripted["day"]
    source = scripted["source"]
    before = await wait_for_stats(
        source,
        {
            iso(day): _row(created=4, redeemed=1, seconds=(1800,)),
            iso(day + timedelta(days=1)): _row(
                created=2, redeemed=2, expired=1, failed=1, seconds=(900, 43200)
            ),
        },
        interval="day",
        **_range(day),
    )
    marker = Script(scripted["source_org"], new_id("org_"))
    marker.token(new_id("cxn_"), day + timedelta(hours=5))
    await produce(marker.messages)
    expected = dict(before)
    expected[iso(day)] = {**before[iso(day)], "created": before[iso(day)]["created"] + 1}
    await wait_for_stats(source, expected, interval="day", **_range(day))


async def test_events_of_an_aborted_transaction_are_not_counted(
    services: Any, http: aiohttp.ClientSession
) -> None:
    org = create_org("stats transactions")
    client = ApiClient(http, org["api-key"])
    day = days_ago(2)
    token_id, connection = new_id("stk_"), new_id("cxn_")
    aborted = Script(org["id"], new_id("org_"))
    aborted.token(connection, day + timedelta(hours=3), token_id=token_id)
    producer = AIOKafkaProducer(
        bootstrap_servers=KAFKA_BOOTSTRAP, transactional_id=new_id("stats-test-")
    )
    await producer.start()
    try:
        await producer.begin_transaction()
        for key, value in aborted.messages:
            await producer.send_and_wait("connect.events", value, key=key.encode())
        await producer.abort_transaction()
    finally:
        await producer.stop()
    # Same key, so the same partition, after the aborted records: once it is counted, the
    # worker has passed them.
    committed = Script(org["id"], new_id("org_"))
    committed.token(connection, day + timedelta(hours=5), token_id=token_id)
    await produce(committed.messages)
    await wait_for_stats(client, {_hour(day, 5): _row(created=1)}, interval="hour", **_range(day))
