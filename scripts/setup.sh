#!/usr/bin/env bash
# make setup: take a Debian/Ubuntu machine to a state where cloudseal can run and be tested.
#  1. install what is missing with apt (only what is missing; with CLOUDSEAL_SETUP_FOR=test,
#     as `make test` sets it, also chromium and node for the browser tests);
#  2. a private PostgreSQL cluster under .local/pg (unless DATABASE_URL is set);
#  3. a SoftHSM2 token under .local/hsm (unless CLOUDSEAL_HSM__MODULE is set);
#  4. .local/cloudseal.toml and .local/env for `make run` and `make test`.
# Idempotent: a second run only checks and starts what is stopped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
local_dir="$root/.local"
mkdir -p "$local_dir"
chmod 700 "$local_dir"

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $* (install sudo or run as root)"; fi
}

# ---- 1. packages ------------------------------------------------------------------------
pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
  return 1
}
missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
command -v cc >/dev/null || missing+=(build-essential)
if [ -z "${CLOUDSEAL_HSM__MODULE:-}" ]; then
  command -v softhsm2-util >/dev/null || missing+=(softhsm2)
fi
command -v pkcs11-tool >/dev/null || missing+=(opensc)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v unzip >/dev/null || missing+=(unzip)
if [ -z "${DATABASE_URL:-}" ]; then
  pg_bin >/dev/null || missing+=(postgresql)
fi
command -v psql >/dev/null || missing+=(postgresql-client)
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ "${CLOUDSEAL_SETUP_FOR:-}" = test ]; then
  # The cabinet's browser tests: Debian's chromium driven by playwright-core under node.
  command -v chromium >/dev/null || missing+=(chromium)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing: ${missing[*]}; this script installs them on Debian/Ubuntu only — install them with your package manager and run again"
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs) and run again"

# ---- 2. PostgreSQL ----------------------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  log "using DATABASE_URL from the environment"
  admin_url=$DATABASE_URL
