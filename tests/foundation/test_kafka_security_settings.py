"""Kafka TLS and SASL settings: one mixin every service and the admin CLI read, turned into the
options of every producer, consumer and admin client the shared helpers build."""

from __future__ import annotations

import datetime as dt
import os
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr, ValidationError

from connect_shared import kafka
from connect_shared.config import KafkaSettings
from connect_shared.kafka import DurableProducer, make_admin, make_consumer, security_options
from issuer.config import IssuerSettings
from notifier.config import NotifierSettings
from redeemer.config import RedeemerSettings
from tests.support.services import ROOT

pytestmark = pytest.mark.unit


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throwaway CA certificate and its key as PEM files."""
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "connect-test-ca")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert_path, key_path = directory / "ca.pem", directory / "ca.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_the_default_is_the_plain_listener_without_tls_or_sasl() -> None:
    assert security_options(KafkaSettings()) == {"security_protocol": "PLAINTEXT"}


def test_sasl_over_tls_configures_mechanism_credentials_and_a_verifying_context(
    tmp_path: Path,
) -> None:
    ca, _ = self_signed(tmp_path)
    settings = KafkaSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-256",
        kafka_sasl_username="issuer",
        kafka_sasl_password=SecretStr("s3cret"),
        kafka_ssl_cafile=str(ca),
    )
    options = security_options(settings)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-256"
    assert options["sasl_plain_username"] == "issuer"
    assert options["sasl_plain_password"] == "s3cret"
    context: ssl.SSLContext = options["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    subjects = [c["subject"] for c in context.get_ca_certs()]
    assert ((("commonName", "connect-test-ca"),),) in subjects
    assert "s3cret" not in repr(settings)


def test_mutual_tls_loads_the_client_certificate(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    settings = KafkaSettings(
        kafka_security_protocol="SSL",
        kafka_ssl_cafile=str(cert),
        kafka_ssl_certfile=str(cert),
        kafka_ssl_keyfile=str(key),
    )
    options = security_options(settings)
    assert "sasl_mechanism" not in options
    assert isinstance(options["ssl_context"], ssl.SSLContext)


@pytest.mark.parametrize(
    "settings",
    [
        {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_username": "u"},
        {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_password": "p"},
        {"kafka_security_protocol": "SSL", "kafka_ssl_certfile": "/etc/hostname"},
        {"kafka_security_protocol": "SSL", "kafka_ssl_cafile": "/nonexistent/ca.pem"},
        {"kafka_security_protocol": "TLS"},
        {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_mechanism": "GSSAPI"},
    ],
    ids=["no-password", "no-user", "cert-without-key", "missing-ca", "unknown-protocol", "gssapi"],
)
def test_inconsistent_security_settings_are_refused(settings: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        KafkaSettings(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cls", "prefix"),
    [(IssuerSettings, "ISSUER_"), (RedeemerSettings, "REDEEMER_"), (NotifierSettings, "NOTIFIER_")],
)
def test_every_service_reads_the_security_settings_with_its_prefix(
    cls: type[KafkaSettings], prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"{prefix}KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv(f"{prefix}KAFKA_SASL_MECHANISM", "PLAIN")
    monkeypatch.setenv(f"{prefix}KAFKA_SASL_USERNAME", prefix.lower().strip("_"))
    monkeypatch.setenv(f"{prefix}KAFKA_SASL_PASSWORD", "pw")
    settings = cls()
    assert security_options(settings)["sasl_plain_username"] == prefix.lower().strip("_")


def _recording(cls: type[Any], built: list[dict[str, Any]]) -> type[Any]:
    """``cls`` that notes the options each instance is built with (the clients keep them in
    private attributes only)."""

    class Recording(cls):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **options: Any) -> None:
            built.append(options)
            super().__init__(*args, **options)

    return Recording


async def test_every_client_the_helpers_build_carries_the_security_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = KafkaSettings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="svc",
        kafka_sasl_password=SecretStr("pw"),
    )
    built: list[dict[str, Any]] = []
    for name, cls in (
        ("AIOKafkaProducer", AIOKafkaProducer),
        ("AIOKafkaConsumer", AIOKafkaConsumer),
        ("AIOKafkaAdminClient", AIOKafkaAdminClient),
    ):
        monkeypatch.setattr(kafka, name, _recording(cls, built))
    producer = DurableProducer(settings, "t").raw
    consumer = make_consumer(settings, group_id=None, client_id="t")
    admin = make_admin(settings, "t")
    try:
        assert len(built) == 3
        for options in built:
            assert options["security_protocol"] == "SASL_PLAINTEXT"
            assert options["sasl_mechanism"] == "SCRAM-SHA-512"
            assert options["sasl_plain_username"] == "svc"
            assert options["sasl_plain_password"] == "pw"
    finally:
        await producer.stop()
        await consumer.stop()
        await admin.close()


def test_the_admin_cli_names_missing_sasl_credentials() -> None:
    env = {**os.environ, "ISSUER_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}
    env.pop("ISSUER_KAFKA_SASL_PASSWORD", None)
    result = subprocess.run(
        [sys.executable, "-m", "issuer.admin", "org", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "KAFKA_SASL_PASSWORD" in result.stderr.decode()
