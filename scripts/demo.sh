#!/usr/bin/env bash
# Part of make run: print how to reach the demo. Accounts (and so demo logins) arrive with the
# identity capability; until then the server has no sign-in and this says so plainly.
set -euo pipefail
cat <<MSG

cloudseal is starting on http://127.0.0.1:8080
  API documentation  http://127.0.0.1:8080/api/docs
  readiness          http://127.0.0.1:8080/readyz
  SMS and email sent by the service: target/debug/cloudseal outbox list (after: source .local/env)
Demo logins: none yet — accounts and sign-in are not built (identity and access is the next capability).

MSG
