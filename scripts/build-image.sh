#!/usr/bin/env bash
# Builds the imgcompat container image with buildah (no Docker engine, no base image pulled):
#   bash scripts/build-image.sh [TAG]        default TAG: localhost/imgcompat:<package version>
# Lays out a minimal root filesystem (node binary + the shared libraries ldd reports + /usr/bin/env for
# the `nfd` shebang + the bundled CLI + a passwd entry for the non-root user 65532) and builds the
# Containerfile on top of `scratch`. Needs `npm run build` to have produced dist/.
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

[[ -f dist/cli.mjs ]] || { echo "build-image: dist/cli.mjs missing; run npm run build first" >&2; exit 1; }

copy_with_libs() {
  local bin=$1 dest=$2
  cp -L "$bin" "$root$dest"
  # ldd lines: "libx.so => /path (addr)" or "/lib64/ld-linux-x86-64.so.2 (addr)"
  ldd "$bin" | awk '/=> \// {print $3} /^\t\// {print $1}' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
copy_with_libs "$(readlink -f "$(command -v node)")" /usr/local/bin/node
copy_with_libs /usr/bin/env /usr/bin/env

# dist/ holds the bundle and the prebuilt cpuid addons (dist/native/).
cp -r dist "$root/app/dist"
cp package.json "$root/app/package.json"
if [[ -f dist/nfd.mjs ]]; then
  ln -s /app/dist/nfd.mjs "$root/usr/local/bin/nfd"
fi
ln -s /app/dist/cli.mjs "$root/usr/local/bin/imgcompat"
printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"

buildah "${buildah_global[@]}" bud --isolation chroot --layers=false -q -f Containerfile -t "$tag" "$ctx" >/dev/null
echo "$tag"
