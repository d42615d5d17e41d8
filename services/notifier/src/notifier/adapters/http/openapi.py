"""The notifier's routes in the one OpenAPI document (contract 2.4 and 2.6), generated from
the request models that validate them (:mod:`.requests`) and the response models
(:mod:`.schemas`)."""

from __future__ import annotations

from typing import Any

from connect_shared.events import EVENT_NAMES
from connect_shared.openapi.builders import (
    ID_PARAM,
    PAGE_PARAMS,
    ApiPart,
    body,
    enum,
    operation,
    param,
    prefixed_id,
    ref,
)
from notifier.adapters.http import requests as req
from notifier.adapters.http import schemas as res

WEBHOOKS, EVENTS = "Webhooks", "Events"
BASE = "/api/v1/webhooks"
WRITE_ERRORS = ("404", "409", "413", "422")
WEBHOOK_EXAMPLE = {
    "data": {
        "attributes": {
            "url": "https://example.com/connect-hook",
            "enabled-events": ["connect/share-token.inbound-created"],
            "signature-format": "persona",
        }
    }
}
EVENT_EXAMPLE = {
    "data": {
        "type": "event",
        "id": "evt_9qW3eRt5YuIo",
        "attributes": {
            "name": "connect/share-token.inbound-created",
            "organization-id": "org_2xY9dQ7LbMn",
            "created-at": "2026-11-30T12:00:00.000Z",
            "payload": {
                "data": {"type": "connect/share-token", "id": "cnst_5rT6yU7iO8pA"},
                "included": [],
            },
        },
    }
}


def _webhook_paths() -> dict[str, Any]:
    return {
        BASE: {
            "post": operation(
                "Create a webhook (the answer holds its secret, this once)",
                "201",
                res.WebhookDocument,
                ("409", "413", "422"),
                tag=WEBHOOKS,
                request=body(req.WebhookCreate, example=WEBHOOK_EXAMPLE),
            ),
            "get": operation(
                "List the organization's webhooks", "200", res.WebhookList, (), tag=WEBHOOKS
            ),
        },
        BASE + "/{id}": {
            "parameters": [ID_PARAM],
            "get": operation(
                "Retrieve a webhook", "200", res.WebhookDocument, ("404",), tag=WEBHOOKS
            ),
            "patch": operation(
                "Change url, enabled-events or status",
                "200",
                res.WebhookDocument,
                WRITE_ERRORS,
                tag=WEBHOOKS,
                request=body(
                    req.WebhookUpdate, example={"data": {"attributes": {"status": "disabled"}}}
                ),
            ),
            "delete": operation("Delete a webhook", "204", None, ("404", "409"), tag=WEBHOOKS),
        },
        BASE + "/{id}/rotate-secret": {
            "parameters": [ID_PARAM],
            "post": operation(
                "Rotate the signing secret; the old one signs alongside until it expires",
                "200",
                res.WebhookDocument,
                WRITE_ERRORS,
                tag=WEBHOOKS,
                request=body(
                    None,
                    required=False,
                    meta=ref(req.RotateMeta),
                    example={"meta": {"expires-in-seconds": 7200}},
                ),
            ),
        },
        **_action_paths(),
        BASE + "/{id}/deliveries": {
            "parameters": [ID_PARAM],
            "get": operation(
                "The attempt log, newest first",
                "200",
                res.DeliveryAttemptList,
                ("404",),
                tag=WEBHOOKS,
                parameters=[
                    PAGE_PARAMS[0],
                    param("page[after]", {"type": "string", "pattern": "^[0-9]+-[0-9]+$"}),
                    param("filter[event-id]", prefixed_id("evt")),
                ],
            ),
        },
        BASE + "/{id}/events/{event_id}/resend": {
            "parameters": [ID_PARAM, param("event_id", {"type": "string", "minLength": 1}, "path")],
            "post": operation(
                "Deliver one event again from attempt 1 (same id, same bytes)",
                "202",
                res.ResendDocument,
                WRITE_ERRORS,
                tag=WEBHOOKS,
                request=body(None, required=False),
            ),
        },
    }


def _action_paths() -> dict[str, Any]:
    actions = {
        "enable": ("Enable a webhook (409 when archived)", "200", ("404", "409")),
        "disable": ("Disable a webhook", "200", ("404", "409")),
        "archive": ("Archive a webhook for good", "200", ("404", "409")),
        "clone": (
            "Copy a webhook's settings into a new one (with its secret)",
            "201",
            WRITE_ERRORS,
        ),
    }
    return {
        f"{BASE}/{{id}}/{name}": {
            "parameters": [ID_PARAM],
            "post": operation(
                summary,
                ok,
                res.WebhookDocument,
                errors,
                tag=WEBHOOKS,
                request=body(None, required=False),
            ),
        }
        for name, (summary, ok, errors) in actions.items()
    }


def _event_paths() -> dict[str, Any]:
    return {
        "/api/v1/events": {
            "get": operation(
                "The organization's events of the last 30 days, newest first",
                "200",
                res.EventList,
                (),
                tag=EVENTS,
                parameters=[
                    param(
                        "filter[name]",
                        enum(*sorted(EVENT_NAMES)),
                        description=(
                            "One event name; in Persona mode a comma-separated list of them."
                        ),
                    ),
                    param(
                        "filter[object-id]",
                        {"type": "string", "pattern": "^[a-z]{1,10}_[A-Za-z0-9]{1,100}$"},
                        description=(
                            "The id of the event's object (payload.data.id); in Persona mode a "
                            "comma-separated list of them. Persona mode also takes filter[id], "
                            "a comma-separated list of event ids."
                        ),
                    ),
                    *PAGE_PARAMS,
                ],
            )
        },
        "/api/v1/events/{id}": {
            "parameters": [ID_PARAM],
            "get": operation(
                "Retrieve an event",
                "200",
                res.EventDocument,
                ("404",),
                tag=EVENTS,
                example=EVENT_EXAMPLE,
            ),
        },
    }


def api_part() -> ApiPart:
    """The notifier's contribution to the document."""
    return ApiPart(
        paths={**_webhook_paths(), **_event_paths()},
        request_models=(req.WebhookCreate, req.WebhookUpdate, req.RotateMeta),
        response_models=(
            res.WebhookDocument,
            res.WebhookList,
            res.DeliveryAttemptList,
            res.ResendDocument,
            res.EventDocument,
            res.EventList,
        ),
        tags=({"name": WEBHOOKS}, {"name": EVENTS}),
    )
