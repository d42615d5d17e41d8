#!/usr/bin/env bash
# Run one Connect service in the foreground for the Procfile:
#   service.sh issuer|redeemer|notifier
# Waits for Kafka + topics, maps the stack-wide env (KAFKA_PORT, REDIS_PORT,
# <SVC>_PORT, CONNECT_PROFILE) onto the service's own prefixed settings
# (ISSUER_HTTP_PORT, ISSUER_KAFKA_BOOTSTRAP_SERVERS, ...), then execs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

svc="${1:-}"
case "$svc" in
  issuer) port="$ISSUER_PORT" ;;
  redeemer) port="$REDEEMER_PORT" ;;
  notifier) port="$NOTIFIER_PORT" ;;
  stats) port="$STATS_PORT" ;;
  *) echo "usage: $0 issuer|redeemer|notifier|stats" >&2; exit 2 ;;
esac
P="$(echo "$svc" | tr '[:lower:]' '[:upper:]')"

"$ROOT/deploy/local/wait-for-kafka.sh"

# ${VAR:-default}: an explicitly set prefixed variable always wins.
v="${P}_HTTP_HOST";                 export "$v=${!v:-127.0.0.1}"
v="${P}_HTTP_PORT";                 export "$v=${!v:-$port}"
v="${P}_KAFKA_BOOTSTRAP_SERVERS";   export "$v=${!v:-$(kafka_bootstrap)}"
v="${P}_REDIS_URL";                 export "$v=${!v:-redis://127.0.0.1:$REDIS_PORT/0}"
v="${P}_PROFILE";                   export "$v=${!v:-${CONNECT_PROFILE:-development}}"

if [ "$svc" = stats ]; then
  # faust's data directory and its own web server (127.0.0.1, port derived in lib.sh).
  export STATS_DATA_DIR="${STATS_DATA_DIR:-$DATA/stats}"
  export STATS_FAUST_WEB_PORT
fi

cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m "$svc"
