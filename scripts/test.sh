#!/usr/bin/env bash
# Runs every test: builds the solution, starts a private in-memory Azurite (tables and queues) on free ports,
# runs `dotnet test` for the whole solution, stops Azurite, and exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
started=$SECONDS

ensure_node_tools "$root"
ensure_chromium
echo "== build"
dotnet build ServerlessDiscovery.sln -c Release -nologo -v quiet -clp:ErrorsOnly

port=$(free_port)
queue_port=$(free_port)
while [ "$queue_port" = "$port" ]; do queue_port=$(free_port); done
workdir=$(mktemp -d)
echo "== azurite (tables on 127.0.0.1:$port, queues on 127.0.0.1:$queue_port, in memory)"
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --silent >"$workdir/azurite.log" 2>&1 &
azurite_pid=$!
node_modules/.bin/azurite-queue --queueHost 127.0.0.1 --queuePort "$queue_port" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --silent >"$workdir/azurite-queue.log" 2>&1 &
azurite_queue_pid=$!
cleanup() {
  stop_process "$azurite_pid"
  stop_process "$azurite_queue_pid"
  rm -rf "$workdir"
}
trap cleanup EXIT
wait_for_port "$port" 60
wait_for_port "$queue_port" 60

export SD_TEST_TABLE_CONNECTION SD_TEST_QUEUE_CONNECTION
SD_TEST_TABLE_CONNECTION=$(azurite_table_connection "$port")
SD_TEST_QUEUE_CONNECTION=$(azurite_queue_connection "$queue_port")
export SD_TEST_REPO_ROOT="$root"

echo "== test"
set +e
dotnet test ServerlessDiscovery.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$workdir/test.log"
status=${PIPESTATUS[0]}
set -e

total() { grep -oE "$1: +[0-9]+" "$workdir/test.log" | awk '{ s += $2 } END { print s + 0 }'; }
passed=$(total Passed)
failed=$(total Failed)
echo "== done in $((SECONDS - started))s"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
