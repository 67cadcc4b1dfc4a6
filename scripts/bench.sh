#!/usr/bin/env bash
# make bench: benchmarks against the private cluster and the development token (hsm init'd).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source .local/env
cargo build --quiet --bin cloudseal
target/debug/cloudseal hsm init >/dev/null
echo "raw limits on this machine (openssl, one thread):"
openssl speed -seconds 3 ecdsap256 rsa2048 rsa3072 ed25519 2>/dev/null | grep -E '^ *(sign|[0-9]+ bits|253 bits)|ecdsa|rsa|ed25519' | tail -8
cargo bench --bench vault_sign
cargo bench --bench cms_verify
cargo bench --bench audit_append -- "$@"
cargo bench --bench login
cargo bench --bench document_upload
cargo bench --bench signing_load
