#!/usr/bin/env bash
# Scan write-path benchmark against a private in-memory Azurite: first scan of N assets (default 10000),
# unchanged re-scan, 1 % changed, and a naive one-upsert-per-asset writer for comparison.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_tools "$root"
start_bench_azurite "$root"
dotnet run -c Release --project tests/ServerlessDiscovery.Benchmarks/ServerlessDiscovery.Benchmarks.csproj -- inventory "${1:-10000}"
