"""Settings mixins. Each service builds one frozen settings class from these with its own
env prefix (``ISSUER_``, ``REDEEMER_``, ``NOTIFIER_``), so one environment can hold all three."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal, Self, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SettingsT = TypeVar("SettingsT", bound=BaseSettings)


class BaseServiceSettings(BaseSettings):
    """What every service has: a name, a profile and logging."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    profile: Literal["development", "production"] = Field(
        "production", description="development relaxes guards meant for the internet (SSRF)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Minimum level of the JSON log lines written to stderr."
    )


class HttpSettings(BaseSettings):
    """Where the service's aiohttp server listens."""

    http_host: str = Field("127.0.0.1", description="Interface the HTTP server binds to.")
    http_port: int = Field(8000, ge=1, le=65535, description="TCP port of the HTTP server.")
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, description="Request bodies above this are refused with 413."
    )


class KafkaSecuritySettings(BaseSettings):
    """How a client authenticates to Kafka and protects the connection (TLS, SASL).

    Every producer, consumer and admin client of every service and the admin CLI is built
    with these (``connect_shared.kafka.client_options``). The default is the plain local
    broker; a production cluster uses ``SASL_SSL`` with one principal per service.
    """

    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT",
        description="PLAINTEXT, SSL (TLS), SASL_PLAINTEXT or SASL_SSL (SASL over TLS).",
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "SCRAM-SHA-512", description="SASL mechanism when the protocol is SASL_*."
    )
    kafka_sasl_username: str = Field("", description="SASL user (the service's principal).")
    kafka_sasl_password: SecretStr | None = Field(
        None, description="SASL password of that user (required with SASL_*)."
    )
    kafka_ssl_cafile: str = Field(
        "", description="PEM CA bundle the broker's certificate must chain to (empty: system CAs)."
    )
    kafka_ssl_certfile: str = Field(
        "", description="PEM client certificate for mutual TLS (with the key file)."
    )
    kafka_ssl_keyfile: str = Field("", description="PEM private key of the client certificate.")
    kafka_ssl_key_password: SecretStr | None = Field(
        None, description="Password of the client key file, if it is encrypted."
    )
    kafka_ssl_check_hostname: bool = Field(
        True, description="Check that the broker's certificate names the host connected to."
    )

    @model_validator(mode="after")
    def _consistent_security(self) -> Self:
        sasl = self.kafka_security_protocol.startswith("SASL_")
        if sasl and not (self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(
                "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with "
                f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol}"
            )
        if bool(self.kafka_ssl_certfile) != bool(self.kafka_ssl_keyfile):
            raise ValueError("KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE go together")
        for name in ("kafka_ssl_cafile", "kafka_ssl_certfile", "kafka_ssl_keyfile"):
            path = getattr(self, name)
            if path and not Path(path).is_file():
                raise ValueError(f"{name.upper()}: no file at {path}")
        return self

    @property
    def kafka_uses_tls(self) -> bool:
        """True when the connection to the brokers is TLS."""
        return self.kafka_security_protocol in ("SSL", "SASL_SSL")


class KafkaSettings(KafkaSecuritySettings):
    """How to reach Kafka; durable defaults are not settings (acks=all is not optional)."""

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", min_length=1, description="Comma-separated host:port list."
    )
    kafka_produce_timeout_seconds: float = Field(
        5.0, gt=0, le=120, description="How long a request waits for acks before answering 503."
    )
    kafka_client_id_prefix: str = Field("connect", description="Prefix of Kafka client ids.")


class RedisSettings(BaseSettings):
    """How to reach Redis."""

    redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        pattern=r"^rediss?://",
        description="redis:// or rediss:// URL of the Redis holding views and guards.",
    )
    redis_max_connections: int = Field(
        128, ge=1, le=10_000, description="Redis connections per process (callers queue beyond)."
    )
    redis_timeout_seconds: float = Field(2.0, gt=0, description="Socket timeout of each call.")


class TopicSettings(BaseSettings):
    """Topic names (public ones are in contract section 3; internal ones are ours)."""

    topic_source_events: str = Field("connect.source-events", description="Source systems' feed.")
    topic_source_events_dlq: str = Field(
        "connect.source-events.dlq", description="Malformed source events with the reason."
    )
    topic_events: str = Field("connect.events", description="Every platform event.")
    topic_state: str = Field(
        "connect.state", description="Compacted entity log; Redis views are rebuilt from it."
    )
    topic_redemptions: str = Field(
        "connect.redemptions", description="Redemption requests keyed by share-token id."
    )


class InfraSettings(KafkaSettings, RedisSettings, TopicSettings):
    """What a process needs to reach Kafka and Redis."""


class ServiceSettings(BaseServiceSettings, HttpSettings, InfraSettings):
    """The base of each service's settings class (which adds its env prefix and own fields)."""


def load_settings(cls: type[SettingsT]) -> SettingsT:
    """Build ``cls`` from the environment, or exit with a message naming each bad setting."""
    try:
        return cls()
    except ValidationError as exc:
        prefix = str(cls.model_config.get("env_prefix", ""))
        lines = [f"invalid configuration for {cls.__name__}:"]
        for error in exc.errors():
            # A rule across several settings has no location: its message names them.
            name = prefix + ("_".join(str(part) for part in error["loc"]).upper() or "*")
            lines.append(f"  {name}: {error['msg']} (got {error.get('input')!r})")
        sys.stderr.write("\n".join(lines) + "\n")
        raise SystemExit(2) from None
