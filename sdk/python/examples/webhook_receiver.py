"""A webhook receiver: verifies each delivery's signature, dedupes by event id, prints it.

    CONNECT_WEBHOOK_SECRET=wbhsec_... .venv/bin/python sdk/python/examples/webhook_receiver.py \\
        --port 4000

Register http://127.0.0.1:4000/webhook with `connect webhooks create --url ...` (the development
profile allows loopback URLs), or point `connect listen --forward-to` at it and pass the secret
it prints. A bad signature is answered 401; everything else 200 at once (do slow work later).
"""

from __future__ import annotations

import argparse
import os

from aiohttp import web

from connect_sdk import parse_event, verify_webhook

SEEN = web.AppKey("seen", set)


async def receive(request: web.Request) -> web.Response:
    """Verify the exact bytes first, then parse."""
    body = await request.read()
    secrets = [s for s in os.environ["CONNECT_WEBHOOK_SECRET"].split(",") if s]
    if not verify_webhook(secrets, request.headers, body):
        return web.Response(status=401, text="bad signature")
    event = parse_event(body)
    seen: set[str] = request.app[SEEN]
    if event.id not in seen:  # at-least-once: the same event may arrive again
        seen.add(event.id)
        print(f"{event.name} {event.id} object={event.data.get('id')}", flush=True)
    return web.Response(text="ok")


def main() -> None:
    """Serve until interrupted (``--port 0`` picks a free port and prints it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4000)
    args = parser.parse_args()
    app = web.Application()
    app[SEEN] = set()
    app.router.add_post("/webhook", receive)
    web.run_app(app, host="127.0.0.1", port=args.port, print=lambda m: print(m, flush=True))


if __name__ == "__main__":
    main()
