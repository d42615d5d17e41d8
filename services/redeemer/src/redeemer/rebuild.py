"""``connect-redeemer-rebuild``: rebuild the Redis view from ``connect.state`` after a lost Redis.

Replays the compacted state topic into Redis (unless a service is already doing it) and waits
until the view is marked ready. Exit 0 when it is, 1 when it did not become ready in time.
"""

from __future__ import annotations

import asyncio
import sys

from connect_shared.config import load_settings
from connect_shared.logs import configure_logging
from connect_shared.replay import rebuild_view
from connect_shared.runtime import open_runtime
from redeemer.config import RedeemerSettings


async def rebuild(settings: RedeemerSettings) -> bool:
    """Rebuild (or wait for another process's rebuild); True once the view is ready."""
    timeout = settings.rebuild_wait_seconds
    async with open_runtime(settings, "rebuild", connect_timeout=timeout) as runtime:
        await rebuild_view(settings, settings.topic_state, runtime.store)
        try:
            return await runtime.guardian.wait_ready(timeout)
        except TimeoutError:
            return False


def main() -> None:
    """Entry point of the console script."""
    # The CLI signs no dashboard sessions, so it does not need that secret.
    settings = load_settings(RedeemerSettings, unused_secrets={"dashboard_session_secret"})
    configure_logging("redeemer-rebuild", settings.log_level)
    try:
        ready = asyncio.run(rebuild(settings))
    except TimeoutError:
        sys.stderr.write("Kafka or Redis did not answer in time\n")
        raise SystemExit(1) from None
    sys.stdout.write('{"view": "ready"}\n' if ready else '{"view": "not ready"}\n')
    raise SystemExit(0 if ready else 1)


if __name__ == "__main__":
    main()
