#!/usr/bin/env bash
# Local gateway (nginx) routing 127.0.0.1:$GATEWAY_PORT to the three services.
#   nginx.sh install   apt-get install nginx-light if missing
#   nginx.sh render    write .data/nginx/nginx.conf and print its path
#   nginx.sh test      render + nginx -t
#   nginx.sh run       render + foreground nginx (starts even if the services are down)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONF="$DATA/nginx/nginx.conf"

install() { apt_ensure nginx nginx-light; }

# servers PORT REPLICAS: the upstream's server lines, one per replica (port + 100 per replica,
# deploy/local/lib.sh), joined for sed.
servers() {
  local r out=""
  for ((r = 0; r < $2; r++)); do
    out="$out${out:+\\n        }server 127.0.0.1:$(($1 + 100 * r)) max_fails=0;"
  done
  echo "$out"
}

render() {
  mkdir -p "$DATA/nginx/tmp" "$DATA/logs"
  sed -e "s|@DATA@|$DATA|g" -e "s|@DEPLOY@|$ROOT/deploy|g" \
      -e "s|@GATEWAY_PORT@|$GATEWAY_PORT|g" \
      -e "s|@ISSUER_SERVERS@|$(servers "$ISSUER_PORT" "$ISSUER_REPLICAS")|g" \
      -e "s|@REDEEMER_SERVERS@|$(servers "$REDEEMER_PORT" "$REDEEMER_REPLICAS")|g" \
      -e "s|@NOTIFIER_SERVERS@|$(servers "$NOTIFIER_PORT" "$NOTIFIER_REPLICAS")|g" \
      -e "s|@STATS_PORT@|$STATS_PORT|g" \
      "$ROOT/deploy/nginx/nginx.conf.template" > "$CONF"
  echo "$CONF"
}

# -p sets the prefix (relative paths), -e the early error log: without them nginx
# tries /var/log/nginx before reading our config (fails when not root).
NGINX=(nginx -p "$DATA/nginx/" -e stderr -c "$CONF")

case "${1:-}" in
  install) install ;;
  render) render ;;
  test) install; render >/dev/null; "${NGINX[@]}" -t ;;
  run) install; render >/dev/null; exec "${NGINX[@]}" ;;
  *) echo "usage: $0 install|render|test|run" >&2; exit 2 ;;
esac
