"""Organizations and keys for the tests: the code of ``connect-admin``, run in-process.

:func:`run_admin` runs the real CLI as an operator does (the admin CLI's own tests use it).
Everything else goes through :class:`issuer.admin.Admin`, the command functions the CLI calls,
over one runtime kept open for the whole session on a background event loop: starting a
Python process per organization (hundreds of them) cost minutes of the suite. The helpers are
synchronous, like the CLI, so tests call them from sync and async code alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from connect_shared.config import load_settings
from connect_shared.runtime import open_runtime
from issuer.admin import VIEW_WAIT_SECONDS, Admin
from issuer.config import IssuerSettings
from tests.support.ports import service_env
from tests.support.services import ROOT


def run_admin(*args: str) -> bytes:
    """Run ``connect-admin`` with ``args`` and return its stdout (fails on a non-zero exit)."""
    out = subprocess.run(
        [str(ROOT / ".venv/bin/connect-admin"), *args],
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, **service_env("issuer")},
    )
    return out.stdout


class _AdminSession:
    """One :class:`Admin` over one runtime, on an event loop of its own thread.

    Its own loop, because tests call the helpers synchronously, also from inside async tests
    whose loop is busy awaiting them. A command failing on a dropped connection (the
    disruptive tests restart Kafka and Redis) reopens the runtime and runs once more, as a
    fresh ``connect-admin`` process would.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._stack: contextlib.AsyncExitStack | None = None
        self._admin: Admin | None = None
        # Commands from several threads at once share one runtime: open and close it one at a
        # time, so one command's reopen never closes the runtime another is using.
        self._opening = asyncio.Lock()

    def call(self, command: Callable[[Admin], Awaitable[Any]]) -> Any:
        """Run ``command`` on the session's admin and return its JSON value."""
        future = asyncio.run_coroutine_threadsafe(self._call(command), self._loop)
        return future.result(timeout=2 * VIEW_WAIT_SECONDS)

    async def _call(self, command: Callable[[Admin], Awaitable[Any]]) -> Any:
        try:
            admin = await self._open()
            await admin.wait_ready()
            return await command(admin)
        except (LookupError, ValueError):
            raise
        except Exception:
            await self._close()
            admin = await self._open()
            await admin.wait_ready()
            return await command(admin)

    def close(self) -> None:
        """Close the runtime and stop the loop (the end of the session)."""
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)

    async def _open(self) -> Admin:
        async with self._opening:
            return await self._open_once()

    async def _open_once(self) -> Admin:
        if self._admin is None:
            settings = _issuer_settings()
            stack = contextlib.AsyncExitStack()
            runtime = await stack.enter_async_context(
                open_runtime(settings, "tests-admin", connect_timeout=VIEW_WAIT_SECONDS)
            )
            self._stack, self._admin = stack, Admin(runtime, settings)
        return self._admin

    async def _close(self) -> None:
        async with self._opening:
            stack, self._stack, self._admin = self._stack, None, None
            if stack is not None:
                with contextlib.suppress(Exception):
                    await stack.aclose()


def _issuer_settings() -> IssuerSettings:
    # The CLI's settings, from the environment run_admin gives it (this stack's ports).
    for name, value in service_env("issuer").items():
        os.environ.setdefault(name, value)
    return load_settings(IssuerSettings, unused_secrets={"dashboard_session_secret"})


_session: _AdminSession | None = None
_session_lock = threading.Lock()


def admin() -> _AdminSession:
    """The session's in-process admin (opened on first use)."""
    global _session
    with _session_lock:
        if _session is None:
            _session = _AdminSession()
        return _session


def close_admin() -> None:
    """Close the session's admin if one was opened."""
    global _session
    with _session_lock:
        if _session is not None:
            _session.close()
            _session = None


def create_org(name: str, rate_limit: int | None = None) -> dict[str, Any]:
    """``connect-admin org create``: ``{"id", "name", "rate-limit", "api-key", "api-key-id"}``.

    Organizations get the contract's default budget (100 requests/s per key, bursts of 200)
    unless a test that fires more than that passes ``rate_limit``."""
    if rate_limit is None:
        return dict(admin().call(lambda a: a.create_organization(name)))
    return dict(admin().call(lambda a: a.create_organization(name, rate_limit)))


def set_rate_limit(org_id: str, rate_limit: int) -> dict[str, Any]:
    """``connect-admin org set-rate-limit ORG_ID N``."""
    return dict(admin().call(lambda a: a.set_rate_limit(org_id, rate_limit)))


def create_key(org_id: str) -> dict[str, Any]:
    """``connect-admin key create --org ORG_ID``: ``{"id", "organization-id", "api-key"}``."""
    return dict(admin().call(lambda a: a.create_key(org_id)))


def revoke_key(key_id: str) -> dict[str, Any]:
    """``connect-admin key revoke --key-id KEY_ID``."""
    return dict(admin().call(lambda a: a.revoke_key(key_id)))


def create_ingest_key(org_id: str) -> dict[str, Any]:
    """``connect-admin ingest-key create ORG_ID``: ``{"id", "organization-id", "secret", ...}``."""
    return dict(admin().call(lambda a: a.create_ingest_key(org_id)))


def revoke_ingest_key(key_id: str) -> dict[str, Any]:
    """``connect-admin ingest-key revoke KEY_ID``."""
    return dict(admin().call(lambda a: a.revoke_ingest_key(key_id)))
