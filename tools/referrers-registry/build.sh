#!/usr/bin/env bash
# Builds go-containerregistry's registry with the referrers API on (see main.go) into
# GOBIN_DIR/imgcompat-ggcr-registry. Skips the build when the binary is newer than its sources.
# Usage: tools/referrers-registry/build.sh GOBIN_DIR
set -euo pipefail
out_dir="${1:?usage: build.sh GOBIN_DIR}"
src_dir="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
bin="$out_dir/imgcompat-ggcr-registry"
if [[ -x "$bin" ]]; then
  stale=0
  for f in "$src_dir"/*.go "$src_dir/go.mod" "$src_dir/go.sum"; do
    [[ "$f" -nt "$bin" ]] && stale=1
  done
  ((stale)) || exit 0
fi
echo "tools/referrers-registry: building $bin"
cd "$src_dir"
go build -trimpath -o "$bin" .
