"""Composition root: builds the issuer's use cases from the process's Runtime.

Production (``app.py``) and the in-process tests both build through :func:`build_issuer`, so
they run the same wiring; only the clock may be swapped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiohttp import web

from connect_shared.clock import utcnow
from connect_shared.runtime import RUNTIME, Runtime
from connect_shared.secret_box import INGEST_SECRET_PURPOSE, SecretBox, decode_key
from connect_shared.state import StateStore
from connect_shared.token_guard import TokenGuard
from issuer.adapters.stores.entity_store import EntityStore
from issuer.adapters.stores.expiry_queue import RedisExpiryQueue
from issuer.adapters.stores.ingest_key_store import IngestKeyStore
from issuer.adapters.stores.source_events import KafkaDeadLetters, RedisIngestedEvents
from issuer.config import IssuerSettings
from issuer.usecases import Clock
from issuer.usecases.connections import ConnectionUseCases
from issuer.usecases.expiry import ExpirySweeper
from issuer.usecases.ingestion import SourceEventIngestion
from issuer.usecases.share_tokens import ShareTokenUseCases
from issuer.usecases.source_objects import SourceObjectUseCases
from issuer.usecases.workflows import WorkflowUseCases


@dataclass(frozen=True)
class Issuer:
    """Everything the issuer's adapters call into."""

    settings: IssuerSettings
    runtime: Runtime
    connections: ConnectionUseCases
    objects: SourceObjectUseCases
    tokens: ShareTokenUseCases
    ingestion: SourceEventIngestion
    sweeper: ExpirySweeper
    workflows: WorkflowUseCases


ISSUER = web.AppKey("issuer", Issuer)


def ingest_key_store(state: StateStore, settings: IssuerSettings) -> IngestKeyStore:
    """Ingest keys, their secrets sealed with ``ISSUER_INGEST_SECRETS_KEY``."""
    key = decode_key(settings.ingest_secrets_key.get_secret_value())
    return IngestKeyStore(state, SecretBox(key, INGEST_SECRET_PURPOSE))


def build_issuer(runtime: Runtime, settings: IssuerSettings, clock: Clock = utcnow) -> Issuer:
    """Wire the use cases over the runtime's one producer and one Redis pool."""
    store = EntityStore(runtime.store, settings.topic_events)
    guard = TokenGuard(runtime.redis)
    return Issuer(
        settings=settings,
        runtime=runtime,
        connections=ConnectionUseCases(store, clock),
        objects=SourceObjectUseCases(store, clock),
        tokens=ShareTokenUseCases(store, guard, clock),
        ingestion=SourceEventIngestion(
            store,
            ingest_key_store(runtime.store, settings),
            RedisIngestedEvents(runtime.redis),
            KafkaDeadLetters(runtime.store, settings.topic_source_events_dlq),
        ),
        sweeper=ExpirySweeper(
            store, RedisExpiryQueue(runtime.redis), guard, clock, settings.expiry_sweep_batch
        ),
        workflows=WorkflowUseCases(store, clock),
    )


def issuer_context(
    settings: IssuerSettings,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A ``cleanup_ctx`` (after the runtime's) that stores the wired issuer under ISSUER."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        app[ISSUER] = build_issuer(app[RUNTIME], settings)
        yield

    return context
