#!/usr/bin/env bash
# Rows of docs/BENCHMARKS.md: every method on FashionScenes with the same small backbone and budget.
# Usage: bash models/recipes/benchmarks.sh [BUILD_DIR] [OUT_DIR] [ROW...]
#   ROWs: zs3 cagnet vm zs3-st transductive transductive-gated oracle u4-spnet u4-zs3 u4-cagnet u4-vm
#         u4-transductive
#         mnv2-u2 mnv2-oracle (the ImageNet MobileNetV2 trunk of npm nsfwjs, frozen; scripts/fetch-backbones.sh)
#         cnet-u2 cnet-oracle (the COCO CenterNet trunk, frozen; opt-in: ZEROMASK_CENTERNET=1 scripts/fetch-backbones.sh)
#   (default: all but the pretrained-backbone rows)
# Each row writes OUT_DIR/<row>/ (the model) and OUT_DIR/<row>.eval.json (the test-set metrics; the
# oracle also gets oracle-u4.eval.json; SPNet rows also <row>-uncalibrated, generative rows also
# <row>-spnet-gamma). `python3 scripts/benchmark-table.py OUT_DIR` prints the report's rows. A row whose eval file exists is skipped, so the script resumes.
# The generative rows start from the SPNet model of their split (--from) so that every method shares one
# backbone: unseen-2 from the shipped default's recipe (run once here as OUT_DIR/u2-spnet), unseen-4 from
# OUT_DIR/u4-spnet. Times on a 2-core CPU: SPNet rows ~13 min each, generative stages 5-20 min each.
set -euo pipefail
build=${1:-build}
out=${2:-${ZEROMASK_CACHE:-$HOME/.cache/zeromask}/bench}
shift $(( $# > 2 ? 2 : $# )) || true
rows=("$@")
((${#rows[@]})) || rows=(zs3 cagnet vm zs3-st transductive transductive-gated oracle u4-spnet u4-zs3 u4-cagnet u4-vm u4-transductive)
cli="$build/app/zeromask-cli"
cache=${ZEROMASK_CACHE:-$HOME/.cache/zeromask}
data=$cache/data/fashionscenes-s1
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
bash scripts/build-default-vectors.sh "$build"
[[ -f $data/dataset.json ]] || "$cli" dataset fashionscenes --out "$data" --seed 1

# The shared SPNet budget (the default model's recipe).
spnet=(--method spnet --crop 160 --batch 8 --iterations 3200 --lr 0.01 --calibration-images 60 --save-every 200 --seed 1)

evaluate() { # row split [extra eval args]
  local row=$1 split=$2
  shift 2
  "$cli" eval --model "$out/$row" --data "$data" --split "$split" --json "$out/$row.eval.json.tmp" "$@" > "$out/$row.eval.txt"
  mv "$out/$row.eval.json.tmp" "$out/$row.eval.json"
}
train() { # row split [train args...]: trains (resuming if interrupted) unless the model is complete
  local row=$1 split=$2
  shift 2
  if [[ -f $out/$row/card.json && ! -f $out/$row/state.json ]] || [[ -f $out/$row/.done ]]; then return; fi
  local resume=()
  [[ -f $out/$row/card.json ]] && resume=(--resume)
  local t0=$SECONDS
  "$cli" train --data "$data" --split "$split" --out "$out/$row" "${resume[@]}" "$@"
  echo "$((SECONDS - t0))" > "$out/$row.seconds"
  touch "$out/$row/.done"
}
base() { # split-model row split [extra train args...]
  train "$1" "$2" "${spnet[@]}" "${@:3}"
  [[ -f $out/$1.eval.json ]] || evaluate "$1" "$2"
  # The same model uncalibrated (gamma 0): SPNet without SPNet-C.
  if [[ ! -f $out/$1-uncalibrated.eval.json ]]; then
    "$cli" eval --model "$out/$1" --data "$data" --split "$2" --gamma 0 --json "$out/$1-uncalibrated.eval.json.tmp" > "$out/$1-uncalibrated.eval.txt"
    mv "$out/$1-uncalibrated.eval.json.tmp" "$out/$1-uncalibrated.eval.json"
  fi
}
generative() { # row base split method [args...]
  local row=$1 from=$2 split=$3 method=$4
  shift 4
  [[ -f $out/$row.eval.json ]] && return
  base "$from" "$split"
  if [[ ! -f $out/$row/.done ]]; then
    rm -rf "${out:?}/$row"
    local t0=$SECONDS
    "$cli" train --data "$data" --split "$split" --method "$method" --from "$out/$from" --out "$out/$row" "$@"
    echo "$((SECONDS - t0))" > "$out/$row.seconds"
    touch "$out/$row/.done"
  fi
  evaluate "$row" "$split"
  # The same generative model with the SPNet-C gamma of the model it started from (found on held-out
  # seen-val images, not on the test set): how much seen bias the generated features leave.
  local gamma
  gamma=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gamma"])' "$out/$from/card.json")
  "$cli" eval --model "$out/$row" --data "$data" --split "$split" --gamma "$gamma" --json "$out/$row-spnet-gamma.eval.json.tmp" > "$out/$row-spnet-gamma.eval.txt"
  mv "$out/$row-spnet-gamma.eval.json.tmp" "$out/$row-spnet-gamma.eval.json"
}

for row in "${rows[@]}"; do
  echo "==> $row" >&2
  case $row in
    zs3) generative zs3 u2-spnet fashion-unseen-2 zs3 ;;
    cagnet) generative cagnet u2-spnet fashion-unseen-2 cagnet ;;
    vm) generative vm u2-spnet fashion-unseen-2 vm ;;
    zs3-st) generative zs3-st u2-spnet fashion-unseen-2 zs3 --self-train ;;
    transductive|transductive-gated)
      # gated: the target loss only on pixels whose top seen-class probability is below 0.5
      [[ -f $out/$row.eval.json ]] && continue
      gate=()
      [[ $row == transductive-gated ]] && gate=(--transductive-threshold 0.5)
      train "$row" fashion-unseen-2 "${spnet[@]}" --transductive "${gate[@]}"
      evaluate "$row" fashion-unseen-2
      # The same model uncalibrated: does the transductive loss alone remove the seen bias?
      "$cli" eval --model "$out/$row" --data "$data" --split fashion-unseen-2 --gamma 0 --json "$out/$row-uncalibrated.eval.json.tmp" > "$out/$row-uncalibrated.eval.txt"
      mv "$out/$row-uncalibrated.eval.json.tmp" "$out/$row-uncalibrated.eval.json" ;;
    oracle)
      [[ -f $out/oracle.eval.json ]] && continue
      train oracle fashion-oracle "${spnet[@]}" --no-calibrate --gamma 0
      evaluate oracle fashion-unseen-2 --gamma 0
      "$cli" eval --model "$out/oracle" --data "$data" --split fashion-unseen-4 --gamma 0 --json "$out/oracle-u4.eval.json" > "$out/oracle-u4.eval.txt" ;;
    u4-spnet) base u4-spnet fashion-unseen-4 ;;
    u4-zs3) generative u4-zs3 u4-spnet fashion-unseen-4 zs3 ;;
    u4-cagnet) generative u4-cagnet u4-spnet fashion-unseen-4 cagnet ;;
    u4-vm) generative u4-vm u4-spnet fashion-unseen-4 vm ;;
    u4-transductive)
      [[ -f $out/u4-transductive.eval.json ]] && continue
      train u4-transductive fashion-unseen-4 "${spnet[@]}" --transductive
      evaluate u4-transductive fashion-unseen-4
      "$cli" eval --model "$out/u4-transductive" --data "$data" --split fashion-unseen-4 --gamma 0 --json "$out/u4-transductive-uncalibrated.eval.json.tmp" > "$out/u4-transductive-uncalibrated.eval.txt"
      mv "$out/u4-transductive-uncalibrated.eval.json.tmp" "$out/u4-transductive-uncalibrated.eval.json" ;;
    mnv2-u2|mnv2-oracle|cnet-u2|cnet-oracle)
      # The same SPNet budget on a frozen pretrained trunk instead of the small backbone trained from scratch.
      file=$cache/backbones/mobilenetv2-nsfwjs-block10.pt
      [[ $row == cnet-* ]] && file=$cache/backbones/centernet-mbv3-coco-relu-s16.pt
      [[ -f $file ]] || { echo "$row: $file is missing (scripts/fetch-backbones.sh; CenterNet is opt-in)" >&2; exit 1; }
      trunk=(--backbone "$file" --backbone-lr-scale 0)
      if [[ $row == *-u2 ]]; then
        base "$row" fashion-unseen-2 "${trunk[@]}"
      else
        [[ -f $out/$row.eval.json ]] && continue
        train "$row" fashion-oracle "${spnet[@]}" "${trunk[@]}" --no-calibrate --gamma 0
        evaluate "$row" fashion-unseen-2 --gamma 0
      fi ;;
    *) echo "unknown row '$row'" >&2; exit 2 ;;
  esac
done
echo "results: $out/*.eval.json" >&2
