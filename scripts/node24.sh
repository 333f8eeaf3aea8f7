#!/usr/bin/env bash
# Runs a command under Node.js >= 22 with the project's dependencies installed.
#
# kubepulse targets Node 24 LTS. Machines whose system Node is older (Node 20
# is end-of-life) get Node 24 from the npm registry package `node@24`, installed
# into .tools/node24 inside this checkout; the system `node` is never touched.
# Dependencies are installed with `npm ci` when node_modules is missing or older
# than package-lock.json, so `npm start` and `npm test` work on a fresh clone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major node)" -lt 22 ]; then
  local_bin="$root/.tools/node24/node_modules/node/bin"
  if [ ! -x "$local_bin/node" ]; then
    echo "kubepulse: system Node $(node --version 2>/dev/null || echo none) is older than 22; installing node@24 into .tools/node24" >&2
    mkdir -p "$root/.tools/node24"
    npm install --prefix "$root/.tools/node24" --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  export PATH="$local_bin:$PATH"
fi

if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "kubepulse: installing dependencies (npm ci)" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

exec "$@"
