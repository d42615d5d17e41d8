#!/usr/bin/env bash
# Local Apache Kafka (KRaft) from Maven Central jars, no Docker: one combined broker+controller,
# or with KAFKA_BROKERS=3 a cluster of three (replication factor 3, min.insync.replicas=2).
#   kafka.sh install     resolve broker jars into .data/kafka-libs (cached by pom hash)
#   kafka.sh prepare     TLS material and the cluster id, shared by every node (once)
#   kafka.sh run [N]     render node N's config (default 1), format its storage once, exec it
#   kafka.sh users       store the SCRAM user of the SASL listener in the running cluster (once)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

POM="$ROOT/deploy/kafka/pom.xml"
LIBS="${KAFKA_LIBS_DIR:-$DATA/kafka-libs}"
STAMP="$LIBS/.pom.sha256"
# Node 1 keeps the single broker's directory; the cluster's nodes 2 and 3 live beside it.
KDATA="$DATA/kafka"
TLS_DIR="$KDATA/tls"
MODE_FILE="$KDATA/brokers"
node_dir() { if [ "$1" -eq 1 ]; then echo "$KDATA"; else echo "$DATA/kafka-$1"; fi; }

install() {
  local want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  # Skip Maven (slow, network) when the jars for exactly this pom are already there.
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    return 0
  fi
  command -v mvn >/dev/null || die "Maven (mvn) is required to fetch the Kafka broker"
  log "resolving Kafka jars from Maven Central into $LIBS"
  # Fresh directory so jars from an older pom cannot end up on the classpath.
  rm -rf "$LIBS.tmp"
  mkdir -p "$LIBS.tmp"
  mvn -q -B -f "$POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp"
  echo "$want" > "$LIBS.tmp/.pom.sha256"
  rm -rf "$LIBS"
  mv "$LIBS.tmp" "$LIBS"
}

# The JVM command line as an array: the classpath wildcard must reach java
# unexpanded (java expands '*' itself), so it is never word-split or globbed.
JAVA=(java "-Dlog4j2.configurationFile=$ROOT/deploy/kafka/log4j2.xml"
      "-Dkafka.logs.dir=$DATA/logs" -cp "$LIBS/*")

# A local CA and a broker certificate for 127.0.0.1 (the SASL_SSL listener), made once per data
# directory. The broker reads a PEM keystore: the PKCS#8 key followed by the chain (unencrypted:
# Java 17 cannot open PBES2-encrypted keys, and this key only guards a loopback test listener).
tls() {
  [ -s "$TLS_DIR/broker.pem" ] && [ -s "$TLS_DIR/ca.pem" ] && return 0
  command -v openssl >/dev/null || die "openssl is required for the local TLS listener"
  local tmp="$TLS_DIR.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=connect-local-kafka-ca" -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tmp/broker.key" -out "$tmp/broker.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$tmp/san.ext"
  openssl x509 -req -in "$tmp/broker.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
    -CAcreateserial -days 3650 -extfile "$tmp/san.ext" -out "$tmp/broker.crt" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$tmp/broker.key" -out "$tmp/broker.p8"
  cat "$tmp/broker.p8" "$tmp/broker.crt" > "$tmp/broker.pem"
  rm -f "$tmp/broker.key" "$tmp/broker.csr" "$tmp/ca.key" "$tmp/broker.p8" "$tmp/san.ext"
  rm -rf "$TLS_DIR"
  mv "$tmp" "$TLS_DIR"
}

# The storage of one data directory belongs to one cluster shape: a single broker's metadata
# cannot join a three-voter quorum (nor the other way round), and the Redis views hold offsets
# of that log. Switching needs another CONNECT_DATA_DIR (make cluster-up uses .data/cluster).
mode_guard() {
  mkdir -p "$KDATA"
  if [ -s "$MODE_FILE" ] && [ "$(cat "$MODE_FILE")" != "$KAFKA_BROKERS" ]; then
    die "$DATA holds a Kafka of $(cat "$MODE_FILE") broker(s), not KAFKA_BROKERS=$KAFKA_BROKERS: use another CONNECT_DATA_DIR or 'make clean'"
  fi
  if [ ! -s "$MODE_FILE" ] && [ -s "$KDATA/cluster-id" ]; then
    # Made before the broker count was recorded: a single broker.
    [ "$KAFKA_BROKERS" = 1 ] || die "$DATA holds a single-broker Kafka: use another CONNECT_DATA_DIR or 'make clean'"
  fi
  # Atomically (the nodes of a cluster start at once and each checks it).
  if [ ! -s "$MODE_FILE" ]; then
    echo "$KAFKA_BROKERS" > "$MODE_FILE.$$"
    mv "$MODE_FILE.$$" "$MODE_FILE"
  fi
}

