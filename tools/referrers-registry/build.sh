#!/usr/bin/env bash
# Builds go-containerregistry's registry with the referrers API on (see main.go) into
# GOBIN_DIR/imgcompat-ggcr-registry, when its sources changed.
# Usage: tools/referrers-registry/build.sh GOBIN_DIR
set -euo pipefail
exec "$(dirname "$0")/../go-build.sh" "$(dirname "$0")" "${1:?usage: build.sh GOBIN_DIR}" imgcompat-ggcr-registry
