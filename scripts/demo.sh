#!/usr/bin/env bash
# Part of make run: create the demo accounts where absent and print how to reach the demo.
set -euo pipefail
bin=${1:-target/debug/cloudseal}
cat <<MSG

cloudseal is starting on http://127.0.0.1:8080
  API documentation  http://127.0.0.1:8080/api/docs
  readiness          http://127.0.0.1:8080/readyz
  SMS and email sent by the service: $bin outbox list (after: source .local/env)
Log in: POST /api/v1/auth/login {"login": <email>, "password": …}, then POST /api/v1/auth/login/verify
with the SMS code from the outbox list.
MSG
"$bin" admin seed-demo
echo
