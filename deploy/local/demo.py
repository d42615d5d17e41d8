"""The `make run` walkthrough: waits for the stack, creates demo data, prints how to begin.

Demo data (kept in .data/demo.json and reused by later runs while its keys still work):
two organizations with API keys, an ingest key of the source (its systems sign what they
produce onto connect.source-events with it), an active connection from the source to the
destination, and a completed sample inquiry in the source organization.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STATE_FILE = ROOT / ".data" / "demo.json"
GATEWAY = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8080')}"
API = f"{GATEWAY}/api/v1"
SERVICES = ("issuer", "redeemer", "notifier")
TIMEOUT_S = float(os.environ.get("DEMO_READY_TIMEOUT", "180"))


def call(method: str, path: str, key: str, body: Any = None) -> tuple[int, Any]:
    """One API call through the gateway; returns (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (fixed loopback URL)
        f"{API}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def ready(service: str) -> bool:
    try:
        with urllib.request.urlopen(f"{GATEWAY}/readyz/{service}", timeout=2) as r:  # noqa: S310
            return 200 <= int(r.status) < 300
    except (urllib.error.URLError, OSError):
        return False


def wait_for_stack() -> None:
    deadline = time.monotonic() + TIMEOUT_S
    waiting = list(SERVICES)
    while waiting:
        waiting = [s for s in waiting if not ready(s)]
        if waiting and time.monotonic() > deadline:
            raise SystemExit(f"demo: not ready after {TIMEOUT_S:.0f}s: {', '.join(waiting)}")
        time.sleep(1 if waiting else 0)


def admin(*args: str) -> Any:
    """Run ``connect-admin`` against the local stack; its printed JSON."""
    port = os.environ.get("KAFKA_PORT", "9092")
    env = {
        **os.environ,
        "ISSUER_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
        "ISSUER_REDIS_URL": f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '6379')}/0",
        # The local stack's profile (make run: development), so the CLI seals ingest keys with
        # the same key as the issuer it runs beside.
        "ISSUER_PROFILE": os.environ.get(
            "ISSUER_PROFILE", os.environ.get("CONNECT_PROFILE", "development")
        ),
    }
    out = subprocess.run(  # noqa: S603 (our own CLI)
        [str(ROOT / ".venv/bin/connect-admin"), *args],
        check=True,
        capture_output=True,
        env=env,
        timeout=90,
    )
    return json.loads(out.stdout)


def admin_org(name: str) -> dict[str, Any]:
    """A new organization with its first API key."""
    return dict(admin("org", "create", "--name", name))


def admin_ingest_key(org_id: str) -> dict[str, Any]:
    """A new ingest key of ``org_id``: ``{"id": "ink_...", "secret": "inksec_..."}``."""
    return dict(admin("ingest-key", "create", org_id))


def expect(status: int, body: Any, wanted: int, what: str) -> dict[str, Any]:
    if status != wanted:
        raise SystemExit(f"demo: {what} answered {status}: {json.dumps(body)}")
    return dict(body["data"])


def create_demo() -> dict[str, Any]:
    source = admin_org("Acme Verify (source)")
    source["ingest-key"] = admin_ingest_key(source["id"])
    destination = admin_org("Beta Bank (destination)")
    status, body = call(
        "POST",
        "/connect/connections",
        source["api-key"],
        {"data": {"attributes": {"destination-organization-id": destination["id"]}}},
    )
    connection = expect(status, body, 201, "creating the connection")
    status, body = call(
        "POST", f"/connect/connections/{connection['id']}/accept", destination["api-key"]
    )
    expect(status, body, 200, "accepting the connection")
    status, body = call(
        "POST",
        "/inquiries",
        source["api-key"],
        {
            "data": {
                "attributes": {
                    "status": "completed",
                    "reference-id": "user-1042",
                    "fields": {
                        "name-first": "Ada",
                        "name-last": "Lovelace",
                        "birthdate": "1990-12-10",
                        "address-street-1": "12 St James's Square",
                        "address-city": "London",
                    },
                }
            }
        },
    )
    inquiry = expect(status, body, 201, "creating the sample inquiry")
    return {
        "source": source,
        "destination": destination,
        "connection-id": connection["id"],
        "inquiry-id": inquiry["id"],
    }


def load_or_create() -> dict[str, Any]:
    if STATE_FILE.exists():
        demo = dict(json.loads(STATE_FILE.read_text()))
        status, _ = call("GET", f"/inquiries/{demo['inquiry-id']}", demo["source"]["api-key"])
        if status == 200:
            if "ingest-key" not in demo["source"]:  # demo data of a run before ingest keys
                demo["source"]["ingest-key"] = admin_ingest_key(demo["source"]["id"])
                STATE_FILE.write_text(json.dumps(demo, indent=2))
            return demo
    demo = create_demo()
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps(demo, indent=2))
    return demo


def walkthrough(demo: dict[str, Any]) -> str:
    src, dst = demo["source"], demo["destination"]
    token_body = json.dumps(
        {
            "data": {
                "attributes": {
                    "connection-id": demo["connection-id"],
                    "source-id": demo["inquiry-id"],
                    "expires-in-seconds": 3600,
                }
            }
        }
    )
    return f"""
================================================================================
Connect is running (development profile)    API: {API}
  source      {src["name"]:<28} {src["id"]}
              SRC_KEY={src["api-key"]}
  destination {dst["name"]:<28} {dst["id"]}
              DST_KEY={dst["api-key"]}
  connection  {demo["connection-id"]} (active)    sample inquiry {demo["inquiry-id"]}
  ingest key  {src["ingest-key"]["id"]} of the source: its systems sign what they produce onto
              connect.source-events with connect_shared.ingest_signature.sign_headers
              (secret in {STATE_FILE.relative_to(ROOT)}; deploy/local/workflow_demo.py shows it)

Copy and paste:
  export SRC_KEY={src["api-key"]}
  export DST_KEY={dst["api-key"]}
  # 1. the source shares its inquiry (a token valid for one hour)
  curl -s -X POST {API}/connect/share-tokens -H "Authorization: Bearer $SRC_KEY" \\
    -H 'Content-Type: application/json' \
    -d '{token_body}'
  export TOKEN=cnst_...   # the "id" printed above
  # 2. the destination sees it inbound and peeks at what it would receive
  curl -s "{API}/connect/share-tokens?filter[direction]=inbound" -H "Authorization: Bearer $DST_KEY"
  curl -s "{API}/connect/share-tokens/$TOKEN?peek-source-data=true" \\
    -H "Authorization: Bearer $DST_KEY"
  # 3. the destination redeems it (202, pending) and reads the result
  curl -s -X POST {API}/connect/share-tokens/$TOKEN/redeem -H "Authorization: Bearer $DST_KEY"
  curl -s {API}/connect/share-tokens/$TOKEN -H "Authorization: Bearer $DST_KEY"
  # 4. the copy (relationships.destination above) carries signed provenance
  curl -s {GATEWAY}/.well-known/jwks.json
The same with the CLI (CONNECT_API_KEY picks the organization), and the API reference:
  CONNECT_API_KEY=$SRC_KEY .venv/bin/connect share-tokens create \
    --connection {demo["connection-id"]} --source {demo["inquiry-id"]}
  CONNECT_API_KEY=$DST_KEY .venv/bin/connect events list --format table
  CONNECT_API_KEY=$DST_KEY .venv/bin/connect listen --forward-to http://127.0.0.1:4000/webhook
  {GATEWAY}/docs
Ctrl-C stops everything.
================================================================================"""


def main() -> int:
    wait_for_stack()
    print(walkthrough(load_or_create()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
