"""The local gateway routes each path to the right service (contract section 2).

Starts the real nginx config on free ports with three tiny HTTP servers standing in
for issuer / redeemer / notifier, each answering with its name and the path it saw.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from infra_support import render_local_nginx

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fake_service(name: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = json.dumps(
                {
                    "service": name,
                    "path": self.path,
                    "host": self.headers.get("Host"),
                    "request-id": self.headers.get("X-Request-Id"),
                    "forwarded-for": self.headers.get("X-Forwarded-For"),
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    servers = {name: fake_service(name) for name in ("issuer", "redeemer", "notifier", "stats")}
    ports = {name: s.server_address[1] for name, s in servers.items()}
    ports["gateway"] = free_port()
    conf = render_local_nginx(tmp_path_factory.mktemp("gw"), ports)
    proc = subprocess.Popen(["nginx", "-p", f"{conf.parent}/", "-e", "stderr", "-c", str(conf)])
    base = f"http://127.0.0.1:{ports['gateway']}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", ports["gateway"]), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, "nginx exited"
                assert time.monotonic() < deadline, "nginx did not listen"
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for s in servers.values():
            s.shutdown()


def call(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> dict[str, str]:
    req = urllib.request.Request(url, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=5) as resp:
        data: dict[str, str] = json.loads(resp.read())
        return data


@pytest.mark.parametrize(
    ("method", "path", "service", "upstream_path"),
    [
        ("POST", "/api/v1/connect/share-tokens/cnst_abc/redeem", "redeemer", None),
        ("GET", "/api/v1/connect/share-tokens/cnst_abc", "issuer", None),
        ("POST", "/api/v1/connect/share-tokens/cnst_abc/expire", "issuer", None),
        ("GET", "/api/v1/connect/share-tokens?page[size]=5", "issuer", None),
        ("GET", "/.well-known/jwks.json", "redeemer", None),
        ("POST", "/api/v1/webhooks", "notifier", None),
        ("GET", "/api/v1/webhooks/wbh_1/deliveries", "notifier", None),
        ("POST", "/api/v1/workflows", "issuer", None),
        ("GET", "/api/v1/workflows/wfl_1/runs", "issuer", None),
        ("POST", "/api/v1/connect/connections", "issuer", None),
        ("GET", "/api/v1/inquiries/inq_1", "issuer", None),
        ("GET", "/dashboard/", "issuer", None),
        ("GET", "/dashboard/share-tokens/cnst_abc", "issuer", None),
        ("GET", "/dashboard/static/dashboard.css", "issuer", None),
        ("POST", "/dashboard/share-tokens/cnst_abc/redeem", "redeemer", None),
        ("POST", "/dashboard/share-tokens/cnst_abc/expire", "issuer", None),
        ("GET", "/dashboard/webhooks", "notifier", None),
        ("POST", "/dashboard/webhooks/wbh_1/rotate-secret", "notifier", None),
        ("GET", "/healthz/issuer", "issuer", "/healthz"),
        ("GET", "/healthz/redeemer", "redeemer", "/healthz"),
        ("GET", "/healthz/notifier", "notifier", "/healthz"),
        ("GET", "/readyz/redeemer", "redeemer", "/readyz"),
        ("GET", "/api/v1/connect/share-token-stats?interval=hour", "stats", None),
        ("GET", "/api/v1/connect/share-token-stats/x", "issuer", None),
        ("GET", "/dashboard/insights?interval=day", "stats", None),
        ("GET", "/readyz/stats", "stats", "/readyz"),
    ],
)
def test_route(
    gateway: str, method: str, path: str, service: str, upstream_path: str | None
) -> None:
    answer = call(gateway + path, method)
    assert answer["service"] == service
    assert answer["path"] == (upstream_path or path)


def test_headers_passed(gateway: str) -> None:
    answer = call(gateway + "/api/v1/inquiries", headers={"X-Request-Id": "req_abc"})
    assert answer["request-id"] == "req_abc"
    assert answer["host"] == gateway.removeprefix("http://")
    assert answer["forwarded-for"] == "127.0.0.1"
    minted = call(gateway + "/api/v1/inquiries")["request-id"]
    assert minted.startswith("req_") and len(minted) > 20


def test_unknown_path_is_json_404(gateway: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as exc:
        call(gateway + "/nope")
    assert exc.value.code == 404
    assert "errors" in json.loads(exc.value.read())


def test_body_over_limit_is_413(gateway: str) -> None:
    req = urllib.request.Request(
        gateway + "/api/v1/inquiries", data=b"x" * (3 * 1024 * 1024), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=5)
    assert exc.value.code == 413


def test_service_down_is_json_503(tmp_path: Path) -> None:
    ports = {"gateway": free_port(), "issuer": free_port(), "redeemer": free_port()}
    ports["notifier"] = free_port()
    conf = render_local_nginx(tmp_path, ports)
    proc = subprocess.Popen(["nginx", "-p", f"{conf.parent}/", "-e", "stderr", "-c", str(conf)])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", ports["gateway"]), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError) as exc:
            call(f"http://127.0.0.1:{ports['gateway']}/healthz/issuer")
        assert exc.value.code == 503
        assert "errors" in json.loads(exc.value.read())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