# One cluster id per data directory, shared by every node, so restarts (and restarts after a
# crash) reuse the same storage.
prepare() {
  command -v java >/dev/null || die "Java 17+ is required for Kafka"
  install
  mode_guard
  tls
  if [ ! -s "$KDATA/cluster-id" ]; then
    "${JAVA[@]}" kafka.tools.StorageTool random-uuid > "$KDATA/cluster-id.tmp"
    mv "$KDATA/cluster-id.tmp" "$KDATA/cluster-id"
  fi
}

quorum_voters() {
  local n out=""
  for ((n = 1; n <= KAFKA_BROKERS; n++)); do
    out="$out${out:+,}$n@127.0.0.1:$(kafka_node_port "$KAFKA_CONTROLLER_PORT" "$n")"
  done
  echo "$out"
}

run() {
  local node="${1:-1}" dir props replicas min_isr
  [ "$node" -ge 1 ] && [ "$node" -le "$KAFKA_BROKERS" ] || die "node $node of $KAFKA_BROKERS?"
  prepare
  dir="$(node_dir "$node")"
  props="$dir/server.properties"
  mkdir -p "$dir/logs"
  # A cluster keeps three copies and acknowledges a write once two hold it, so one node may be
  # down without refusing writes; a single broker has nothing to replicate to.
  replicas=1 min_isr=1
  if [ "$KAFKA_BROKERS" -ge 3 ]; then replicas=3 min_isr=2; fi
  sed -e "s|@NODE_ID@|$node|g" \
      -e "s|@QUORUM_VOTERS@|$(quorum_voters)|g" \
      -e "s|@REPLICATION_FACTOR@|$replicas|g" \
      -e "s|@MIN_ISR@|$min_isr|g" \
      -e "s|@KAFKA_PORT@|$(kafka_node_port "$KAFKA_PORT" "$node")|g" \
      -e "s|@KAFKA_SASL_PORT@|$(kafka_node_port "$KAFKA_SASL_PORT" "$node")|g" \
      -e "s|@KAFKA_SASL_SSL_PORT@|$(kafka_node_port "$KAFKA_SASL_SSL_PORT" "$node")|g" \
      -e "s|@TLS_DIR@|$TLS_DIR|g" \
      -e "s|@CONTROLLER_PORT@|$(kafka_node_port "$KAFKA_CONTROLLER_PORT" "$node")|g" \
      -e "s|@LOG_DIR@|$dir/logs|g" \
      "$ROOT/deploy/kafka/server.properties.template" > "$props"

  # --ignore-formatted makes formatting a no-op when already done.
  "${JAVA[@]}" kafka.tools.StorageTool format --ignore-formatted \
    -t "$(cat "$KDATA/cluster-id")" -c "$props" >&2

  # exec: the supervisor (stack.sh / honcho) signals the JVM directly.
  exec "${JAVA[@]}" -Xms512m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    kafka.Kafka "$props"
}

# SCRAM credentials live in the KRaft metadata, not in server.properties: add them through the
# plain listener with Kafka's own ConfigCommand. Idempotent (it overwrites the same user); the
# stamp next to the storage skips the JVM start on later runs while the storage is the same.
SCRAM_USER="connect-scram"
SCRAM_PASSWORD="connect-scram-secret"
users() {
  local stamp="$KDATA/scram-users.stamp" want
  want="$(cat "$KDATA/cluster-id" 2>/dev/null || true) $SCRAM_USER"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  local mechanism
  # One mechanism per request: the broker refuses two changes of one user in one request.
  for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
    "${JAVA[@]}" kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --alter \
      --entity-type users --entity-name "$SCRAM_USER" \
      --add-config "$mechanism=[password=$SCRAM_PASSWORD]" >&2
  done
  echo "$want" > "$stamp"
}

case "${1:-}" in
  install) install ;;
  prepare) prepare ;;
  run) run "${2:-1}" ;;
  users) users ;;
  *) echo "usage: $0 install|prepare|run [NODE]|users" >&2; exit 2 ;;
esac
