# Shared by run.sh and test.sh: install the pinned Azurite, find free ports, wait for a port.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# Installs the packages pinned in package-lock.json (Azurite, the CycloneDX schemas, the dashboard's cytoscape) unless
# they are already there; the app's build copies cytoscape from node_modules, so this runs before any build.
ensure_node_tools() {
  local root=$1
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "Node.js and npm are needed for Azurite; installing them with apt-get." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  if [ ! -x "$root/node_modules/.bin/azurite-table" ] || [ ! -d "$root/node_modules/@cyclonedx/cyclonedx-library/res/schema" ] \
    || [ ! -f "$root/node_modules/cytoscape/dist/cytoscape.esm.min.mjs" ]; then
    echo "Installing Azurite, the CycloneDX schemas and cytoscape (pinned in package-lock.json)..." >&2
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
}

# Prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# True when something accepts connections on 127.0.0.1:$1.
port_open() {
  node -e 'const c=require("net").connect(+process.argv[1],"127.0.0.1");c.on("connect",()=>process.exit(0));c.on("error",()=>process.exit(1));' "$1"
}

# Waits (bounded) until 127.0.0.1:$1 accepts connections; fails after $2 seconds.
wait_for_port() {
  local port=$1 limit=${2:-30} start=$SECONDS
  until port_open "$port"; do
    if (( SECONDS - start >= limit )); then
      echo "Nothing is listening on 127.0.0.1:$port after ${limit}s." >&2
      return 1
    fi
    sleep 0.2
  done
}

# The well-known Azurite account key: public, and accepted only by the emulator.
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
azurite_table_connection() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:$1/devstoreaccount1;"
}
azurite_queue_connection() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};QueueEndpoint=http://127.0.0.1:$1/devstoreaccount1;"
}

# Stops a process: TERM, then KILL if it has not exited within 10 s (Azurite can hang while closing).
stop_process() {
  local pid=$1 waited=0
  kill "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && (( waited < 100 )); do sleep 0.1; waited=$((waited + 1)); done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Starts an in-memory Azurite table service on a free port for a benchmark, stopped when the script exits, and
# exports SD_TEST_TABLE_CONNECTION for it.
start_bench_azurite() {
  local root=$1 port
  port=$(free_port)
  "$root/node_modules/.bin/azurite-table" --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
  bench_azurite_pid=$!
  trap 'kill $bench_azurite_pid 2>/dev/null || true' EXIT
  wait_for_port "$port" 60
  export SD_TEST_TABLE_CONNECTION
  SD_TEST_TABLE_CONNECTION=$(azurite_table_connection "$port")
}

# Debian's chromium for the dashboard's browser tests (Playwright's own browser download cannot work here): installed
# with apt-get when /usr/bin/chromium is missing, which needs root; a clear error otherwise.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "The dashboard's browser tests need Debian's chromium at /usr/bin/chromium: run 'apt-get install -y chromium' as root." >&2
    return 1
  fi
  echo "Installing Debian's chromium for the dashboard's browser tests..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
