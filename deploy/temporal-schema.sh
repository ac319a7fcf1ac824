#!/bin/sh
# One-shot step of docker-compose.yml (temporalio/admin-tools): creates Temporal's two databases if
# missing and brings their schemas to the versions this admin-tools release ships (the same release
# as the server image). Safe to run again: create and setup-schema leave what exists, update-schema
# applies only the versions not yet applied. docs/operations.md: "Upgrading Temporal".
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
export SQL_PASSWORD="$POSTGRES_PWD"
PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT ..."
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do sleep 2; done

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"; }
for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  dir="${pair##*:}"
  sql --db "$db" create || echo "database $db exists"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$SCHEMA/$dir/versioned"
done
echo "Temporal schema ready"
