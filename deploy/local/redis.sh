#!/usr/bin/env bash
# Local Redis for the views/guards: a generated config so nothing in /etc is touched.
#   redis.sh install   apt-get install redis-server if missing
#   redis.sh run       foreground redis-server on 127.0.0.1:$REDIS_PORT, data in .data/redis
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install() { apt_ensure redis-server redis-server; }

run() {
  install
  mkdir -p "$DATA/redis"
  local conf="$DATA/redis/redis.conf"
  # AOF with fsync every second: losing Redis loses at most ~1 s of views, and the
  # services rebuild views from Kafka anyway (Kafka is the system of record).
  cat > "$conf" <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
dir $DATA/redis
logfile ""
appendonly yes
appendfsync everysec
save 900 1 300 100
CONF
  exec redis-server "$conf"
}

case "${1:-}" in
  install) install ;;
  run) run ;;
  *) echo "usage: $0 install|run" >&2; exit 2 ;;
esac
