#!/usr/bin/env bash
# Background Kafka + Redis + gateway for tests and `make infra-up` (KAFKA_BROKERS=3: a
# three-node Kafka cluster, `make cluster-up`).
#   stack.sh start    start what is not running, wait until ready, create topics
#   stack.sh stop     stop what this script started (TERM, then KILL after a bound)
#   stack.sh status   print each component's state
# Each component runs in its own session (setsid) so a Ctrl-C in the calling terminal
# or make does not kill it; its pid is in .data/run/<name>.pid, output in .data/logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN="$DATA/run"
LOGS="$DATA/logs"
READY_TIMEOUT="${STACK_READY_TIMEOUT:-120}"
STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}"
PY="$ROOT/.venv/bin/python"
# kafka is node 1; a cluster adds kafka-2 and kafka-3 (deploy/local/lib.sh says their ports).
KAFKA_NODES=(kafka)
for ((n = 2; n <= KAFKA_BROKERS; n++)); do KAFKA_NODES+=("kafka-$n"); done
COMPONENTS=("${KAFKA_NODES[@]}" redis gateway)

# node_of NAME: the Kafka node number of a component (kafka -> 1, kafka-3 -> 3).
node_of() { case "$1" in kafka) echo 1 ;; kafka-*) echo "${1#kafka-}" ;; esac; }

port_of() {
  case "$1" in
    kafka|kafka-*) kafka_node_port "$KAFKA_PORT" "$(node_of "$1")" ;; redis) echo "$REDIS_PORT" ;; gateway) echo "$GATEWAY_PORT" ;;
  esac
}
script_of() {
  case "$1" in
    kafka|kafka-*) echo kafka.sh ;; redis) echo redis.sh ;; gateway) echo nginx.sh ;;
  esac
}
# What the pid's command line must match, so a recycled pid is never mistaken for
# ours: the run script while it prepares, then the process it execs.
comm_of() {
  case "$1" in
    kafka) echo 'kafka\.sh|kafka\.Kafka .*/kafka/server\.properties' ;;
    kafka-*) echo "kafka\\.sh|kafka\\.Kafka .*/$1/server\\.properties" ;;
    redis) echo 'redis\.sh|redis-server' ;;
    gateway) echo 'nginx' ;;
  esac
}

# running NAME: true when the pid file names a live process that is still ours.
running() {
  local pidfile="$RUN/$1.pid" pid
  [ -s "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qE -- "$(comm_of "$1")"
}

ready() {
  case "$1" in
    # The port alone answers before the broker can serve metadata; ask for metadata.
    # (topics.py --ping also waits until all KAFKA_BROKERS nodes are registered.)
    kafka|kafka-*) port_open "$(port_of "$1")" &&
      "$PY" "$ROOT/deploy/local/topics.py" --ping >/dev/null 2>&1 ;;
    redis) [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] ;;
    gateway) port_open "$GATEWAY_PORT" ;;
  esac
}

start_one() {
  local name="$1" port
  port="$(port_of "$name")"
  if running "$name"; then
    log "$name already running (pid $(cat "$RUN/$name.pid"))"
    return 0
  fi
  rm -f "$RUN/$name.pid"
  if port_open "$port"; then
    # E.g. `make run` (honcho) owns it: use it, but never stop it from here.
    log "$name: port $port already answers (not started by stack.sh); using it"
    return 0
  fi
  log "starting $name on 127.0.0.1:$port (log: $LOGS/$name.log)"
  # With no job control the child is not a group leader, so setsid execs in place
  # and $! is the real component's pid (the run scripts exec too).
  nohup setsid bash "$ROOT/deploy/local/$(script_of "$name")" run $(node_of "$name") \
    >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! > "$RUN/$name.pid"
}

wait_ready() {
  local name="$1" deadline=$((SECONDS + READY_TIMEOUT))
  until ready "$name"; do
    if [ -s "$RUN/$name.pid" ] && ! running "$name"; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name exited during startup; see $LOGS/$name.log"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name not ready after ${READY_TIMEOUT}s; see $LOGS/$name.log"
    fi
    sleep 1
  done
  log "$name ready"
}

start() {
  [ -x "$PY" ] || die "$PY missing: run 'make install' first"
  mkdir -p "$RUN" "$LOGS"
  # Install steps first (apt/maven), in the foreground, so failures are visible here.
  bash "$ROOT/deploy/local/kafka.sh" prepare
  bash "$ROOT/deploy/local/redis.sh" install
  bash "$ROOT/deploy/local/nginx.sh" install
  for c in "${COMPONENTS[@]}"; do start_one "$c"; done
  for c in "${COMPONENTS[@]}"; do wait_ready "$c"; done
  "$PY" "$ROOT/deploy/local/topics.py"
  # STACK_SCRAM_USERS=0: a stack whose clients never use the SASL listeners (the chaos suite's)
  # skips the two JVM launches that store its user.
  if [ "${STACK_SCRAM_USERS:-1}" != 0 ]; then bash "$ROOT/deploy/local/kafka.sh" users; fi
}

# signal_one NAME: send TERM to a running component (nothing when it is not running).
signal_one() {
  local name="$1" pid
  running "$name" || return 0
  pid="$(cat "$RUN/$name.pid")"
  log "stopping $name (pid $pid)"
  # The pid leads its own process group (setsid): signal the group so nginx
  # workers or a half-started JVM go too.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
}

SIGNALLED=""
stop_one() {
  local name="$1" pid deadline
  if ! running "$name"; then
    rm -f "$RUN/$name.pid"
    return 0
  fi
  pid="$(cat "$RUN/$name.pid")"
  kill -0 "$pid" 2>/dev/null && ! grep -q "^$name$" <<<"$SIGNALLED" && signal_one "$name"
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop within ${STOP_TIMEOUT}s; killing"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid"
}

stop() {
  # Reverse order: the gateway first, Kafka (slowest, most state) last.
  local i c
  stop_one gateway
  stop_one redis
  # A cluster's nodes are signalled together: a node stopped after the others lost the
  # controller quorum would wait for it until killed.
  for c in "${KAFKA_NODES[@]}"; do signal_one "$c"; SIGNALLED="$SIGNALLED"$'\n'"$c"; done
  for ((i = ${#KAFKA_NODES[@]} - 1; i >= 0; i--)); do stop_one "${KAFKA_NODES[i]}"; done
}

status() {
  local c state rc=0
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then state="running (pid $(cat "$RUN/$c.pid"))"
    elif port_open "$(port_of "$c")"; then state="port open, not managed by stack.sh"
    else state="stopped"; rc=1
    fi
    if [ "$state" != stopped ] && ! ready "$c"; then state="$state, NOT ready"; rc=1; fi
    printf '%-8s %s\n' "$c" "$state"
  done
  return "$rc"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
