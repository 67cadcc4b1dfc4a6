#!/bin/sh
# PostgreSQL container init (docker-compose.yml): the runtime roles cloudseal expects.
set -e
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
CREATE ROLE cloudseal_runtime NOLOGIN;
CREATE ROLE cloudseal_app LOGIN IN ROLE cloudseal_runtime PASSWORD '$(cat /run/secrets/db-app)';
SQL
