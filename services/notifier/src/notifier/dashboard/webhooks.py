"""Webhook pages over the same models, domain functions and stores as ``/api/v1/webhooks``."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from connect_shared.domain_errors import DomainError
from connect_shared.errors import ApiError, Unprocessable, attribute_pointer
from connect_shared.events import EVENT_NAMES
from connect_shared.http.error_table import as_api_error
from connect_shared.jsonapi import parse_attributes
from connect_shared.web.forms import field_errors, form_refusal
from connect_shared.web.pages import PREFIX, Viewer, form, notify, redirect, render, require_session
from connect_shared.web.resources import ResourcePages
from notifier.adapters.http.requests import DEFAULT_OLD_SECRET_SECONDS, RotateMeta, WebhookCreate
from notifier.adapters.stores.attempt_log import is_cursor
from notifier.bootstrap import NOTIFIER, Notifier
from notifier.domain.webhooks import ALL_EVENTS, WebhookRecord, WebhookStatus
from notifier.usecases.webhooks import UrlRefused, WebhookChanges, WebhookUseCases

BASE = PREFIX + "/webhooks"
PAGES = ResourcePages("webhooks")
ATTEMPTS_PAGE = 25
HINTS = {
    "url": "Enter the https:// URL of your endpoint.",
    "enabled-events": "Choose at least one event, or all events.",
}
ROTATE_CHOICES = (
    ("0", "at once"),
    ("3600", "in 1 hour"),
    (str(DEFAULT_OLD_SECRET_SECONDS), "in 24 hours"),
    (str(7 * 24 * 3600), "in 7 days"),
)


def _notifier(request: web.Request) -> Notifier:
    return request.config_dict[NOTIFIER]


def _cases(request: web.Request) -> WebhookUseCases:
    return _notifier(request).cases


async def _owned(request: web.Request, viewer: Viewer) -> WebhookRecord:
    return await _cases(request).get(viewer.organization_id, request.match_info["id"])


def _list_page(
    request: web.Request,
    webhooks: list[WebhookRecord],
    errors: dict[str, str],
    values: dict[str, Any],
    status: int = 200,
) -> web.Response:
    context = {
        "title": "Webhooks",
        "webhooks": webhooks,
        "event_names": sorted(EVENT_NAMES),
        "all_events": ALL_EVENTS,
        "errors": errors,
        "values": values,
    }
    return render(request, "webhooks.html", context, status=status)


@PAGES.listing
async def listing(request: web.Request) -> web.Response:
    """The organization's webhooks and the create form."""
    viewer = await require_session(request)
    webhooks = await _cases(request).listing(viewer.organization_id)
    defaults = {"enabled-events": [ALL_EVENTS], "signature-format": "persona"}
    return _list_page(request, webhooks, {}, defaults)


@PAGES.create
async def create(request: web.Request) -> web.Response:
    """Validate like ``POST /webhooks``; the new secret is shown on this answer only."""
    viewer = await require_session(request)
    cases = _cases(request)
    submitted = form(request)
    values: dict[str, Any] = {
        "url": str(submitted.get("url", "")).strip(),
        "enabled-events": [str(v) for v in submitted.getall("enabled-events", [])],
        "signature-format": str(submitted.get("signature-format", "persona")),
    }
    try:
        body = parse_attributes(WebhookCreate, values)
        webhook = await cases.create(
            viewer.organization_id, body.url, body.enabled_events, body.signature_format
        )
    except (ApiError, UrlRefused) as refused:
        api_error = refused
        if isinstance(refused, UrlRefused):  # worded for the form
            url = attribute_pointer("url")
            api_error = Unprocessable(f"The URL is refused: {refused.reason}.", pointer=url)
        error = form_refusal(request, api_error)
        webhooks = await cases.listing(viewer.organization_id)
        return _list_page(request, webhooks, field_errors(error, HINTS), values, status=422)
    context = {"title": "Webhook created", "webhook": webhook, "secret": webhook.secrets[0].value}
    return render(request, "webhook_secret.html", context, status=201)


@PAGES.detail
async def detail(request: web.Request) -> web.Response:
    """One webhook with its attempt log (newest first, ``?after=`` pages on)."""
    viewer = await require_session(request)
    webhook = await _owned(request, viewer)
    after = request.query.get("after") or None
    if after is not None and not is_cursor(after):
        after = None
    page = await _notifier(request).attempts.page(webhook.id, ATTEMPTS_PAGE, after)
    context = {
        "title": f"Webhook {webhook.id}",
        "webhook": webhook,
        "attempts": [entry for _, entry in page.entries],
        "next": page.next_cursor,
        "rotate_choices": ROTATE_CHOICES,
        "rotate_default": str(DEFAULT_OLD_SECRET_SECONDS),
    }
    return render(request, "webhook.html", context)


@PAGES.action("rotate-secret")
async def rotate(request: web.Request) -> web.Response:
    """A new secret, shown once; the old one keeps signing for the chosen time."""
    viewer = await require_session(request)
    webhook = await _owned(request, viewer)
    raw = str(form(request).get("expires-in-seconds", DEFAULT_OLD_SECRET_SECONDS))
    try:
        meta = RotateMeta.model_validate({"expires-in-seconds": int(raw)})
    except (ValueError, ValidationError):
        notify(request, "error", "Choose when the old secret stops signing.")
        return redirect(f"{BASE}/{webhook.id}")
    rotated = await _cases(request).rotate_secret(
        viewer.organization_id, webhook.id, meta.expires_in_seconds
    )
    context = {"title": "Secret rotated", "webhook": rotated, "secret": rotated.secrets[0].value}
    return render(request, "webhook_secret.html", context)


@PAGES.action("status")
async def change_status(request: web.Request) -> web.Response:
    """Enable (forgetting the failure streak) or disable."""
    viewer = await require_session(request)
    webhook = await _owned(request, viewer)
    wanted: WebhookStatus
    match str(form(request).get("status", "")):
        case "enabled":
            wanted = "enabled"
        case "disabled":
            wanted = "disabled"
        case _:
            raise Unprocessable("status must be enabled or disabled.")
    await _cases(request).update(viewer.organization_id, webhook.id, WebhookChanges(status=wanted))
    notify(request, "info", f"The webhook is {wanted}.")
    return redirect(f"{BASE}/{webhook.id}")


@PAGES.action("events/{event_id}/resend")
async def resend(request: web.Request) -> web.Response:
    """Deliver one event again from attempt 1 (same event id, same bytes)."""
    viewer = await require_session(request)
    webhook = await _owned(request, viewer)
    event_id = request.match_info["event_id"]
    try:
        await _cases(request).resend(webhook, event_id)
        notify(request, "info", f"Event {event_id} is scheduled for delivery again.")
    except DomainError as refused:
        notify(request, "error", as_api_error(request, refused).details)
    return redirect(f"{BASE}/{webhook.id}")
