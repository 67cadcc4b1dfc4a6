#!/usr/bin/env bash
# make test: one fresh SoftHSM token directory for this run, then the suite (lint first, so
# that formatting or clippy regressions fail the build like a failing test).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source .local/env
if [ -z "${CLOUDSEAL_HSM__MODULE:-}" ]; then
  rm -rf .local/hsm-test
  hsm-config/init-token.sh "$root/.local/hsm-test" cloudseal-test >/dev/null
  hsm-config/init-token.sh "$root/.local/hsm-test" cloudseal-scratch >/dev/null
  hsm-config/init-token.sh "$root/.local/hsm-test" cloudseal-fault >/dev/null
  hsm-config/init-token.sh "$root/.local/hsm-test" cloudseal-rotate >/dev/null
  export SOFTHSM2_CONF="$root/.local/hsm-test/softhsm2.conf"
  export CLOUDSEAL_TEST_HSM_TOKEN=cloudseal-test
  export CLOUDSEAL_TEST_HSM_SCRATCH_TOKEN=cloudseal-scratch
  export CLOUDSEAL_TEST_HSM_FAULT_TOKEN=cloudseal-fault
  export CLOUDSEAL_TEST_HSM_ROTATE_TOKEN=cloudseal-rotate
  export CLOUDSEAL_TEST_HSM_PIN_FILE="$root/.local/hsm-test/user-pin"
else
  export CLOUDSEAL_TEST_HSM_MODULE=$CLOUDSEAL_HSM__MODULE
  export CLOUDSEAL_TEST_HSM_TOKEN=$CLOUDSEAL_HSM__TOKEN_LABEL
  export CLOUDSEAL_TEST_HSM_PIN_FILE=$CLOUDSEAL_HSM__PIN_FILE
fi
# pyHanko (pinned, from PyPI) in a venv under .local for the CSC interoperability test.
venv="$root/.local/pyhanko"
requirements="$root/tests/pyhanko/requirements.txt"
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi
export CLOUDSEAL_TEST_PYTHON="$venv/bin/python"
# playwright-core (pinned by tests/e2e/package-lock.json, from the npm registry) for the
# cabinet's browser test; it drives Debian's chromium, never a downloaded browser.
e2e="$root/tests/e2e"
if ! cmp -s "$e2e/package-lock.json" "$e2e/node_modules/.cloudseal-lock"; then
  (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp "$e2e/package-lock.json" "$e2e/node_modules/.cloudseal-lock"
fi
export CLOUDSEAL_TEST_CHROMIUM="$(command -v chromium)"
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --lib --test api -- "$@"
