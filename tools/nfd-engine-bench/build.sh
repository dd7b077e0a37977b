#!/usr/bin/env bash
# Builds the NFD side of bench/many-nodes.bench.mjs (NFD's nodefeaturerule package over many nodes'
# features) into GOBIN_DIR/imgcompat-nfd-engine-bench, when its sources changed.
#
# A module of its own, like tools/nfd, because NFD's go.mod has replace directives (every k8s.io
# staging module, and its API module from its own tree), which a module requiring NFD must repeat;
# go.mod repeats tools/nfd's, so the two builds share Go's build cache.
# Usage: tools/nfd-engine-bench/build.sh GOBIN_DIR
set -euo pipefail
exec "$(dirname "$0")/../go-build.sh" "$(dirname "$0")" "${1:?usage: build.sh GOBIN_DIR}" imgcompat-nfd-engine-bench
