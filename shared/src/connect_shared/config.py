"""Settings mixins. Each service builds one frozen settings class from these with its own
env prefix (``ISSUER_``, ``REDEEMER_``, ``NOTIFIER_``), so one environment can hold all three."""

from __future__ import annotations

import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any, Literal, Self, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SettingsT = TypeVar("SettingsT", bound=BaseSettings)

# Marks a secret setting whose default is public (it is in this repository): fine for
# development, refused at start-up in the production profile (see :func:`load_settings`).
_DEVELOPMENT_DEFAULT = "connect-development-default"


def development_secret(default: str, *, description: str, **constraints: Any) -> Any:
    """A ``SecretStr`` setting with a public development ``default``.

    Every setting declared this way is checked by :func:`load_settings`: a service in the
    production profile refuses to start while it still holds the default, naming the variable.
    """
    return Field(
        SecretStr(default),
        description=description,
        json_schema_extra={_DEVELOPMENT_DEFAULT: True},
        **constraints,
    )


def _plain(value: object) -> object:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _is_secret(cls: type[BaseSettings], loc: tuple[int | str, ...]) -> bool:
    # A rejected secret is still a secret: its value never goes to stderr (and so to logs).
    field = cls.model_fields.get(str(loc[0])) if loc else None
    return field is not None and "SecretStr" in str(field.annotation)


def development_secret_settings(cls: type[BaseSettings]) -> list[str]:
    """Field names of ``cls`` declared with :func:`development_secret`."""
    return [
        name
        for name, field in cls.model_fields.items()
        if isinstance(field.json_schema_extra, dict)
        and field.json_schema_extra.get(_DEVELOPMENT_DEFAULT) is True
    ]


def development_secrets_in_use(settings: BaseSettings) -> list[str]:
    """Field names of the secret settings that still hold their public development default."""
    fields = type(settings).model_fields
    return [
        name
        for name in development_secret_settings(type(settings))
        if _plain(getattr(settings, name)) == _plain(fields[name].get_default())
    ]


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
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Processes that serve this port (SO_REUSEPORT) and join the consumer groups.",
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


def load_settings(cls: type[SettingsT], *, unused_secrets: Collection[str] = ()) -> SettingsT:
    """Build ``cls`` from the environment, or exit (status 2) with a message naming each bad
    setting.

    In the production profile every :func:`development_secret` setting must have been given a
    value of its own; a tool that never uses some of them (a command-line tool signs no
    dashboard sessions) names those fields in ``unused_secrets``.
    """
    prefix = str(cls.model_config.get("env_prefix", ""))
    try:
        settings = cls()
    except ValidationError as exc:
        lines = [f"invalid configuration for {cls.__name__}:"]
        for error in exc.errors():
            # A rule across several settings has no location: its message names them, and its
            # input is every setting, secrets included, so it is never printed.
            loc = error["loc"]
            name = prefix + ("_".join(str(part) for part in loc).upper() or "*")
            hidden = not loc or _is_secret(cls, loc)
            got = "[redacted]" if hidden else repr(error.get("input"))
            lines.append(f"  {name}: {error['msg']} (got {got})")
        sys.stderr.write("\n".join(lines) + "\n")
        raise SystemExit(2) from None
    if getattr(settings, "profile", None) == "production":
        public = [n for n in development_secrets_in_use(settings) if n not in unused_secrets]
        if public:
            lines = [f"refusing to start {cls.__name__} in the production profile:"]
            lines += [
                f"  {prefix}{name.upper()}: still the public development default; set a secret "
                "value of your own"
                for name in public
            ]
            sys.stderr.write("\n".join(lines) + "\n")
            raise SystemExit(2)
    return settings
