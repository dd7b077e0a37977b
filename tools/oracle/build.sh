#!/usr/bin/env bash
# Builds the differential-test oracle (Go text/template + Sprig, Go regexp, Masterminds/semver, as NFD
# uses them; sigs.k8s.io/yaml and apimachinery's YAML stream reader, as kubectl reads YAML) into
# GOBIN_DIR/imgcompat-oracle, when its sources changed.
# Usage: tools/oracle/build.sh GOBIN_DIR
set -euo pipefail
exec "$(dirname "$0")/../go-build.sh" "$(dirname "$0")" "${1:?usage: build.sh GOBIN_DIR}" imgcompat-oracle
