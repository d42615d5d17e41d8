"""The shared Kafka helpers reach a broker that requires SASL, through settings alone.

The local broker has a second listener (SASL_PLAINTEXT, deploy/kafka/server.properties.template)
with a PLAIN user and a SCRAM user (SHA-256 and SHA-512); the default listener stays plain.
"""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import KafkaError
from pydantic import SecretStr

from connect_shared.config import KafkaSettings
from connect_shared.errors import Unavailable
from connect_shared.kafka import DurableProducer, OutgoingMessage, make_admin, make_consumer
from tests.support.ports import KAFKA_SASL_BOOTSTRAP

pytestmark = pytest.mark.integration

USERS = {
    "PLAIN": ("connect-plain", "connect-plain-secret"),
    "SCRAM-SHA-256": ("connect-scram", "connect-scram-secret"),
    "SCRAM-SHA-512": ("connect-scram", "connect-scram-secret"),
}


def sasl_settings(mechanism: str, password: str | None = None) -> KafkaSettings:
    username, right = USERS[mechanism]
    return KafkaSettings(
        kafka_bootstrap_servers=KAFKA_SASL_BOOTSTRAP,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism=mechanism,
        kafka_sasl_username=username,
        kafka_sasl_password=SecretStr(password or right),
        kafka_produce_timeout_seconds=10,
    )


@pytest.mark.parametrize("mechanism", sorted(USERS))
async def test_produce_and_consume_through_the_sasl_listener(
    mechanism: str, scratch_topic: str
) -> None:
    settings = sasl_settings(mechanism)
    admin = make_admin(settings, "tests-sasl")
    await admin.start()
    try:
        assert scratch_topic in await admin.list_topics()
    finally:
        await admin.close()
    producer = DurableProducer(settings, "tests-sasl")
    await producer.start()
    try:
        await producer.send(OutgoingMessage(scratch_topic, "k", mechanism.encode()))
    finally:
        await producer.stop()
    consumer = make_consumer(settings, scratch_topic, group_id=None, client_id="tests-sasl")
    await consumer.start()
    try:
        async with asyncio.timeout(20):
            record = await consumer.getone()
    finally:
        await consumer.stop()
    assert record.value == mechanism.encode()


@pytest.mark.parametrize("mechanism", sorted(USERS))
async def test_wrong_sasl_password_is_refused(mechanism: str, infrastructure: None) -> None:
    producer = DurableProducer(sasl_settings(mechanism, password="wrong-password"), "tests-sasl")
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
