"""``connect``: the Connect API from a shell, built on the SDK.

Exit codes: 0 success, 1 the API refused the request (4xx), 2 bad usage or missing
configuration, 3 the API failed (5xx), 4 the API could not be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from connect_sdk.cli import commands
from connect_sdk.cli.output import render
from connect_sdk.cli.registry import UsageError
from connect_sdk.client import ConnectClient
from connect_sdk.errors import ApiError, TransportError

EXIT_CLIENT_ERROR, EXIT_USAGE, EXIT_SERVER_ERROR, EXIT_UNREACHABLE = 1, 2, 3, 4
Runner = Callable[[ConnectClient, argparse.Namespace], Awaitable[dict[str, Any] | None]]


def parser() -> argparse.ArgumentParser:
    """The whole command tree."""
    root = argparse.ArgumentParser(
        prog="connect",
        description="The Connect API from a shell. Reads CONNECT_API_KEY and CONNECT_API_URL "
        "(default http://127.0.0.1:8080/api/v1).",
    )
    root.add_argument(
        "--format",
        choices=("json", "table"),
        default="json",
        help="json: the JSON:API document (default); table: aligned columns",
    )
    nouns = root.add_subparsers(dest="noun", required=True, metavar="COMMAND")
    commands.register(nouns)
    return root


def _fail(message: str, code: int) -> int:
    print(f"connect: {message}", file=sys.stderr)
    return code


def _api_error(exc: ApiError) -> int:
    lines = [f"error: {exc.status} {exc.title}" + (f": {exc.details}" if exc.details else "")]
    if exc.pointer:
        lines.append(f"  at {exc.pointer}")
    for name, value in exc.meta.items():
        lines.append(f"  {name}: {value}")
    if exc.request_id:
        lines.append(f"  request id: {exc.request_id}")
    print("\n".join(lines), file=sys.stderr)
    return EXIT_CLIENT_ERROR if exc.is_client_error else EXIT_SERVER_ERROR


async def _run(run: Runner, args: argparse.Namespace) -> dict[str, Any] | None:
    async with ConnectClient(
        os.environ.get("CONNECT_API_KEY"), os.environ.get("CONNECT_API_URL")
    ) as client:
        return await run(client, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, run, print; returns the exit code (see the module docstring)."""
    args = parser().parse_args(argv)
    if not os.environ.get("CONNECT_API_KEY") and not getattr(args, "public", False):
        return _fail("set CONNECT_API_KEY to an API key of your organization", EXIT_USAGE)
    try:
        doc = asyncio.run(_run(args.run, args))
    except ApiError as exc:
        return _api_error(exc)
    except TransportError as exc:
        return _fail(str(exc), EXIT_UNREACHABLE)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return 130
    if doc is not None:
        print(render(doc, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
