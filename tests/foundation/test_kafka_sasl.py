"""The shared Kafka helpers reach a broker that requires SASL, with and without TLS, through
settings alone.

The local broker has two more listeners (SASL_PLAINTEXT and SASL_SSL,
deploy/kafka/server.properties.template) with a PLAIN user and a SCRAM user (SHA-256 and
SHA-512); the default listener stays plain.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiokafka.errors import KafkaError
from pydantic import SecretStr

from connect_shared.config import KafkaSettings
from connect_shared.errors import Unavailable
from connect_shared.kafka import DurableProducer, OutgoingMessage, make_admin, make_consumer
from tests.foundation.test_kafka_security_settings import self_signed
from tests.support.ports import KAFKA_SASL_BOOTSTRAP, KAFKA_SASL_SSL_BOOTSTRAP, KAFKA_TLS_CA

pytestmark = pytest.mark.integration

USERS = {
    "PLAIN": ("connect-plain", "connect-plain-secret"),
    "SCRAM-SHA-256": ("connect-scram", "connect-scram-secret"),
    "SCRAM-SHA-512": ("connect-scram", "connect-scram-secret"),
}


def sasl_settings(
    mechanism: str, password: str | None = None, *, tls_ca: Path | None = None
) -> KafkaSettings:
    username, right = USERS[mechanism]
    return KafkaSettings(
        kafka_bootstrap_servers=KAFKA_SASL_SSL_BOOTSTRAP if tls_ca else KAFKA_SASL_BOOTSTRAP,
        kafka_security_protocol="SASL_SSL" if tls_ca else "SASL_PLAINTEXT",
        kafka_ssl_cafile=str(tls_ca or ""),
        kafka_sasl_mechanism=mechanism,
        kafka_sasl_username=username,
        kafka_sasl_password=SecretStr(password or right),
        kafka_produce_timeout_seconds=10,
    )


async def round_trip(settings: KafkaSettings, topic: str, payload: bytes) -> bytes:
    """Describe the cluster with an admin client, produce with the durable producer and read the
    record back with a consumer, all built by the shared helpers from ``settings``."""
    admin = make_admin(settings, "tests-sasl")
    await admin.start()
    try:
        assert (await admin.describe_cluster())["brokers"]
    finally:
        await admin.close()
    producer = DurableProducer(settings, "tests-sasl")
    await producer.start()
    try:
        await producer.send(OutgoingMessage(topic, "k", payload))
    finally:
        await producer.stop()
    consumer = make_consumer(settings, topic, group_id=None, client_id="tests-sasl")
    await consumer.start()
    try:
        async with asyncio.timeout(20):
            record = await consumer.getone()
    finally:
        await consumer.stop()
    return bytes(record.value)


@pytest.mark.parametrize("mechanism", sorted(USERS))
async def test_produce_and_consume_through_the_sasl_listener(
    mechanism: str, scratch_topic: str
) -> None:
    payload = mechanism.encode()
    assert await round_trip(sasl_settings(mechanism), scratch_topic, payload) == payload


@pytest.mark.parametrize("mechanism", sorted(USERS))
async def test_produce_and_consume_over_tls_with_sasl(mechanism: str, scratch_topic: str) -> None:
    payload = b"tls " + mechanism.encode()
    settings = sasl_settings(mechanism, tls_ca=KAFKA_TLS_CA)
    assert await round_trip(settings, scratch_topic, payload) == payload


async def test_a_broker_certificate_of_another_ca_is_refused(
    infrastructure: None, tmp_path: Path
) -> None:
    other_ca, _ = self_signed(tmp_path)
    settings = sasl_settings("SCRAM-SHA-512", tls_ca=other_ca)
    producer = DurableProducer(settings, "tests-sasl")
    with pytest.raises((KafkaError, OSError)):
        async with asyncio.timeout(20):
            await producer.start()
    await producer.stop()


@pytest.mark.parametrize("tls", [False, True], ids=["sasl-plaintext", "sasl-ssl"])
@pytest.mark.parametrize("mechanism", sorted(USERS))
async def test_wrong_sasl_password_is_refused(
    mechanism: str, tls: bool, infrastructure: None
) -> None:
    ca = KAFKA_TLS_CA if tls else None
    settings = sasl_settings(mechanism, password="wrong-password", tls_ca=ca)
    producer = DurableProducer(settings, "tests-sasl")
    with pytest.raises((KafkaError, Unavailable)):
        async with asyncio.timeout(20):
            await producer.start()
    await producer.stop()


async def test_a_client_without_sasl_settings_cannot_use_the_sasl_listener(
    infrastructure: None,
) -> None:
    plain = KafkaSettings(kafka_bootstrap_servers=KAFKA_SASL_BOOTSTRAP)
    admin = make_admin(plain, "tests-sasl", request_timeout_ms=3000)
    with pytest.raises((KafkaError, TimeoutError)):
        async with asyncio.timeout(15):
            await admin.start()
    await admin.close()