else
  bin=$(pg_bin) || die "PostgreSQL server binaries not found"
  pg_home="$local_dir/pg"
  run_pg=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: run the cluster as Debian's 'postgres' user.
    id postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' user to run the cluster"
    run_pg=(runuser -u postgres --)
    chmod 711 "$local_dir"
    if ! runuser -u postgres -- test -x "$local_dir" 2>/dev/null; then
      # The checkout is not reachable by 'postgres' (e.g. under /root): keep the cluster in
      # a private directory of its own and point .local/pg at it.
      alt="/var/tmp/cloudseal-pg-$(printf '%s' "$root" | sha256sum | cut -c1-12)"
      mkdir -p "$alt"
      [ -L "$pg_home" ] || { rm -rf "$pg_home"; ln -s "$alt" "$pg_home"; }
      pg_home=$alt
    fi
    mkdir -p "$pg_home"
    chown postgres: "$pg_home"
    chmod 700 "$pg_home"
  fi
  mkdir -p "$pg_home"
  pgdata="$pg_home/data"
  if [ ! -s "$pg_home/port" ]; then
    port=$(python3 - <<'PY' 2>/dev/null || echo 54329
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
)
    echo "$port" > "$pg_home/port"
  fi
  port=$(cat "$pg_home/port")
  if [ ! -s "$pg_home/owner-password" ]; then
    (umask 077; openssl rand -hex 16 > "$pg_home/owner-password"; openssl rand -hex 16 > "$pg_home/app-password")
  fi
  owner_pw=$(cat "$pg_home/owner-password")
  app_pw=$(cat "$pg_home/app-password")
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $pgdata (port $port)"
    pwfile=$(mktemp); echo "$owner_pw" > "$pwfile"
    [ ${#run_pg[@]} -gt 0 ] && chown postgres: "$pwfile"
    "${run_pg[@]}" "$bin/initdb" -D "$pgdata" -U cloudseal --pwfile="$pwfile" \
      --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    mkdir -p "$pg_home/run"
    [ ${#run_pg[@]} -gt 0 ] && chown postgres: "$pg_home/run"
    cat >> "$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg_home/run'
max_connections = 300
shared_buffers = 256MB
CONF
  fi
  if ! "${run_pg[@]}" "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$port"
    "${run_pg[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$pg_home/postgres.log" -w -t 60 start >/dev/null
  fi
  admin_url="postgres://cloudseal:$owner_pw@127.0.0.1:$port/postgres"
fi

# The runtime group role (granted by migrations) and the login role the server runs as.
psql_admin() { psql "$admin_url" -v ON_ERROR_STOP=1 -qAt "$@"; }
app_pw=${app_pw:-${CLOUDSEAL_APP_PASSWORD:-cloudseal-app}}
psql_admin >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudseal_runtime') THEN
    CREATE ROLE cloudseal_runtime NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudseal_app') THEN
    CREATE ROLE cloudseal_app LOGIN IN ROLE cloudseal_runtime;
  END IF;
END \$\$;
ALTER ROLE cloudseal_app PASSWORD '$app_pw';
SQL
if [ "$(psql_admin -c "SELECT count(*) FROM pg_database WHERE datname = 'cloudseal'")" = 0 ]; then
  psql_admin -c "CREATE DATABASE cloudseal" >/dev/null
fi
owner_db_url=$(printf '%s' "$admin_url" | sed -E 's|/[^/?]*(\?.*)?$|/cloudseal\1|')
app_db_url=$(printf '%s' "$owner_db_url" | sed -E "s|//[^@]*@|//cloudseal_app:$app_pw@|")

# ---- 3. HSM -----------------------------------------------------------------------------
if [ -n "${CLOUDSEAL_HSM__MODULE:-}" ]; then
  log "using the PKCS#11 module $CLOUDSEAL_HSM__MODULE from the environment"
  hsm_module=$CLOUDSEAL_HSM__MODULE
  hsm_token=${CLOUDSEAL_HSM__TOKEN_LABEL:?set CLOUDSEAL_HSM__TOKEN_LABEL with CLOUDSEAL_HSM__MODULE}
  hsm_pin_file=${CLOUDSEAL_HSM__PIN_FILE:?set CLOUDSEAL_HSM__PIN_FILE with CLOUDSEAL_HSM__MODULE}
  hsm_conf=${SOFTHSM2_CONF:-}
else
  hsm_module=/usr/lib/softhsm/libsofthsm2.so
  [ -e "$hsm_module" ] || hsm_module=$(find /usr/lib /usr/local/lib -name libsofthsm2.so 2>/dev/null | head -n1)
  [ -n "$hsm_module" ] || die "libsofthsm2.so not found"
  "$root/hsm-config/init-token.sh" "$local_dir/hsm" cloudseal
  hsm_token=cloudseal
  hsm_pin_file="$local_dir/hsm/user-pin"
  hsm_conf="$local_dir/hsm/softhsm2.conf"
fi

# ---- 4. configuration -------------------------------------------------------------------
umask 077
cat > "$local_dir/cloudseal.toml" <<TOML
# Written by scripts/setup.sh for this checkout; secrets stay in files beside it.
[server]
bind = "127.0.0.1:8080"
public_url = "http://127.0.0.1:8080"

[database]
url = "$app_db_url"
migrate_url = "$owner_db_url"

[hsm]
module = "$hsm_module"
token_label = "$hsm_token"
pin_file = "$hsm_pin_file"

[notify.sms]
provider = "outbox"

[notify.email]
provider = "outbox"
from = "cloudseal <no-reply@cloudseal.local>"

# The state registries cannot be reached from a development machine: make run starts
# \`cloudseal registry serve-local\` here (same wire format, demo data).
[registries]
url = "http://127.0.0.1:8091"
TOML
cat > "$local_dir/env" <<ENV
export SOFTHSM2_CONF='$hsm_conf'
export CLOUDSEAL_CONFIG='$local_dir/cloudseal.toml'
export CLOUDSEAL_TEST_ADMIN_URL='$admin_url'
export CLOUDSEAL_TEST_APP_PASSWORD='$app_pw'
export CLOUDSEAL_TEST_HSM_MODULE='$hsm_module'
ENV
log "ready (config: .local/cloudseal.toml)"
