"""Write docs/asyncapi.json: every Kafka topic, who writes it, its key and its message schema.

The schemas come from the same pydantic models the services validate with, so the document
cannot drift; a test fails when the committed file is stale
(`.venv/bin/python deploy/asyncapi.py` rewrites it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from connect_shared.config import TopicSettings
from connect_shared.events import Event
from connect_shared.redemptions import RedemptionRequest
from connect_shared.state import StateRecord
from issuer.domain.source_events import SourceEvent

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "asyncapi.json"

# topic setting -> (description, key, payload model, public?)
CHANNELS: dict[str, tuple[str, str, type[BaseModel], bool]] = {
    "topic_source_events": (
        "Source organizations' own systems produce their objects' lifecycle events here "
        "(e.g. inquiry.completed), each signed with an ingest key of the organization it names "
        "(Connect-Ingest-Signature header); the issuer ingests them idempotently.",
        "object id",
        SourceEvent,
        True,
    ),
    "topic_source_events_dlq": (
        "Source events the issuer could not accept, unchanged, with the reason in the "
        "`connect-dlq-reason` header.",
        "the original key",
        SourceEvent,
        True,
    ),
    "topic_events": (
        "Every platform event, one per receiving organization (contract section 4). "
        "At-least-once: consumers dedupe by data.id.",
        "share token id (or object id)",
        Event,
        True,
    ),
    "topic_state": (
        "Internal. Compacted entity log: every entity write (organizations, keys, connections, "
        "objects, tokens, webhooks, workflows) before it reaches the Redis view, which is "
        "rebuilt from here. A delete is a tombstone: a null value keyed by the entity id.",
        "entity id",
        StateRecord,
        False,
    ),
    "topic_redemptions": (
        "Internal. Accepted redeems waiting for the redeemer's workers "
        "(consumer group redeemer-worker).",
        "share token id",
        RedemptionRequest,
        False,
    ),
}


# topic setting -> Kafka headers of its messages (AsyncAPI message `headers` schema)
HEADERS: dict[str, dict[str, Any]] = {
    "topic_source_events": {
        "type": "object",
        "required": ["Connect-Ingest-Signature"],
        "properties": {
            "Connect-Ingest-Signature": {
                "type": "string",
                "description": "k=<ingest key id>,t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "
                '"<t>.<raw message value>")>; older than 5 minutes, unsigned or signed by a key '
                "of another organization goes to the dead-letter topic.",
                "pattern": "^k=ink_[A-Za-z0-9]+,t=[0-9]+,v1=[0-9a-f]{64}$",
            }
        },
    },
    "topic_source_events_dlq": {
        "type": "object",
        "properties": {
            "connect-dlq-reason": {"type": "string", "description": "Why it was refused."},
            "connect-dlq-origin": {"type": "string", "description": "topic/partition/offset"},
        },
    },
}


def document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document."""
    defaults = TopicSettings()
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for setting, (description, key, model, public) in CHANNELS.items():
        topic = getattr(defaults, setting)
        name = setting.removeprefix("topic_").replace("_", "-")
        messages[name] = {
            "name": model.__name__,
            "contentType": "application/json",
            "payload": model.model_json_schema(by_alias=True),
            "bindings": {"kafka": {"key": {"type": "string", "description": key}}},
        }
        if setting in HEADERS:
            messages[name]["headers"] = HEADERS[setting]
        channels[name] = {
            "address": topic,
            "description": description,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "tags": [{"name": "public" if public else "internal"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Connect topics",
            "version": "0.1.0",
            "description": "Kafka topics of the Connect share-token platform. Topic names are "
            "settings (<SVC>_TOPIC_*); these are the defaults.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages},
    }


def render() -> str:
    """The document as committed (sorted, indented)."""
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


def main() -> int:
    OUTPUT.write_text(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
