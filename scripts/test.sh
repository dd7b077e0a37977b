#!/usr/bin/env bash
# The full test run (README's second command): install what the tests need, build, lint, run the
# NFD conformance vectors, then every node:test suite. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
npm ci --no-audit --no-fund
npm run build
npm run lint
npm run conformance
# The node test runner's summary is the run's closing lines.
node --test --test-reporter=spec --test-concurrency=2 build/test/
