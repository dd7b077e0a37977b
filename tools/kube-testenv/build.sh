#!/usr/bin/env bash
# Builds the test Kubernetes API server launcher (embedded etcd + kube-apiserver, see main.go) into
# GOBIN_DIR/imgcompat-kube-testenv, when its sources changed. A cold build downloads ~1 GB of modules and
# compiles for several minutes on 2 cores; later builds reuse Go's module and build caches.
# Usage: tools/kube-testenv/build.sh GOBIN_DIR
set -euo pipefail
src_dir="$(dirname "$0")"
k8s_version=$(awk '$1 == "k8s.io/kubernetes" {print $2; exit}' "$src_dir/go.mod")
minor=${k8s_version#v1.}
minor=${minor%%.*}
exec "$src_dir/../go-build.sh" "$src_dir" "${1:?usage: build.sh GOBIN_DIR}" imgcompat-kube-testenv \
  -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
