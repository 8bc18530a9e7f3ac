#!/usr/bin/env bash
# Start-up of the standalone app: process start to the first /healthz 200 and to the first /readyz 200 (Table Storage
# answered), RUNS times (default 5) for each build: the Release build as it is (JIT) and a ReadyToRun
# framework-dependent publish of the same project. Each run starts a fresh process against a private Azurite.
# The poll that detects the answer runs every 10 ms, so each figure is that much coarse.
# Usage: scripts/bench-startup.sh [runs]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
runs=${1:-5}
case "$runs" in '' | *[!0-9]*) echo "runs must be a whole number, not '$runs'." >&2; exit 2 ;; esac
ensure_node_tools "$root"

project=functions/ServerlessDiscovery.Functions
work=$(mktemp -d)
azurite_pids=()
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
  [ "${#azurite_pids[@]}" -gt 0 ] && kill "${azurite_pids[@]}" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build (Release, JIT) and publish (Release, ReadyToRun, framework-dependent)"
dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet publish "$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$work/r2r" -nologo -v quiet -clp:ErrorsOnly >/dev/null
echo "   ReadyToRun publish: $(du -sm "$work/r2r" | cut -f1) MB on disk"

table_port=$(free_port)
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$table_port" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
azurite_pids+=($!)
queue_port=$(free_port)
node_modules/.bin/azurite-queue --queueHost 127.0.0.1 --queuePort "$queue_port" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
azurite_pids+=($!)
wait_for_port "$table_port" 60
wait_for_port "$queue_port" 60
tables=$(azurite_table_connection "$table_port")
queues=$(azurite_queue_connection "$queue_port")
key=$(head -c 32 /dev/urandom | base64)

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Milliseconds from $2 (a start time in ms) until GET $1 answers 200; gives up after 60 s or when process $3 exits.
wait_for_200() {
  local url=$1 started=$2 pid=$3
  while true; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" = 200 ]; then
      echo $(($(now_ms) - started))
      return 0
    fi
    if [ $(($(now_ms) - started)) -gt 60000 ]; then
      echo "no 200 from $url within 60 s" >&2
      return 1
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the app exited before $url answered 200:" >&2
      cat "$work/app.log" >&2
      return 1
    fi
    sleep 0.01
  done
}

measure() {
  local label=$1 dll=$2 healthz=() readyz=() port started i
  for ((i = 1; i <= runs; i++)); do
    port=$(free_port)
    started=$(now_ms)
    (cd "$work" && Storage__ConnectionString="$tables" AzureWebJobsStorage="$queues" Secrets__EncryptionKey="$key" \
      URLS="http://127.0.0.1:$port" DISCOVERY_TICK="0 0 0 1 1 *" exec dotnet "$dll" >"$work/app.log" 2>&1) &
    app_pid=$!
    healthz+=("$(wait_for_200 "http://127.0.0.1:$port/healthz" "$started" "$app_pid")")
    readyz+=("$(wait_for_200 "http://127.0.0.1:$port/readyz" "$started" "$app_pid")")
    kill -INT "$app_pid"
    wait "$app_pid" 2>/dev/null || true
    app_pid=""
  done
  printf '%-12s /healthz %s ms; /readyz %s ms\n' "$label" "$(printf '%s ' "${healthz[@]}" | sed 's/ $//')" "$(printf '%s ' "${readyz[@]}" | sed 's/ $//')"
}

echo "== process start -> first 200, $runs runs each (load average $(cut -d' ' -f1-3 /proc/loadavg))"
measure "JIT" "$root/$project/bin/Release/net10.0/ServerlessDiscovery.dll"
measure "ReadyToRun" "$work/r2r/ServerlessDiscovery.dll"
