#!/usr/bin/env bash
# Builds the test Kubernetes API server launcher (embedded etcd + kube-apiserver, see main.go) into
# GOBIN_DIR/imgcompat-kube-testenv. A cold build downloads ~1 GB of modules and compiles for several
# minutes on 2 cores; later builds reuse Go's module and build caches. Skips when the binary is newer
# than its sources. Usage: tools/kube-testenv/build.sh GOBIN_DIR
set -euo pipefail
out_dir="${1:?usage: build.sh GOBIN_DIR}"
src_dir="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
bin="$out_dir/imgcompat-kube-testenv"
if [[ -x "$bin" ]]; then
  stale=0
  for f in "$src_dir"/*.go "$src_dir/go.mod" "$src_dir/go.sum"; do
    [[ "$f" -nt "$bin" ]] && stale=1
  done
  ((stale)) || exit 0
fi
k8s_version=$(awk '$1 == "k8s.io/kubernetes" {print $2; exit}' "$src_dir/go.mod")
minor=${k8s_version#v1.}
minor=${minor%%.*}
echo "tools/kube-testenv: building $bin (kube-apiserver $k8s_version; the first build takes several minutes)"
cd "$src_dir"
start=$SECONDS
go build -trimpath -o "$bin" \
  -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" .
echo "tools/kube-testenv: built in $((SECONDS - start)) s"
