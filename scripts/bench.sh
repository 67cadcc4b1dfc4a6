#!/usr/bin/env bash
# make bench: benchmarks against the private cluster and the development token (hsm init'd).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source .local/env
cargo build --quiet --bin cloudseal
target/debug/cloudseal hsm init >/dev/null
cargo bench --bench vault_sign
cargo bench --bench cms_verify
cargo bench --bench audit_append -- "$@"
