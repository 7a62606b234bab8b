#!/usr/bin/env bash
# The real-photo check of issue 14's goal "the typed animal's mask covers the animal": the model segments
# the bundled photographs (resources/samples: darknet's dog, horses, giraffe, person, eagle and skimage's
# chelsea) with exactly the class names a person would type, and `zeromask-cli eval` scores the masks
# against resources/samples/ground-truth (hand boxes -> OpenCV GrabCut -> checked by eye; a 4-px band
# around every object, thin parts GrabCut misses (legs) and objects of no listed class (bicycle, truck,
# person) are ignore; see resources/samples/README.md). Coarse masks: read the figures to +- a few points.
# Usage: bash scripts/check-real-photos.sh [BUILD_DIR] [MODEL_DIR] [OUT_DIR]
#   ZEROMASK_TTA=flip,0.75,1,1.25 runs every evaluation with that test-time augmentation (eval --tta).
#   ZEROMASK_CONSE=CLASSIFIER.pt runs every evaluation with ConSE over that per-cell classifier (eval --conse).
#   1. All six animal names and background compete on every photo: the class names themselves, then synonyms
#      a model never saw labelled (puppy, pony, kitten, ... see below); writes OUT_DIR/real-photos-{names,synonyms}.json.
#   2. "Typed alone", what the goal describes: each photo with background and only the animals in it (dog.jpg:
#      background, dog), as typed names and as synonyms, each without and with --refine (the masks snapped to
#      the photo's edges, core/io/refine.h); one line per photo and class: IoU %; writes OUT_DIR/typed-*.json.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
model=${2:-$root/models/default}
out=${3:-.}
cli="$build/app/zeromask-cli"
evalopts=()
[[ -n ${ZEROMASK_TTA:-} ]] && evalopts=(--tta "$ZEROMASK_TTA")
[[ -n ${ZEROMASK_CONSE:-} ]] && evalopts+=(--conse "$ZEROMASK_CONSE")
samples=$root/resources/samples
gt=$samples/ground-truth
export OMP_WAIT_POLICY=PASSIVE
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/images/test" "$tmp/labels/test" "$out"
cp "$gt/classes.txt" "$tmp/classes.txt"
for label in "$gt"/*.png; do
  stem=$(basename "$label" .png)
  image=
  for ext in jpg png; do [[ -f $samples/$stem.$ext ]] && image=$samples/$stem.$ext && break; done
  [[ -n $image ]] || { echo "check-real-photos: no photo for $label in $samples" >&2; exit 1; }
  ln -s "$image" "$tmp/images/test/$(basename "$image")"
  ln -s "$label" "$tmp/labels/test/$stem.png"
done
echo "== the class names ($(paste -sd, "$tmp/classes.txt" | sed 's/,/, /g'))"
"$cli" eval --model "$model" --data "$tmp" --format generic --data-classes "${evalopts[@]}" --json "$out/real-photos-names.json"
echo "== synonyms: dog=puppy, horse=pony, cat=kitten, giraffe=giraffes, zebra=zebras, bird=eagle"
"$cli" eval --model "$model" --data "$tmp" --format generic --data-classes --name dog=puppy --name horse=pony \
  --name cat=kitten --name giraffe=giraffes --name zebra=zebras --name bird=eagle "${evalopts[@]}" --json "$out/real-photos-synonyms.json"

# 2. Typed alone: one data folder per photo, its own animals only (the ground truth's other ids are ignored).
declare -A animals=([dog]="dog" [horses]="horse" [chelsea]="cat" [giraffe]="giraffe,zebra" [eagle]="bird" [person]="dog,horse")
declare -A synonym=([dog]=puppy [horse]=pony [cat]=kitten [giraffe]=giraffes [zebra]=zebras [bird]=eagle)
echo "== typed alone: IoU % of each animal, with background and only the animals in the photo"
printf '%-8s %-8s %8s %8s %18s %8s\n' photo class name "+refine" synonym "+refine"
for stem in dog horses chelsea giraffe eagle person; do
  one=$tmp/one-$stem
  mkdir -p "$one/images/test" "$one/labels/test"
  cp "$gt/classes.txt" "$one/classes.txt"
  ln -s "$(readlink "$tmp/labels/test/$stem.png")" "$one/labels/test/$stem.png"
  for f in "$tmp"/images/test/"$stem".*; do ln -s "$(readlink "$f")" "$one/images/test/$(basename "$f")"; done
  names=()
  IFS=, read -r -a list <<< "${animals[$stem]}"
  for a in "${list[@]}"; do names+=(--name "$a=${synonym[$a]}"); done
  for variant in names names-refine synonyms synonyms-refine; do
    args=(--classes "background,${animals[$stem]}")
    [[ $variant == synonyms* ]] && args+=("${names[@]}")
    [[ $variant == *-refine ]] && args+=(--refine)
    "$cli" eval --model "$model" --data "$one" --format generic "${args[@]}" "${evalopts[@]}" --json "$out/typed-$stem-$variant.json" > /dev/null
  done
  for a in "${list[@]}"; do
    row=()
    for variant in names names-refine synonyms synonyms-refine; do
      # the class's IoU from the JSON (perClass: name ... iou), printed in percent
      iou=$(tr -d '\n ' < "$out/typed-$stem-$variant.json" | grep -o "{[^{}]*\"name\":\"$a\"[^{}]*}" | grep -o '"iou":[0-9.eE+-]*' | cut -d: -f2 || true)
      row+=("$(awk -v v="${iou:-nan}" 'BEGIN { if (v == "nan") print "n/a"; else printf "%.1f", 100 * v }')")
    done
    printf '%-8s %-8s %8s %8s %18s %8s\n' "$stem" "$a" "${row[0]}" "${row[1]}" "${row[2]} (${synonym[$a]})" "${row[3]}"
  done
done
