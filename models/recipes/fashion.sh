#!/usr/bin/env bash
# Recipe of the shipped FashionScenes model (models/fashion; the default model is models/default, recipes/photo.sh): on FashionScenes unseen-2 (unseen: sandal,
# pullover) with the default vectors, small backbone, CPU:
#   1. SPNet-C: backbone + projection on the seen classes, gamma found on held-out seen-val images;
#   2. ZS3Net on that backbone (GMMN generator + class-vector classifier), keeping SPNet-C's gamma.
# ZS3Net + gamma is the best method by test hIoU in docs/BENCHMARKS.md.
# Usage: bash models/recipes/fashion.sh [BUILD_DIR] [OUT_DIR]
# Takes about 20 minutes on an idle 2-core CPU (13 for SPNet, 5-7 for ZS3Net; see docs/BENCHMARKS.md).
# Work folders live in the cache; an interrupted run resumes where it stopped.
set -euo pipefail
build=${1:-build}
out=${2:-models/fashion}
cli="$build/app/zeromask-cli"
cache=${ZEROMASK_CACHE:-$HOME/.cache/zeromask}
data=$cache/data/fashionscenes-s1
spnet=$cache/models/default-spnet
zs3=$cache/models/default-zs3
export OMP_WAIT_POLICY=PASSIVE

# 1. The default vectors (idempotent; reused when built).
bash scripts/build-default-vectors.sh "$build"
# 2. The benchmark data (deterministic from the seed).
[[ -f $data/dataset.json ]] || "$cli" dataset fashionscenes --out "$data" --seed 1
# 3. SPNet-C (phase 1 without seen-val classes, gamma search on 60 held-out images, phase 2 on all seen).
if [[ ! -f $spnet/.done ]]; then
  resume=()
  [[ -f $spnet/card.json ]] && resume=(--resume)
  "$cli" train --data "$data" --split fashion-unseen-2 --method spnet --crop 160 --batch 8 --iterations 3200 --lr 0.01 \
    --calibration-images 60 --save-every 50 --seed 1 --out "$spnet" "${resume[@]}"
  touch "$spnet/.done"
fi
# 4. ZS3Net on the SPNet backbone, keeping SPNet-C's gamma.
rm -rf "$zs3"
"$cli" train --data "$data" --split fashion-unseen-2 --method zs3 --from "$spnet" --gen keep_spnet_gamma=true \
  --name "ZeroMask default (FashionScenes unseen-2, ZS3Net + SPNet-C gamma)" --out "$zs3"
# 5. Evaluate on the test scenes (GZS3: all 11 classes at once).
"$cli" eval --model "$zs3" --data "$data" --split fashion-unseen-2 --json "$zs3/eval-test.json"
# Only the card, the weights, the generative head, the log and the test figures ship.
mkdir -p "$out"
rm -f "$out"/card.json "$out"/weights.pt "$out"/generative.pt "$out"/log.jsonl "$out"/eval-test.json
cp "$zs3"/card.json "$zs3"/weights.pt "$zs3"/generative.pt "$zs3"/log.jsonl "$zs3"/eval-test.json "$out"/
echo "FashionScenes model written to $out" >&2
