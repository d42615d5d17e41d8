"""The gateway answers its own errors as JSON:API error documents (contract section 2): a
request nginx refuses before any service sees it (bad request line, long URI, oversized
headers, large body, unknown path) or that no service answers (down, closed, too slow).

Runs the real nginx configuration on free ports. Requests go through a raw socket, so the
test can send what an HTTP client library would refuse to (a NUL in the path, HTTP/2.0 on an
HTTP/1 port).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from infra_support import DEPLOY, render_local_nginx

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed"),
]

SERVICES = ("issuer", "redeemer", "notifier")


@dataclass
class Answer:
    """Status, headers (lower-case names) and parsed JSON body of one raw HTTP answer."""

    status: int
    headers: dict[str, str]
    body: Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tcp_server(on_connection: Callable[[socket.socket], None]) -> tuple[socket.socket, int]:
    """A listening socket that hands every accepted connection to ``on_connection``."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=on_connection, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener, int(listener.getsockname()[1])


def answer_ok(connection: socket.socket) -> None:
    with connection:
        connection.recv(65536)
        body = b'{"service":"up"}'
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + body
        )


def close_at_once(connection: socket.socket) -> None:
    connection.close()


def never_answer(connection: socket.socket) -> None:
    with connection:
        while connection.recv(65536):  # read, never answer, until the gateway gives up
            pass


@contextmanager
def running_gateway(tmp: Path, upstreams: dict[str, int], deploy: Path = DEPLOY) -> Iterator[str]:
    """The gateway config running against ``upstreams`` (service name -> port): its address."""
    ports = {**upstreams, "gateway": free_port()}
    conf = render_local_nginx(tmp, ports, deploy)
    proc = subprocess.Popen(["nginx", "-p", f"{conf.parent}/", "-e", "stderr", "-c", str(conf)])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", ports["gateway"]), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, "nginx exited"
                assert time.monotonic() < deadline, "nginx did not listen"
                time.sleep(0.05)
        yield f"127.0.0.1:{ports['gateway']}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def with_servers(
    handler: Callable[[socket.socket], None],
) -> tuple[list[socket.socket], dict[str, int]]:
    servers = {name: tcp_server(handler) for name in SERVICES}
    return [s for s, _ in servers.values()], {name: port for name, (_, port) in servers.items()}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The gateway in front of services that answer 200."""
    listeners, ports = with_servers(answer_ok)
    try:
        with running_gateway(tmp_path_factory.mktemp("gw-errors"), ports) as address:
            yield address
    finally:
        for listener in listeners:
            listener.close()


def send(address: str, request: bytes, timeout: float = 10.0) -> Answer:
    """Send raw bytes and read the whole answer (the request asks to close)."""
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(request)
        raw = b""
        while chunk := connection.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split(" ")[1]), headers, json.loads(body) if body else None)


def get(
    path: bytes, *headers: bytes, version: bytes = b"HTTP/1.1", method: bytes = b"GET"
) -> bytes:
    lines = [method + b" " + path + b" " + version, b"Host: gateway", b"Connection: close"]
    return b"\r\n".join([*lines, *headers]) + b"\r\n\r\n"


def assert_jsonapi_error(answer: Answer, status: int) -> None:
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["request-id"].startswith("req_")
    (error,) = answer.body["errors"]
    assert error["status"] == str(status)
    assert error["title"] and error["details"]


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (get(b"/api/v1/inquiries/\x00"), 400),
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
        (get(b"/api/v1/inquiries", version=b"HTTP/1.1").replace(b"Host: gateway\r\n", b""), 400),
        (get(b"/api/v1/inquiries/" + b"a" * 10_000), 414),
        (get(b"/api/v1/inquiries", b"X-Padding: " + b"a" * 10_000), 431),
        (get(b"/api/v1/inquiries", b"Cookie: " + b"a" * 9_000), 431),
        (get(b"/api/v1/inquiries", b"Content-Length: 3000000", method=b"POST"), 413),
        (get(b"/api/v1/inquiries", b"Transfer-Encoding: gzip", method=b"POST"), 501),
        (get(b"/api/v1/inquiries", version=b"HTTP/2.0"), 505),
        (get(b"/no/such/path"), 404),
        (get(b"/_gateway/errors/503"), 404),
        (get(b"/healthz", method=b"TRACE"), 405),
    ],
    ids=[
        "nul-in-path",
        "garbage-request-line",
        "no-host",
        "long-uri",
        "oversized-header",
        "oversized-cookie",
        "body-over-limit",
        "unknown-transfer-encoding",
        "http-2-on-http-1",
        "unknown-path",
        "internal-error-page-from-outside",
        "trace",
    ],
)
def test_the_gateways_own_refusals_are_jsonapi_errors(
    gateway: str, request_bytes: bytes, status: int
) -> None:
    assert_jsonapi_error(send(gateway, request_bytes), status)


def test_answers_of_the_services_pass_through_untouched(gateway: str) -> None:
    answer = send(gateway, get(b"/api/v1/inquiries"))
    assert answer.status == 200 and answer.body == {"service": "up"}


def test_a_service_that_is_down_is_a_jsonapi_503_with_retry_after(tmp_path: Path) -> None:
    ports = {name: free_port() for name in SERVICES}  # nothing listens there
    with running_gateway(tmp_path, ports) as address:
        answer = send(address, get(b"/api/v1/inquiries"))
        assert_jsonapi_error(answer, 503)
        assert answer.headers["retry-after"] == "1"


def test_a_service_that_hangs_up_is_a_jsonapi_503(tmp_path: Path) -> None:
    listeners, ports = with_servers(close_at_once)
    try:
        with running_gateway(tmp_path, ports) as address:
            assert_jsonapi_error(send(address, get(b"/api/v1/webhooks")), 503)
    finally:
        for listener in listeners:
            listener.close()


def test_a_service_that_does_not_answer_in_time_is_a_jsonapi_504(tmp_path: Path) -> None:
    # The same configuration with a 1 s read timeout instead of 60 s.
    deploy = tmp_path / "deploy"
    shutil.copytree(DEPLOY / "nginx", deploy / "nginx")
    proxy = deploy / "nginx" / "proxy.conf"
    text = proxy.read_text()
    assert "proxy_read_timeout 60s;" in text
    proxy.write_text(text.replace("proxy_read_timeout 60s;", "proxy_read_timeout 1s;"))
    listeners, ports = with_servers(never_answer)
    try:
        with running_gateway(tmp_path, ports, deploy) as address:
            assert_jsonapi_error(send(address, get(b"/api/v1/workflows")), 504)
    finally:
        for listener in listeners:
            listener.close()
