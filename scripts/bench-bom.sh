#!/usr/bin/env bash
# CycloneDX export benchmark against a private in-memory Azurite: an estate of N assets (default 10000) written
# through the inventory writer, then exported whole (first, unchanged, 1.6), per instance and for one agent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
ensure_node_tools "$root"
start_bench_azurite "$root"
dotnet run -c Release --project tests/ServerlessDiscovery.Benchmarks/ServerlessDiscovery.Benchmarks.csproj -- bom "${1:-10000}"
