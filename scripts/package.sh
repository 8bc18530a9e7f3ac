#!/usr/bin/env bash
# Builds the deployment package artifacts/serverlessdiscovery.zip:
#   host.json, one folder per function (each folder under functions/ that holds a function.json),
#   and app/ with the self-contained linux-x64 ReadyToRun executable app/ServerlessDiscovery.
# The zip keeps unix modes (Info-ZIP), so app/ServerlessDiscovery stays executable: the Functions host
# runs it from a read-only folder and cannot chmod it.
# Environment: SD_PACKAGE_OUT (zip path, default artifacts/serverlessdiscovery.zip),
#              SD_PACKAGE_BUILD_DIR (intermediate build output, default artifacts/build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

out=${SD_PACKAGE_OUT:-$root/artifacts/serverlessdiscovery.zip}
build=${SD_PACKAGE_BUILD_DIR:-$root/artifacts/build}
case "$out" in /*) ;; *) out="$root/$out" ;; esac
case "$build" in /*) ;; *) build="$root/$build" ;; esac

if ! command -v zip >/dev/null 2>&1; then
  echo "zip is not installed; installing it with apt-get." >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "Run as root or install the 'zip' package first." >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zip >/dev/null
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

started=$SECONDS
echo "== publish (Release, linux-x64, self-contained, ReadyToRun)"
# --artifacts-path keeps this build's bin/obj apart from the developer's Debug build of the same projects.
dotnet publish functions/ServerlessDiscovery.Functions -c Release -r linux-x64 --self-contained \
  -p:PublishReadyToRun=true --artifacts-path "$build" -o "$stage/app" -nologo -v quiet -clp:ErrorsOnly
echo "   published in $((SECONDS - started))s"

exe="$stage/app/ServerlessDiscovery"
[ -f "$exe" ] || { echo "Publish produced no $exe." >&2; exit 1; }
chmod 755 "$exe"
# Debug symbols are not needed to run and make the package larger.
find "$stage/app" -name '*.pdb' -delete

cp functions/host.json "$stage/host.json"
functions=()
for json in functions/*/function.json; do
  name=$(basename "$(dirname "$json")")
  mkdir -p "$stage/$name"
  cp "$json" "$stage/$name/function.json"
  functions+=("$name")
done
[ ${#functions[@]} -gt 0 ] || { echo "No function folders (functions/*/function.json) found." >&2; exit 1; }

mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$stage" && zip -q -r -X "$out" host.json app "${functions[@]}")
size=$(du -k "$out" | cut -f1)
echo "== $out (${size} KiB; functions: ${functions[*]}) in $((SECONDS - started))s"
