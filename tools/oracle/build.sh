#!/usr/bin/env bash
# Builds the differential-test oracle (Go text/template + Sprig, Go regexp, Masterminds/semver, as NFD
# uses them) into GOBIN_DIR/imgcompat-oracle. Skips the build when the binary is newer than its sources.
# Usage: tools/oracle/build.sh GOBIN_DIR
set -euo pipefail
out_dir="${1:?usage: build.sh GOBIN_DIR}"
src_dir="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
bin="$out_dir/imgcompat-oracle"
if [[ -x "$bin" ]]; then
  stale=0
  for f in "$src_dir"/*.go "$src_dir/go.mod" "$src_dir/go.sum"; do
    [[ "$f" -nt "$bin" ]] && stale=1
  done
  ((stale)) || exit 0
fi
echo "tools/oracle: building $bin"
cd "$src_dir"
go build -trimpath -buildvcs=false -o "$bin" .
