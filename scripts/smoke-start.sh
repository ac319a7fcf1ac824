#!/usr/bin/env bash
# Runs the README's `npm start` on a fresh data folder, waits until the API answers healthy,
# prints how long a cold start took, then stops it the way a user would (Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d -t baoxue-smoke-XXXXXX)
log="$data_dir/start.log"
port=${SMOKE_PORT:-3917}
started=$(date +%s%N)

BAOXUE_DATA_DIR="$data_dir" PORT="$port" setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -INT -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT

for _ in $(seq 1 360); do
  if curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then
    elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
    echo "npm start: API healthy after ${elapsed_ms} ms (cold: build, embedded PostgreSQL init, Temporal dev server)"
    curl -fsS "http://127.0.0.1:$port/api/health"; echo
    curl -fsS -o /dev/null -w "Swagger UI /api/docs: HTTP %{http_code}\n" "http://127.0.0.1:$port/api/docs"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.5
done
echo "npm start did not become healthy; its output:" >&2
cat "$log" >&2
exit 1
