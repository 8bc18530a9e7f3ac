#!/usr/bin/env bash
# Resolution of trace-derived identities to declared assets, inside the protobuf ingest path (no I/O), against an
# index of 10,000 declared assets; Release, BenchmarkDotNet short job, one core. Spans/s = 1e9 / Mean(ns) for
# Protobuf (baseline) and ProtobufWithResolution; IndexBuild is ns per declared asset indexed.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project tests/ServerlessDiscovery.Benchmarks/ServerlessDiscovery.Benchmarks.csproj -- \
  --filter '*ResolutionBenchmarks*' --job short --affinity 1 "$@"
