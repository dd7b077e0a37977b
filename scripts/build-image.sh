#!/usr/bin/env bash
# Builds the imgcompat container image with buildah (no Docker engine, no base image pulled):
#   bash scripts/build-image.sh [TAG]        default TAG: localhost/imgcompat:<package version>
# Lays out a minimal root filesystem (imgcompat's single executable at /app/imgcompat + the shared
# libraries ldd reports + the cpuid addon next to it + links imgcompat and nfd on PATH + a passwd entry
# for the non-root user 65532) and builds the Containerfile on top of `scratch`. The executable is built
# by scripts/build-sea.mjs (Node 24 from .cache/node24), or taken from SEA_EXECUTABLE when set.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p 'require("./package.json").version')
tag=${1:-localhost/imgcompat:$version}
# Optional, for tests and parallel runs: IMAGE_CONTEXT_DIR (a private build context instead of
# .cache/image-context), BUILDAH_ROOT / BUILDAH_RUNROOT (a dedicated buildah storage root and run root).
ctx=${IMAGE_CONTEXT_DIR:-.cache/image-context}
buildah_global=(--storage-driver vfs)
if [[ -n "${BUILDAH_ROOT:-}" ]]; then buildah_global+=(--root "$BUILDAH_ROOT"); fi
if [[ -n "${BUILDAH_RUNROOT:-}" ]]; then buildah_global+=(--runroot "$BUILDAH_RUNROOT"); fi
rm -rf "$ctx"
mkdir -p "$ctx/rootfs"/{usr/local/bin,usr/bin,etc,app,tmp}
root=$ctx/rootfs

sea=${SEA_EXECUTABLE:-}
if [[ -z "$sea" ]]; then
  # Built next to the context (not in it: the build context holds only rootfs/ and Containerfile).
  rm -rf "$ctx.sea"
  sea=$ctx.sea/imgcompat
  node scripts/build-sea.mjs --work "$ctx.sea/work" "$sea" >/dev/null
fi
[[ -x "$sea" ]] || { echo "build-image: $sea is not an executable" >&2; exit 1; }

copy_with_libs() {
  local bin=$1 dest=$2
  cp -L "$bin" "$root$dest"
  # ldd lines: "libx.so => /path (addr)" or "/lib64/ld-linux-x86-64.so.2 (addr)"
  ldd "$bin" | awk '/=> \// {print $3} /^\t\// {print $1}' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
copy_with_libs "$sea" /app/imgcompat

# The prebuilt cpuid addon (npm run build writes dist/native/): the loader looks for
# dist/native/<platform>-<arch>/ upwards from the executable's directory (src/host/native/cpuid-loader.ts).
if [[ -d dist/native ]]; then
  mkdir -p "$root/app/dist"
  cp -r dist/native "$root/app/dist/native"
fi
ln -s /app/imgcompat "$root/usr/local/bin/imgcompat"
ln -s /app/imgcompat "$root/usr/local/bin/nfd"
printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"

if [[ -z "${SEA_EXECUTABLE:-}" ]]; then rm -rf "$ctx.sea"; fi
buildah "${buildah_global[@]}" bud --isolation chroot --layers=false -q -f Containerfile -t "$tag" "$ctx" >/dev/null
echo "$tag"
