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
  # Registry end-to-end tests (test/e2e): distribution 2.8 (no referrers API: the tag-schema fallback),
  # skopeo to push test images, htpasswd (bcrypt) for the Basic-auth registry.
  [docker-registry]=docker-registry
  [skopeo]=skopeo
  [htpasswd]=apache2-utils
  # A SOCKS5 proxy (RFC 1928/1929) for the proxy tests (test/e2e/proxy.test.ts).
  [microsocks]=microsocks
  # The container-image test (test/e2e/container-image.test.ts): builds, runs and pushes the image.
  [buildah]=buildah
  # The package's prebuilt linux-arm64 cpuid addon (src/host/native/build.mjs cross-compiles it).
  [aarch64-linux-gnu-gcc]=gcc-aarch64-linux-gnu
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
  # Registry end-to-end tests (test/e2e): the oras CLI for interoperability in both directions. (The
  # referrers-API registry is go-containerregistry v0.22.1's, built from tools/referrers-registry,
  # because `crane registry serve` cannot switch its referrers API on and olareg/zot are not served
  # by the Go module proxy.)
  [oras]=oras.land/oras/cmd/oras@v1.3.6
  # The webhook's Helm chart (deploy/helm/imgcompat): `helm lint` and `helm template` in the tests.
  [helm]=helm.sh/helm/v3/cmd/helm@v3.19.0
)
for bin in "${!GO_TOOLS[@]}"; do
  if [[ ! -x "$GOBIN/$bin" ]]; then
    echo "install-test-deps: go install ${GO_TOOLS[$bin]}"
    go install "${GO_TOOLS[$bin]}"
  fi
done

# Go programs kept in this repository (tools/*), built into the same folder: the API-server launcher
# (tools/kube-testenv: etcd + kube-apiserver, and kube-scheduler with -scheduler), NFD's nfd-master and nfd
# v0.19.0 (tools/nfd: a wrapper module, because NFD's go.mod has replace directives, which
# `go install module@version` refuses), the referrers-API registry and the oracle.
for dir in tools/*/; do
  [[ -f "$dir/go.mod" && -f "$dir/build.sh" ]] || continue
  bash "$dir/build.sh" "$GOBIN"
done
