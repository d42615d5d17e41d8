"""Connect SDK: an async client for every route of the Connect API, webhook verification,
typed models of resources and events, and Kafka helpers for both ends.

    from connect_sdk import ConnectClient, verify_webhook
"""

from connect_sdk.client import ConnectClient
from connect_sdk.errors import ApiError, ConnectError, TransportError
from connect_sdk.kafka import (
    EventConsumer,
    MemorySeenEvents,
    SeenEvents,
    SourceEventProducer,
    ingest_signature,
    source_event,
)
from connect_sdk.models import (
    Connection,
    Delivery,
    DeliveryAttempt,
    Event,
    JwkSet,
    ShareToken,
    SourceObject,
    Webhook,
    Workflow,
    WorkflowRun,
    parse_event,
)
from connect_sdk.pages import Page
from connect_sdk.transport import RetryPolicy
from connect_sdk.webhooks import sign_persona, verify_webhook

__all__ = [
    "ApiError",
    "ConnectClient",
    "ConnectError",
    "Connection",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "EventConsumer",
    "JwkSet",
    "MemorySeenEvents",
    "Page",
    "RetryPolicy",
    "SeenEvents",
    "ShareToken",
    "SourceEventProducer",
    "SourceObject",
    "TransportError",
    "Webhook",
    "Workflow",
    "WorkflowRun",
    "ingest_signature",
    "parse_event",
    "sign_persona",
    "source_event",
    "verify_webhook",
]
