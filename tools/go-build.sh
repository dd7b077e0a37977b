#!/usr/bin/env bash
# Shared by tools/*/build.sh: builds the Go module in SRC_DIR into OUT_DIR/BIN_NAME unless the binary is
# newer than every .go file (subpackages included), go.mod and go.sum. Extra arguments go to `go build`.
# Usage: tools/go-build.sh SRC_DIR OUT_DIR BIN_NAME [go build flags...]
set -euo pipefail
src_dir="$(cd "${1:?usage: go-build.sh SRC_DIR OUT_DIR BIN_NAME [flags]}" && pwd)"
mkdir -p "${2:?OUT_DIR missing}"
out_dir="$(cd "$2" && pwd)"
bin="$out_dir/${3:?BIN_NAME missing}"
shift 3
if [[ -x "$bin" ]] && [[ -z "$(find "$src_dir" \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$bin" -print -quit)" ]]; then
  exit 0
fi
echo "tools/$(basename "$src_dir"): building $bin"
start=$SECONDS
cd "$src_dir"
go build -trimpath -buildvcs=false -o "$bin" "$@" .
echo "tools/$(basename "$src_dir"): built in $((SECONDS - start)) s"
