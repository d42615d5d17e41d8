#!/usr/bin/env bash
# Local Apache Kafka (KRaft, single node) from Maven Central jars, no Docker.
#   kafka.sh install  resolve broker jars into .data/kafka-libs (cached by pom hash)
#   kafka.sh run      render config, format storage once, exec the broker (foreground)
#   kafka.sh users    store the SCRAM user of the SASL listener in the running cluster (once)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

POM="$ROOT/deploy/kafka/pom.xml"
LIBS="$DATA/kafka-libs"
STAMP="$LIBS/.pom.sha256"
KDATA="$DATA/kafka"
LOG_DIR="$KDATA/logs"
PROPS="$KDATA/server.properties"
TLS_DIR="$KDATA/tls"

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

run() {
  command -v java >/dev/null || die "Java 17+ is required for Kafka"
  install
  tls
  mkdir -p "$LOG_DIR"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
      -e "s|@KAFKA_SASL_PORT@|$KAFKA_SASL_PORT|g" \
      -e "s|@KAFKA_SASL_SSL_PORT@|$KAFKA_SASL_SSL_PORT|g" \
      -e "s|@TLS_DIR@|$TLS_DIR|g" \
      -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@LOG_DIR@|$LOG_DIR|g" \
      "$ROOT/deploy/kafka/server.properties.template" > "$PROPS"

  # One cluster id per .data/ so restarts (and restarts after a crash) reuse the
  # same storage; --ignore-formatted makes formatting a no-op when already done.
  if [ ! -s "$KDATA/cluster-id" ]; then
    "${JAVA[@]}" kafka.tools.StorageTool random-uuid > "$KDATA/cluster-id.tmp"
    mv "$KDATA/cluster-id.tmp" "$KDATA/cluster-id"
  fi
  "${JAVA[@]}" kafka.tools.StorageTool format --ignore-formatted \
    -t "$(cat "$KDATA/cluster-id")" -c "$PROPS" >&2

  # exec: the supervisor (stack.sh / honcho) signals the JVM directly.
  exec "${JAVA[@]}" -Xms512m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    kafka.Kafka "$PROPS"
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
  run) run ;;
  users) users ;;
  *) echo "usage: $0 install|run|users" >&2; exit 2 ;;
esac
