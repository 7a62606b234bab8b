#!/usr/bin/env bash
# Recipe of the shipped default model (models/default): "ZeroMask Photo", SPNet on the frozen ImageNet
# MobileNetV2 trunk (npm nsfwjs@4.3.0, converted by scripts/fetch-backbones.sh), trained on PhotoScenes:
# StampScenes scenes (core/data/stampscenes.h) made from the photo-stamp table models/recipes/photo-stamps.tsv
# (37 everyday classes + background, every Tux Paint photo stamp of them) pasted on real photographs:
# the opencv-doc and skimage photos StampScenes always uses, plus 17 photo wallpapers of the Debian packages
# plasma-workspace-wallpapers and mate-backgrounds (fetched with apt-get download into the cache; nothing
# installed, nothing committed). Every class is seen: a person's typed names and synonyms ("puppy",
# "pony", "kitten") are scored through their word vectors against what the model learned.
# Usage: bash models/recipes/photo.sh [BUILD_DIR] [OUT_DIR]
# About 27 minutes on a loaded 2-core CPU (1,000 iterations of 8 crops of 256 px; docs/BENCHMARKS.md,
# "The default model on real photographs": 3,000 iterations fit the pasted scenes better and the real
# photos worse). Work folders live in the cache; an interrupted run resumes where it stopped.
set -euo pipefail
build=${1:-build}
out=${2:-models/default}
cli="$build/app/zeromask-cli"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${ZEROMASK_CACHE:-$HOME/.cache/zeromask}
bg=$cache/backgrounds/photo-v1
data=$cache/data/photoscenes-s1
model=$cache/models/photo-spnet-1k
export OMP_WAIT_POLICY=PASSIVE

# 1. Vectors and the pretrained trunk (both idempotent).
bash scripts/build-default-vectors.sh "$build"
bash scripts/fetch-backbones.sh "$build"
trunk=$cache/backbones/mobilenetv2-nsfwjs-block10.pt
[[ -f $trunk ]] || { echo "photo.sh: $trunk is missing (scripts/fetch-backbones.sh needs the npm registry)" >&2; exit 1; }

# 2. Extra backgrounds: photographs only, none showing a class of the table (checked by eye; left out:
#    drawings and renders, ColorfulCups (cups), Autumn and Canopee (paintings), Volna (5120 px only), and the
#    MATE photos of flowers, a ladybird and dandelion seeds).
if [[ ! -f $bg/.done ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download plasma-workspace-wallpapers mate-backgrounds >&2)
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/x"; done
  mkdir -p "$bg"
  for n in BytheWater ColdRipple DarkestHour EveningGlow FallenLeaf Grey Kite OneStandsOut Path summer_1am; do
    cp "$tmp/x/usr/share/wallpapers/$n/contents/images/800x600.jpg" "$bg/plasma-$n.jpg"
  done
  for n in Aqua Blinds Dune GreenMeadow RainDrops Storm Wood; do
    cp "$tmp/x/usr/share/backgrounds/mate/nature/$n.jpg" "$bg/mate-$n.jpg"
  done
  touch "$bg/.done"
  rm -rf "$tmp"
  trap - EXIT
fi

# 3. The scenes: larger than StampScenes' default (384 px, objects 96-320 px, up to 2.5x enlarged), because
#    animals fill much of a person's photo. --no-wallpapers: the wallpapers come in step 2 (800 px copies,
#    split by the --backgrounds rule), as when the shipped model was trained.
[[ -f $data/dataset.json ]] || "$cli" dataset stampscenes --out "$data" --seed 1 --table "$here/photo-stamps.tsv" --no-wallpapers \
  --backgrounds "$bg" --train 3000 --test 300 --size 384 --min-items 1 --max-items 4 --min-item-size 96 \
  --max-item-size 320 --max-upscale 2.5

# 4. SPNet on the frozen trunk, every class seen, no calibration (nothing is held out).
if [[ ! -f $model/.done ]]; then
  resume=()
  [[ -f $model/card.json ]] && resume=(--resume)
  "$cli" train --data "$data" --all-seen --method spnet --backbone "$trunk" --backbone-lr-scale 0 --crop 256 --batch 8 \
    --iterations 1000 --lr 0.01 --no-calibrate --gamma 0 --calibration-images 0 --save-every 100 --seed 1 \
    --name "ZeroMask Photo (PhotoScenes, 37 classes, SPNet on the ImageNet MobileNetV2 trunk)" --out "$model" "${resume[@]}"
  touch "$model/.done"
fi
# 5. The test scenes (other crops, positions and backgrounds; the same stamps): a sanity figure.
"$cli" eval --model "$model" --data "$data" --json "$model/eval-test.json"
# Only the card, the weights, the trunk (with its MIT notice), the log and the test figures ship.
mkdir -p "$out"
rm -f "$out"/card.json "$out"/weights.pt "$out"/generative.pt "$out"/backbone.pt "$out"/log.jsonl "$out"/eval-test.json \
  "$out"/LICENSE-nsfwjs
cp "$model"/card.json "$model"/weights.pt "$model"/backbone.pt "$model"/log.jsonl "$model"/eval-test.json "$out"/
cp "$cache/backbones/nsfwjs-4.3.0/LICENSE" "$out/LICENSE-nsfwjs"
echo "photo model written to $out" >&2
