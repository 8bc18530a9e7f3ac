#!/usr/bin/env bash
# Builds the deployment package artifacts/serverlessdiscovery.zip: the framework-dependent Release publish of
# functions/ServerlessDiscovery.Functions (what `azd deploy` publishes too), zipped from inside the publish folder
# so host.json, functions.metadata, worker.config.json, .azurefunctions/ and ServerlessDiscovery.dll sit at the
# zip's root. The dotnet-isolated runtime on the host runs it with its own .NET: no self-contained publish, no
# runtime identifier, no executable bit to keep.
# It publishes from the project's own Release build (no runtime identifier, so the same restore and obj/ as
# `dotnet build -c Release`): after scripts/test.sh or a Release build it only copies and zips.
# Environment: SD_PACKAGE_OUT (zip path, default artifacts/serverlessdiscovery.zip).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
# The dashboard's cytoscape comes from node_modules into the publish output.
ensure_node_tools "$root"

project=functions/ServerlessDiscovery.Functions
out=${SD_PACKAGE_OUT:-$root/artifacts/serverlessdiscovery.zip}
case "$out" in /*) ;; *) out="$root/$out" ;; esac

if ! command -v zip >/dev/null 2>&1; then
  echo "zip is not installed; install the 'zip' package (apt-get install zip)." >&2
  exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

started=$SECONDS
echo "== publish $project (Release, framework-dependent)"
dotnet publish "$project" -c Release -o "$stage" -nologo -v quiet -clp:ErrorsOnly
echo "   published in $((SECONDS - started))s"

# What the Functions host reads at the root of the app folder (the Worker SDK generates functions.metadata,
# worker.config.json and .azurefunctions/), and the dashboard the app serves at /ui/.
for required in host.json functions.metadata worker.config.json .azurefunctions wwwroot/ui/index.html wwwroot/ui/vendor/cytoscape.esm.min.js; do
  if [ ! -e "$stage/$required" ]; then
    echo "The publish output has no $required: $project must build with Microsoft.Azure.Functions.Worker.Sdk (and copy host.json and the dashboard's wwwroot/ui to its output)." >&2
    exit 1
  fi
done

mkdir -p "$(dirname "$out")"
rm -f "$out"
# From inside the folder, with dot-files: the zip's root is the app folder.
(cd "$stage" && zip -q -r -X "$out" .)
size=$(du -k "$out" | cut -f1)
echo "== $out (${size} KiB) in $((SECONDS - started))s"
