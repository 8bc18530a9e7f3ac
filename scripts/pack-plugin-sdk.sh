#!/usr/bin/env bash
# Packs what a plugin built outside this repository needs into a local folder feed (default artifacts/packages):
# ServerlessDiscovery.Plugins.Sdk, ServerlessDiscovery.Plugins.Conformance and the `dotnet new sd-plugin` template
# (ServerlessDiscovery.Plugins.Templates), all at the SDK version in plugins/ServerlessDiscovery.Plugins.Sdk/Version.props.
# Use the feed with `dotnet new install <feed>/ServerlessDiscovery.Plugins.Templates.<version>.nupkg` and a nuget.config
# source pointing at the folder (README of the SDK, "Writing a plugin").
# Environment: SD_PACKAGES_OUT (the feed folder).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=${SD_PACKAGES_OUT:-$root/artifacts/packages}
case "$out" in /*) ;; *) out="$root/$out" ;; esac
mkdir -p "$out"

started=$SECONDS
for project in plugins/ServerlessDiscovery.Plugins.Sdk tests/ServerlessDiscovery.Plugins.Conformance plugins/ServerlessDiscovery.Plugins.Templates; do
  echo "== pack $project"
  dotnet pack "$project" -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly
done
echo "== $out in $((SECONDS - started))s"
ls -1 "$out"/ServerlessDiscovery.Plugins.*.nupkg
