#!/usr/bin/env bash
# Runs the service locally in standalone mode: installs and starts Azurite if needed (tables for the inventory, the
# deliveries queue for webhooks), creates local.settings.json from the sample if missing, starts the app, and stops
# Azurite when the app stops.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

ensure_node_tools "$root"
[ -f local.settings.json ] || { cp local.settings.sample.json local.settings.json; echo "Created local.settings.json from local.settings.sample.json."; }

azurite_pid=""
if port_open 10002 && port_open 10001; then
  echo "Table and Queue Storage are already listening on 127.0.0.1:10002 and :10001; using them."
else
  mkdir -p .azurite
  node_modules/.bin/azurite --silent --location .azurite --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >.azurite/azurite.log 2>&1 &
  azurite_pid=$!
  wait_for_port 10002 60
  wait_for_port 10001 60
  echo "Azurite started (blob 10000, queue 10001, table 10002; data in .azurite/)."
fi
cleanup() {
  if [ -n "$azurite_pid" ]; then
    stop_process "$azurite_pid"
    azurite_pid=""
    echo "Azurite stopped."
  fi
}
trap cleanup EXIT INT TERM

url=$(URLS="${URLS:-}" node -e '
const fs=require("fs");
const v=(JSON.parse(fs.readFileSync("local.settings.json","utf8")).Values)||{};
console.log((process.env.URLS||v.URLS||"http://localhost:7071").split(";")[0]);')
echo "ServerlessDiscovery: $url  (health $url/healthz, ready $url/readyz, API $url/api/v1/, OTLP $url/v1/traces)"
dotnet build functions/ServerlessDiscovery.Functions -c Release -nologo -v quiet -clp:ErrorsOnly
# The built DLL, not `dotnet run`: the Functions Worker SDK turns `dotnet run` into Core Tools (`func start`), which are
# not installed here. Without the Functions host's --functions-uri argument the app runs standalone.
# Run from the repository root so the app finds local.settings.json here.
dotnet functions/ServerlessDiscovery.Functions/bin/Release/net10.0/ServerlessDiscovery.dll "$@"
