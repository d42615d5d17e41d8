"""The subcommands: one function per route, each returning the document to print (the
webhook commands are in :mod:`connect_sdk.cli.webhooks`)."""

from __future__ import annotations

import argparse
from typing import Any

from connect_sdk.cli import webhooks
from connect_sdk.cli.listen import Listener, new_secret
from connect_sdk.cli.output import document
from connect_sdk.cli.registry import UsageError
from connect_sdk.cli.registry import add_command as _add
from connect_sdk.client import ConnectClient


def _pairs(values: list[str] | None, what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values or []:
        name, sep, target = value.partition("=")
        if not sep or not name or not target:
            raise UsageError(f"{what} must be NAME=VALUE, got {value!r}")
        pairs[name] = target
    return pairs


def _page_args(command: argparse.ArgumentParser) -> None:
    command.add_argument("--size", type=int, help="items per page (1-100, default 10)")
    command.add_argument("--after", help="the page after this id (older items)")
    command.add_argument("--before", help="the page before this id (newer items)")


def _page_doc(page: Any) -> dict[str, Any]:
    return document(page.items, links={"prev": page.prev, "next": page.next})


async def tokens_create(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """share-tokens create."""
    return document(
        await c.share_tokens.create(a.connection, a.source, expires_in_seconds=a.expires_in)
    )


async def tokens_get(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """share-tokens get."""
    return document(await c.share_tokens.get(a.id, peek_source_data=a.peek))


async def tokens_list(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """share-tokens list."""
    return _page_doc(
        await c.share_tokens.list(
            status=a.status,
            direction=a.direction,
            connection_id=a.connection,
            size=a.size,
            after=a.after,
            before=a.before,
        )
    )


async def tokens_expire(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """share-tokens expire."""
    return document(await c.share_tokens.expire(a.id))


async def tokens_redeem(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """share-tokens redeem."""
    mappings = _pairs(a.map, "--map")
    return document(
        await c.share_tokens.redeem(
            a.id, destination_id=a.destination, field_mappings=mappings or None
        )
    )


async def connections_create(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """connections create."""
    return document(await c.connections.create(a.destination))


async def connections_get(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """connections get."""
    return document(await c.connections.get(a.id))


async def connections_list(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """connections list."""
    return _page_doc(
        await c.connections.list(
            status=a.status,
            destination_organization_id=a.destination,
            size=a.size,
            after=a.after,
            before=a.before,
        )
    )


async def connections_sharing(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """connections sharing ID FIELD=LEVEL..."""
    return document(await c.connections.update_sharing(a.id, _pairs(a.settings, "a setting")))


def _transition(name: str) -> Any:
    async def run(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
        return document(await getattr(c.connections, name)(a.id))

    run.__doc__ = f"connections {name}."
    return run


async def events_list(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """events list."""
    return _page_doc(
        await c.events.list(
            name=a.name, object_id=a.object, size=a.size, after=a.after, before=a.before
        )
    )


async def events_get(c: ConnectClient, a: argparse.Namespace) -> dict[str, Any]:
    """events get."""
    return document(await c.events.get(a.id))


async def listen(c: ConnectClient, a: argparse.Namespace) -> None:
    """listen --forward-to URL."""
    secret = a.secret or new_secret(a.signature_format)
    print(f"Signing secret ({a.signature_format}): {secret}", flush=True)
    listener = Listener(
        c,
        a.forward_to,
        names=a.events or [],
        signature_format=a.signature_format,
        secret=secret,
        interval=a.interval,
    )
    await listener.run(a.max_events)


def _share_tokens(nouns: Any) -> None:
    verbs = nouns.add_parser(
        "share-tokens", help="issue, read, expire, redeem share tokens"
    ).add_subparsers(dest="verb", required=True, metavar="VERB")
    cmd = _add(verbs, "create", tokens_create, "issue a token (source)")
    cmd.add_argument("--connection", required=True, help="cxn_... (active, yours as source)")
    cmd.add_argument("--source", required=True, help="inq_/act_/txn_/ver_... to share")
    cmd.add_argument("--expires-in", type=int, help="seconds, 60 to 1814400")
    cmd = _add(verbs, "get", tokens_get, "read a token")
    cmd.add_argument("id")
    cmd.add_argument("--peek", action="store_true", help="add the shared fields (destination)")
    cmd = _add(verbs, "list", tokens_list, "list tokens, newest first")
    cmd.add_argument("--status")
    cmd.add_argument("--direction", choices=("outbound", "inbound"))
    cmd.add_argument("--connection")
    _page_args(cmd)
    _add(verbs, "expire", tokens_expire, "expire a created token (source)").add_argument("id")
    cmd = _add(verbs, "redeem", tokens_redeem, "redeem a token (destination)")
    cmd.add_argument("id")
    cmd.add_argument("--destination", help="hydrate this object instead of cloning")
    cmd.add_argument(
        "--map",
        action="append",
        metavar="SOURCE=DEST",
        help="field mapping of a hydrate (repeatable)",
    )


def _connections(nouns: Any) -> None:
    verbs = nouns.add_parser(
        "connections", help="connections between organizations"
    ).add_subparsers(dest="verb", required=True, metavar="VERB")
    cmd = _add(verbs, "create", connections_create, "propose a connection (source)")
    cmd.add_argument("--destination", required=True, help="org_... of the destination")
    _add(verbs, "get", connections_get, "read a connection").add_argument("id")
    cmd = _add(verbs, "list", connections_list, "list connections, newest first")
    cmd.add_argument("--status", choices=("pending", "active", "inactive"))
    cmd.add_argument("--destination")
    _page_args(cmd)
    for name, text in (
        ("accept", "accept (destination)"),
        ("deactivate", "deactivate"),
        ("reactivate", "reactivate (source)"),
    ):
        _add(verbs, name, _transition(name), text).add_argument("id")
    cmd = _add(verbs, "sharing", connections_sharing, "set sharing settings (source)")
    cmd.add_argument("id")
    cmd.add_argument("settings", nargs="+", metavar="FIELD=LEVEL", help="full|presence|none")


def _events(nouns: Any) -> None:
    verbs = nouns.add_parser("events", help="the organization's events (30 days)").add_subparsers(
        dest="verb", required=True, metavar="VERB"
    )
    cmd = _add(verbs, "list", events_list, "list events, newest first")
    cmd.add_argument("--name", help="only events of this name")
    cmd.add_argument("--object", help="only events about this object id")
    _page_args(cmd)
    _add(verbs, "get", events_get, "read an event").add_argument("id")


def _listen(nouns: Any) -> None:
    cmd = _add(nouns, "listen", listen, "forward new events, signed, to a local URL")
    cmd.add_argument("--forward-to", required=True, metavar="URL")
    cmd.add_argument("--events", nargs="+", metavar="NAME", help="only these event names")
    cmd.add_argument(
        "--signature-format", choices=("persona", "standard-webhooks"), default="persona"
    )
    cmd.add_argument("--secret", help="sign with this secret instead of a new one")
    cmd.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    cmd.add_argument("--max-events", type=int, help="stop after forwarding this many")


def register(nouns: Any) -> None:
    """Add every command to the ``connect`` parser."""
    _share_tokens(nouns)
    _connections(nouns)
    webhooks.register(nouns)
    _events(nouns)
    _listen(nouns)
