#!/usr/bin/env bash
# Prepares the default assets after a build: the default word vectors (built once from the npm package
# into ~/.cache/zeromask, reused afterwards) and a check of the shipped default model.
# Usage: prepare-assets.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [[ -f scripts/build-default-vectors.sh ]]; then
  bash scripts/build-default-vectors.sh "$build"
fi
if [[ -f models/default/card.json ]]; then
  echo "default model: models/default ($(du -sh models/default | cut -f1))" >&2
else
  echo "note: no default model in models/default yet; see models/README.md for the recipe" >&2
fi

# --- Pretrained backbones from package sources ------------------------------------------------------
# The ImageNet MobileNetV2 trunk of npm nsfwjs@4.3.0, converted to <cache>/backbones/*.pt for
# `train --backbone FILE.pt` (docs/ENGINE.md). Without the npm registry it prints a note and goes on.
if [[ -f scripts/fetch-backbones.sh ]]; then
  bash scripts/fetch-backbones.sh "$build"
fi
