# Shared helpers for deploy/local/*.sh (sourced, not executed).
# Everything runtime lives under the git-ignored .data/ of the repo root, so a
# checkout is self-contained and `make clean` is just `rm -rf .data`.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# CONNECT_DATA_DIR lets a second stack (benchmarks, a rehearsal) run beside the usual one.
DATA="${CONNECT_DATA_DIR:-$ROOT/.data}"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# The broker's other client listeners, which require SASL (PLAIN or SCRAM), without and with TLS.
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-$((KAFKA_PORT + 2))}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-$((KAFKA_PORT + 3))}"
# KAFKA_BROKERS=3 runs a cluster of three KRaft nodes instead of the single broker. Node N
# (1-based) listens on every port of node 1 plus 10*(N-1): with the defaults node 2 takes
# 9102-9105 and node 3 9112-9115; with KAFKA_PORT=39092, 39102-39105 and 39112-39115.
KAFKA_BROKERS="${KAFKA_BROKERS:-1}"
case "$KAFKA_BROKERS" in 1|3) ;; *) echo "KAFKA_BROKERS must be 1 or 3" >&2; exit 2 ;; esac
REDIS_PORT="${REDIS_PORT:-6379}"
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
ISSUER_PORT="${ISSUER_PORT:-${ISSUER_HTTP_PORT:-8001}}"
REDEEMER_PORT="${REDEEMER_PORT:-${REDEEMER_HTTP_PORT:-8002}}"
NOTIFIER_PORT="${NOTIFIER_PORT:-${NOTIFIER_HTTP_PORT:-8003}}"
STATS_PORT="${STATS_PORT:-${STATS_HTTP_PORT:-8004}}"
# faust's own web server (127.0.0.1 only) of the stats worker: inside the stack's Kafka block.
STATS_FAUST_WEB_PORT="${STATS_FAUST_WEB_PORT:-$((KAFKA_PORT + 14))}"
# <SVC>_REPLICAS=2 puts a second process of that service behind the gateway: replica R listens
# on the service's port plus 100*(R-1) (the default redeemer's second replica: 8102).
ISSUER_REPLICAS="${ISSUER_REPLICAS:-1}"
REDEEMER_REPLICAS="${REDEEMER_REPLICAS:-1}"
NOTIFIER_REPLICAS="${NOTIFIER_REPLICAS:-1}"

# kafka_node_port BASE NODE: the port BASE of node 1 shifted for node NODE.
kafka_node_port() { echo $(($1 + 10 * ($2 - 1))); }

# kafka_bootstrap: every broker's plain listener, comma-separated (what services are given).
kafka_bootstrap() {
  local n out=""
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    out="$out${out:+,}127.0.0.1:$(kafka_node_port "$KAFKA_PORT" "$n")"
  done
  echo "$out"
}

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# port_open PORT: true when something accepts TCP on 127.0.0.1:PORT (bash /dev/tcp,
# so no netcat dependency).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# apt_ensure CMD PKG...: install PKG with apt when CMD is missing. Non-interactive
# so CI never prompts; `apt-get update` first because fresh images have no lists.
apt_ensure() {
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [ -x "/usr/sbin/$cmd" ] && return 0
  log "$cmd not found, installing $* with apt-get"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@"
}
