#!/usr/bin/env bash
# Builds NFD's nfd-master and nfd (kubectl-nfd's CLI) at the version go.mod requires into
# GOBIN_DIR/nfd-master and GOBIN_DIR/nfd, when go.mod or go.sum changed.
#
# Why a wrapper module and not `go install sigs.k8s.io/node-feature-discovery/cmd/nfd-master@v0.19.0`:
# NFD's go.mod has replace directives (every k8s.io staging module, and its API module from its own tree,
# ./api/nfd), and `go install module@version` refuses a module with replace directives. go.mod here
# repeats them: the staging modules at the patch release of the k8s.io/kubernetes module the API-server
# launcher (tools/kube-testenv) uses, so the two builds share Go's build cache, and the API module at
# NFD's published version of it. The version is stamped as NFD's Makefile does.
# Usage: tools/nfd/build.sh GOBIN_DIR
set -euo pipefail
src_dir="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "${1:?usage: build.sh GOBIN_DIR}"
out_dir="$(cd "$1" && pwd)"
version=$(awk '$1 == "sigs.k8s.io/node-feature-discovery" {print $2; exit}' "$src_dir/go.mod")
cd "$src_dir"
for tool in nfd-master nfd; do
  bin="$out_dir/$tool"
  if [[ -x "$bin" ]] && [[ -z "$(find "$src_dir" \( -name go.mod -o -name go.sum -o -name build.sh \) -newer "$bin" -print -quit)" ]]; then
    continue
  fi
  echo "tools/nfd: building $bin ($version)"
  start=$SECONDS
  go build -trimpath -buildvcs=false -o "$bin" \
    -ldflags "-s -w -X sigs.k8s.io/node-feature-discovery/pkg/version.version=$version" \
    "sigs.k8s.io/node-feature-discovery/cmd/$tool"
  echo "tools/nfd: built $tool in $((SECONDS - start)) s"
done
