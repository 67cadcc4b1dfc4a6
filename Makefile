# cloudseal — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
BIN := target/debug/cloudseal

.PHONY: setup run test bench fuzz lint fmt stop openapi clean-local

## Install what is missing, provision PostgreSQL and SoftHSM under .local/ (idempotent).
setup:
	@scripts/setup.sh

## Set up, build, migrate, provision the HSM keys, and serve on http://127.0.0.1:8080.
run: setup
	cargo build --bin cloudseal
	@source .local/env && $(BIN) migrate && $(BIN) hsm init && scripts/demo.sh $(BIN) && scripts/serve.sh $(BIN)

## Set up (with the test tools: chromium, node) and run the whole suite against a fresh
## SoftHSM token.
test:
	@CLOUDSEAL_SETUP_FOR=test scripts/setup.sh
	@scripts/test.sh

## Benchmarks (figures for the issue notes; never run by CI).
bench: setup
	@scripts/bench.sh

## Fuzz the parsers of outside input for FUZZ_SECS seconds (default 300; never run by CI).
fuzz:
	@scripts/fuzz.sh

## Formatting and clippy, warnings as errors.
lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

fmt:
	cargo fmt --all

## Regenerate openapi/openapi.yaml from the handlers.
openapi:
	cargo run --quiet --bin cloudseal -- openapi > openapi/openapi.yaml

## Stop the private PostgreSQL cluster.
stop:
	@scripts/stop.sh
