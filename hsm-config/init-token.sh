#!/usr/bin/env bash
# Provision a SoftHSM2 token directory: config from the template, one token with the given
# label, random SO and user PINs kept in files readable only by their owner.
# Usage: hsm-config/init-token.sh DIR LABEL
# Idempotent: an existing token with that label is kept.
set -euo pipefail
dir=$1 label=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir/tokens"
chmod 700 "$dir"
sed "s|@TOKENDIR@|$dir/tokens|" "$here/softhsm2.conf.template" > "$dir/softhsm2.conf"
export SOFTHSM2_CONF="$dir/softhsm2.conf"
if softhsm2-util --show-slots 2>/dev/null | grep -Eq "Label:[[:space:]]+$label[[:space:]]*$"; then
  exit 0
fi
umask 077
[ -s "$dir/so-pin" ] || openssl rand -hex 16 > "$dir/so-pin"
[ -s "$dir/user-pin" ] || openssl rand -hex 16 > "$dir/user-pin"
softhsm2-util --init-token --free --label "$label" \
  --so-pin "$(cat "$dir/so-pin")" --pin "$(cat "$dir/user-pin")" >/dev/null
echo "setup: SoftHSM token '$label' created in $dir"
