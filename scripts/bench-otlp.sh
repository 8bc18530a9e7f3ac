#!/usr/bin/env bash
# OTLP ingestion micro-benchmarks (parse + normalise + asset extraction, no I/O), Release, BenchmarkDotNet short job.
# Spans/s on one core = 1e9 / Mean(ns) (each operation is one span: batches of 512, OperationsPerInvoke = 512).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project tests/ServerlessDiscovery.Benchmarks/ServerlessDiscovery.Benchmarks.csproj -- \
  --filter '*OtlpIngestBenchmarks*' --job short --affinity 1 "$@"
