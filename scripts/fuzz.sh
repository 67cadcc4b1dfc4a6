#!/usr/bin/env bash
# make fuzz: seed a corpus with real structures made by openssl (a CMS signature, a
# certificate, a PKCS#10 request, an RFC 3161 query, an OCSP request — each behind the byte
# that picks its parser) and fuzz every external-input parser for FUZZ_SECS seconds (300).
# cargo fuzz wants nightly features; RUSTC_BOOTSTRAP lets the one stable toolchain here build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECS:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
corpus="$root/fuzz/corpus/parsers"
mkdir -p "$corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem 2>/dev/null
openssl req -new -x509 -key key.pem -subj "/CN=fuzz seed/C=RU" -days 2 -outform DER -out cert.der
openssl req -new -key key.pem -subj "/CN=fuzz seed" -outform DER -out req.der
echo "seed document" > doc.txt
openssl cms -sign -binary -in doc.txt -signer <(openssl x509 -inform DER -in cert.der) \
  -inkey key.pem -outform DER -out sig.der
openssl ts -query -data doc.txt -sha256 -cert -out tsq.der 2>/dev/null
openssl ocsp -issuer <(openssl x509 -inform DER -in cert.der) \
  -cert <(openssl x509 -inform DER -in cert.der) -reqout ocsp.der -no_nonce 2>/dev/null
n=0
for f in sig.der cert.der req.der tsq.der ocsp.der; do
  { printf "\\x$(printf %02x $n)"; cat "$f"; } > "$corpus/seed-$f"
  n=$((n + 1))
done
cd "$root/fuzz"
RUSTC_BOOTSTRAP=1 cargo fuzz run parsers "$corpus" -- -max_total_time="$secs" -rss_limit_mb=4096
