#!/usr/bin/env bash
# make stop: stop the private PostgreSQL cluster, if this checkout has one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pg_home="$root/.local/pg"
[ -f "$pg_home/data/PG_VERSION" ] || { echo "stop: no private cluster"; exit 0; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n1)
[ -n "$bin" ] || bin=$(dirname "$(command -v pg_ctl)")
run=()
[ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
if "${run[@]}" "$bin/pg_ctl" -D "$pg_home/data" status >/dev/null 2>&1; then
  "${run[@]}" "$bin/pg_ctl" -D "$pg_home/data" -m fast -w stop >/dev/null
  echo "stop: PostgreSQL stopped"
else
  echo "stop: PostgreSQL was not running"
fi
