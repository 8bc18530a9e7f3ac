#!/usr/bin/env bash
# Dashboard benchmark: the real built app on a private in-memory Azurite (tables and queues), an estate of N LiteLLM
# deployments (default 10000) scanned from a loopback LiteLLM proxy, and Debian's chromium driven by Playwright. Prints
# the time to a usable overview and inventory (cold and warm), inventory scroll frame times, the API calls each view
# makes, and the gzipped size of the shipped files.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_tools "$root"
ensure_chromium
dotnet build functions/ServerlessDiscovery.Functions -c Release -nologo -v quiet -clp:ErrorsOnly

port=$(free_port)
queue_port=$(free_port)
while [ "$queue_port" = "$port" ]; do queue_port=$(free_port); done
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
table_pid=$!
node_modules/.bin/azurite-queue --queueHost 127.0.0.1 --queuePort "$queue_port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
queue_pid=$!
trap 'stop_process "$table_pid"; stop_process "$queue_pid"' EXIT
wait_for_port "$port" 60
wait_for_port "$queue_port" 60
export SD_TEST_TABLE_CONNECTION SD_TEST_QUEUE_CONNECTION SD_TEST_REPO_ROOT="$root"
SD_TEST_TABLE_CONNECTION=$(azurite_table_connection "$port")
SD_TEST_QUEUE_CONNECTION=$(azurite_queue_connection "$queue_port")
dotnet run -c Release --project tests/ServerlessDiscovery.Benchmarks/ServerlessDiscovery.Benchmarks.csproj -- ui "${1:-10000}"
