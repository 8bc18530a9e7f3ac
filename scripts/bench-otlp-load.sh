#!/usr/bin/env bash
# End-to-end OTLP load: the app (Release, standalone) with a private Azurite, a load generator sending
# protobuf batches of 512 GenAI spans over keep-alive HTTP for SECONDS (default 60) from SENDERS (default 8).
# Every 200 is durable (its observations are in the OTLP journal table before the answer).
# Prints spans/s, latency percentiles, the Table writes the app's journal drains made, and the app's working set.
# Every request carries fresh trace ids, as live traffic does, so the app's trace attributor fills to its bounds.
# The app runs as the Release build output under `dotnet`: the same framework-dependent IL assemblies as the deployment
# package (scripts/package.sh; no ReadyToRun, which measured larger), standalone, without the Functions host.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
seconds=${1:-60}
senders=${2:-8}
ensure_node_tools "$root"
dotnet build ServerlessDiscovery.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
work=$(mktemp -d)
table_port=$(free_port)
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$table_port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
azurite_pid=$!
queue_port=$(free_port)
node_modules/.bin/azurite-queue --queueHost 127.0.0.1 --queuePort "$queue_port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
azurite_queue_pid=$!
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; kill "$azurite_pid" "$azurite_queue_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
wait_for_port "$table_port" 60
wait_for_port "$queue_port" 60
app_port=$(free_port)
(cd "$work" && Storage__ConnectionString=$(azurite_table_connection "$table_port") \
  AzureWebJobsStorage=$(azurite_queue_connection "$queue_port") \
  Secrets__EncryptionKey=$(head -c 32 /dev/urandom | base64) URLS="http://127.0.0.1:$app_port" \
  Otlp__FlushInterval="${FLUSH:-00:00:10}" DISCOVERY_TICK="0 0 0 1 1 *" \
  exec dotnet "$root/functions/ServerlessDiscovery.Functions/bin/Release/net10.0/ServerlessDiscovery.dll" >"$work/app.log" 2>&1) &
app_pid=$!
wait_for_port "$app_port" 60
echo "app pid $app_pid on 127.0.0.1:$app_port, Azurite tables on $table_port, ${seconds}s, $senders senders"
# Sample the app's resident set once a second while the load runs (steady state = after the first 10 s).
( while kill -0 "$app_pid" 2>/dev/null; do awk '/VmRSS/ { print $2 }' "/proc/$app_pid/status" >>"$work/rss"; sleep 1; done ) &
sampler=$!
dotnet tests/ServerlessDiscovery.Benchmarks/bin/Release/net10.0/ServerlessDiscovery.Benchmarks.dll otlp-load "http://127.0.0.1:$app_port/" "$seconds" "$senders"
kill "$sampler" 2>/dev/null || true
steady=$(tail -n +11 "$work/rss" | sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "median %d MiB, max %d MiB over %d samples", a[int((NR + 1) / 2)] / 1024, a[NR] / 1024, NR }')
# Where the resident set is at the end of the load, by mapping: managed assemblies, native libraries, the executable
# memory the runtime double-maps (jitted code, stubs, loader heaps), and anonymous memory (the GC heap, native heaps, stacks).
breakdown=$(awk '
  /^[0-9a-f]+-[0-9a-f]+ / { path = (NF >= 6) ? $6 : ""; next }
  /^Rss:/ {
    kind = path ~ /\.dll$/ ? "assemblies" : path ~ /\.so/ ? "native libraries" : path ~ /doublemapper/ ? "code and loader heaps" \
      : (path == "" || path == "[heap]") ? "anonymous" : "other"
    kb[kind] += $2
  }
  END { for (k in kb) printf "%s %d MiB, ", k, kb[k] / 1024 }' "/proc/$app_pid/smaps" | sed 's/, $//')
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$app_pid/status")
rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$app_pid/status")
kill -INT "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
writes=$(grep -oE '[0-9]+ entity writes' "$work/app.log" | awk '{ s += $1 } END { print s + 0 }')
flushes=$(grep -c 'entity writes' "$work/app.log" || true)
echo "table writes by $flushes drains (shutdown drain included): $writes"
echo "journal: one entity write per acknowledged request (the 200s above) before its answer, and one delete after its drain"
echo "app working set under load (after 10 s): $steady"
echo "app working set: peak $((peak_kb / 1024)) MiB (VmHWM, start-up included), at end $((rss_kb / 1024)) MiB"
echo "app resident set at the end of the load, by mapping: $breakdown"
