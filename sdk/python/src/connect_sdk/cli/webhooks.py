"""``connect webhooks ...``: create, read, update (url, events, status and Persona's settings),
delete, rotate the secret, Persona's actions (enable, disable, archive, clone), the attempt
log and resends."""

from __future__ import annotations

import argparse
import json
from typing import Any

from connect_sdk.cli.output import document
from connect_sdk.cli.registry import UsageError, add_command
from connect_sdk.client import ConnectClient

SIGNATURE_FORMATS = ("persona", "standard-webhooks")
KEY_INFLECTIONS = ("kebab", "camel", "snake")
ACTIONS = (
    ("enable", "enable (not an archived one); forgets the failure streak"),
    ("disable", "disable: nothing is delivered until enabled"),
    ("archive", "archive for good: delivers nothing, cannot be enabled again"),
    ("clone", "a new webhook with the same settings (prints its own secret once)"),
)


def _payload_filter(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise UsageError(f"--payload-filter must be a JSON object, got {raw!r}")
    return value


def _settings(a: argparse.Namespace) -> dict[str, Any]:
    return {
        "name": a.name,
        "description": a.description,
        "api_version": a.api_version,
        "api_key_inflection": a.api_key_inflection,
        "payload_filter": _payload_filter(a.payload_filter),
    }


async def webhooks_create(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """webhooks create."""
    return document(
        await c.webhooks.create(
            a.url, a.events or ["*"], signature_format=a.signature_format, **_settings(a)
        )
    )


async def webhooks_get(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """webhooks get."""
    return document(await c.webhooks.get(a.id))


async def webhooks_list(c: ConnectClient, _: argparse.Namespace) -> dict[str, Any]:
    """webhooks list."""
    return document(await c.webhooks.list())


async def webhooks_update(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """webhooks update."""
    return document(
        await c.webhooks.update(
            a.id, url=a.url, enabled_events=a.events, status=a.status, **_settings(a)
        )
    )


async def webhooks_delete(c: ConnectClient, a: argparse.Namespace) -> None:
    """webhooks delete (prints nothing)."""
    await c.webhooks.delete(a.id)


async def webhooks_rotate(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """webhooks rotate-secret."""
    return document(await c.webhooks.rotate_secret(a.id, expires_in_seconds=a.expires_in))


async def webhooks_deliveries(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """webhooks deliveries."""
    return document(await c.webhooks.deliveries(a.id, event_id=a.event, size=a.size))


async def webhooks_resend(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """webhooks resend."""
    return document(await c.webhooks.resend(a.id, a.event_id))


def _action(name: str) -> Any:
    async def run(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
        return document(await getattr(c.webhooks, name)(a.id))

    run.__doc__ = f"webhooks {name}."
    return run


def _setting_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("--name", help="a name for the webhook (Persona mode requires one)")
    command.add_argument("--description")
    command.add_argument("--api-version", help="deliver events in this Persona version's shape")
    command.add_argument("--api-key-inflection", choices=KEY_INFLECTIONS)
    command.add_argument(
        "--payload-filter",
        metavar="JSON",
        help='members the payload must hold, e.g. \'{"data": {"attributes": {...}}}\'',
    )


def register(nouns: Any) -> None:
    """Add ``connect webhooks VERB``."""
    verbs = nouns.add_parser("webhooks", help="manage webhooks").add_subparsers(
        dest="verb", required=True, metavar="VERB"
    )
    cmd = add_command(verbs, "create", webhooks_create, "create a webhook (prints its secret once)")
    cmd.add_argument("--url", required=True)
    cmd.add_argument("--events", nargs="+", metavar="NAME", help="event names, * for all")
    cmd.add_argument("--signature-format", choices=SIGNATURE_FORMATS, default="persona")
    _setting_args(cmd)
    add_command(verbs, "get", webhooks_get, "read a webhook").add_argument("id")
    add_command(verbs, "list", webhooks_list, "list webhooks")
    cmd = add_command(verbs, "update", webhooks_update, "change url, events, status or settings")
    cmd.add_argument("id")
    cmd.add_argument("--url")
    cmd.add_argument("--events", nargs="+", metavar="NAME")
    cmd.add_argument("--status", choices=("enabled", "disabled"))
    _setting_args(cmd)
    add_command(verbs, "delete", webhooks_delete, "delete a webhook").add_argument("id")
    for name, text in ACTIONS:
        add_command(verbs, name, _action(name), text).add_argument("id")
    cmd = add_command(
        verbs, "rotate-secret", webhooks_rotate, "new secret; old one signs until expiry"
    )
    cmd.add_argument("id")
    cmd.add_argument("--expires-in", type=int, help="seconds the old secret keeps signing")
    cmd = add_command(verbs, "deliveries", webhooks_deliveries, "the attempt log")
    cmd.add_argument("id")
    cmd.add_argument("--event", help="only this event's attempts")
    cmd.add_argument("--size", type=int)
    cmd = add_command(verbs, "resend", webhooks_resend, "deliver one event again")
    cmd.add_argument("id")
    cmd.add_argument("event_id")
