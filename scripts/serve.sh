#!/usr/bin/env bash
# Part of make run: the local registry gateway (development stand-in for the state
# registries) in the background, then the server; stopping the server stops both.
set -euo pipefail
bin=${1:-target/debug/cloudseal}
"$bin" registry serve-local --bind 127.0.0.1:8091 &
registry=$!
trap 'kill "$registry" 2>/dev/null || true' EXIT
"$bin" serve
