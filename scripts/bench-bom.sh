#!/usr/bin/env bash
# CycloneDX export benchmark against a private in-memory Azurite: an estate of N assets (default 10000) written
# through the inventory writer, then exported whole (first, unchanged, 1.6), per instance and for one agent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_tools "$root"
port=$(free_port)
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
azurite_pid=$!
trap 'kill $azurite_pid 2>/dev/null || true' EXIT
wait_for_port "$port" 60
SD_TEST_TABLE_CONNECTION=$(azurite_table_connection "$port") \
  dotnet run -c Release --project tests/ServerlessDiscovery.Benchmarks/ServerlessDiscovery.Benchmarks.csproj -- bom "${1:-10000}"
