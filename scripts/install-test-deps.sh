#!/usr/bin/env bash
# Installs everything the test suites need on a fresh machine: Debian packages (apt-get) and Go-built
# test peers (`go install module@version` into .cache/go-bin, which git ignores). Idempotent: a tool
# already installed is not installed again.
set -euo pipefail
cd "$(dirname "$0")/.."

export GOBIN="$PWD/.cache/go-bin"
mkdir -p "$GOBIN"

# Debian packages the tests use. Add a package here together with the command it provides.
declare -A APT_PACKAGES=(
  # [command]=package
)
missing=()
for cmd in "${!APT_PACKAGES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${APT_PACKAGES[$cmd]}")
done
if ((${#missing[@]})); then
  echo "install-test-deps: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go tools: [binary name]=module@version
declare -A GO_TOOLS=(
)
for bin in "${!GO_TOOLS[@]}"; do
  if [[ ! -x "$GOBIN/$bin" ]]; then
    echo "install-test-deps: go install ${GO_TOOLS[$bin]}"
    go install "${GO_TOOLS[$bin]}"
  fi
done

# Go programs kept in this repository (tools/*), built into the same folder.
for dir in tools/*/; do
  [[ -f "$dir/go.mod" && -f "$dir/build.sh" ]] || continue
  bash "$dir/build.sh" "$GOBIN"
done
