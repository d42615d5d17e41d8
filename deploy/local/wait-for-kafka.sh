#!/usr/bin/env bash
# Block until the local Kafka serves metadata, then create the topics (idempotent).
# Used in the Procfile before each service so no consumer starts on missing topics.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY="$ROOT/.venv/bin/python"
TIMEOUT="${KAFKA_WAIT_TIMEOUT:-180}"
deadline=$((SECONDS + TIMEOUT))
until port_open "$KAFKA_PORT" && "$PY" "$ROOT/deploy/local/topics.py" --ping >/dev/null 2>&1; do
  [ "$SECONDS" -lt "$deadline" ] || die "Kafka on 127.0.0.1:$KAFKA_PORT not ready after ${TIMEOUT}s"
  sleep 1
done
# Several services run this at once; topics.py tolerates TopicAlreadyExists.
"$PY" "$ROOT/deploy/local/topics.py" >&2
