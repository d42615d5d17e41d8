"""What every command module shares: the usage error and how a command is added."""

from __future__ import annotations

import argparse
from typing import Any


class UsageError(Exception):
    """A command line that cannot become a request (exit code 2, no traceback)."""


def add_command(group: Any, name: str, run: Any, help_: str) -> argparse.ArgumentParser:
    """Add the command ``name`` (running ``run``) to the subparsers ``group``."""
    command: argparse.ArgumentParser = group.add_parser(name, help=help_, description=help_)
    command.set_defaults(run=run)
    # Also accepted after the command (connect events list --format table).
    command.add_argument("--format", choices=("json", "table"), default=argparse.SUPPRESS)
    return command
