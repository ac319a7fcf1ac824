#!/bin/sh
# One-shot step of docker-compose.yml (temporalio/admin-tools), once the server answers: the
# namespace and Baoxue's search attributes, then exits. The API and worker start after it and
# only check that the attributes are there. Safe to run again (existing ones are left as they are).
# The attribute list must match src/temporal/search-attributes.ts (test/deploy/compose.test.ts checks).
set -eu
NS="${TEMPORAL_NAMESPACE:-default}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"

echo "waiting for Temporal at $TEMPORAL_ADDRESS ..."
until temporal operator cluster health >/dev/null 2>&1; do sleep 2; done

if temporal operator namespace describe -n "$NS" >/dev/null 2>&1; then
  echo "namespace $NS exists"
else
  temporal operator namespace create -n "$NS" --retention "${TEMPORAL_NAMESPACE_RETENTION:-30d}"
fi

# name:type, one per line (types as `temporal operator search-attribute create --type` takes them)
ATTRIBUTES="
BaoxueStage:Keyword
BaoxueArea:Keyword
BaoxueSchool:Keyword
BaoxueNextDeadline:Datetime
BaoxuePaused:Bool
"
# A namespace just created takes a few seconds to be known everywhere.
n=0
until existing="$(temporal operator search-attribute list -n "$NS" 2>/dev/null)"; do
  n=$((n + 1)); [ "$n" -lt 30 ] || { temporal operator search-attribute list -n "$NS"; exit 1; }; sleep 2
done
for attribute in $ATTRIBUTES; do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    n=0
    until temporal operator search-attribute create -n "$NS" --name "$name" --type "$type"; do
      n=$((n + 1)); [ "$n" -lt 10 ] || exit 1; sleep 3
    done
  fi
done
echo "Temporal namespace $NS and search attributes ready"
