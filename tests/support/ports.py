"""Where the stack under test listens. The same variables as deploy/local/lib.sh, so a second
checkout can run its whole suite on other ports beside a running stack."""

from __future__ import annotations

import os
from pathlib import Path

KAFKA_PORT = int(os.environ.get("KAFKA_PORT", "9092"))
# The broker's SASL listeners (deploy/local/lib.sh: KAFKA_PORT + 2, and + 3 with TLS).
KAFKA_SASL_PORT = int(os.environ.get("KAFKA_SASL_PORT", str(KAFKA_PORT + 2)))
KAFKA_SASL_SSL_PORT = int(os.environ.get("KAFKA_SASL_SSL_PORT", str(KAFKA_PORT + 3)))
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6379"))
GATEWAY_PORT = int(os.environ.get("GATEWAY_PORT", "8080"))
SERVICE_PORTS = {
    "issuer": int(os.environ.get("ISSUER_PORT", "8001")),
    "redeemer": int(os.environ.get("REDEEMER_PORT", "8002")),
    "notifier": int(os.environ.get("NOTIFIER_PORT", "8003")),
    "stats": int(os.environ.get("STATS_PORT", "8004")),
}
# faust's own web server of the stats worker (deploy/local/lib.sh: KAFKA_PORT + 14).
STATS_FAUST_WEB_PORT = int(os.environ.get("STATS_FAUST_WEB_PORT", str(KAFKA_PORT + 14)))

KAFKA_BOOTSTRAP = f"127.0.0.1:{KAFKA_PORT}"
KAFKA_SASL_BOOTSTRAP = f"127.0.0.1:{KAFKA_SASL_PORT}"
KAFKA_SASL_SSL_BOOTSTRAP = f"127.0.0.1:{KAFKA_SASL_SSL_PORT}"
# The CA of the local broker's TLS listener (deploy/local/kafka.sh makes it per data directory).
DATA_DIR = Path(os.environ.get("CONNECT_DATA_DIR", Path(__file__).resolve().parents[2] / ".data"))
KAFKA_TLS_CA = DATA_DIR / "kafka" / "tls" / "ca.pem"
GATEWAY_URL = f"http://127.0.0.1:{GATEWAY_PORT}"


def redis_url(db: int = 0) -> str:
    """URL of the stack's Redis, database ``db``."""
    return f"redis://127.0.0.1:{REDIS_PORT}/{db}"


def service_env(service: str) -> dict[str, str]:
    """The prefixed settings that point one service (or the admin CLI) at this stack."""
    prefix = service.upper()
    return {
        f"{prefix}_HTTP_PORT": str(SERVICE_PORTS.get(service, 0)),
        f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP,
        f"{prefix}_REDIS_URL": redis_url(),
    }
