#!/usr/bin/env bash
# Takes the README screenshot: starts zeromask in a real X server (Xvfb, 1280x800), opens sample
# images, types classes, waits for the prediction and grabs the screen.
#
#   scripts/screenshot.sh [--app BUILD/app/zeromask] [--images DIR] [--model DIR] [--vectors FILE]
#                         [--classes "a,b;synonym,c"] [--out docs/screenshots/main.png] [--wait SECONDS]
#
# Needs xvfb, xauth and ImageMagick (/usr/bin/import). The app is driven through its own
# command-line options (--classes, --quit-after): no window manager or input injection is needed.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
app=""
images="$here/resources/samples"
model=""
vectors=""
classes=""
out="$here/docs/screenshots/main.png"
wait_s=25

while [ $# -gt 0 ]; do
    case "$1" in
        --app) app="$2"; shift 2 ;;
        --images) images="$2"; shift 2 ;;
        --model) model="$2"; shift 2 ;;
        --vectors) vectors="$2"; shift 2 ;;
        --classes) classes="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --wait) wait_s="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "screenshot.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

if [ -z "$app" ]; then
    for c in "$here"/build*/app/zeromask /usr/bin/zeromask; do
        if [ -x "$c" ]; then app="$c"; break; fi
    done
fi
[ -x "$app" ] || { echo "screenshot.sh: zeromask not found; build it or pass --app" >&2; exit 1; }
[ -x /usr/bin/import ] || { echo "screenshot.sh: ImageMagick's /usr/bin/import is missing (apt install imagemagick)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshot.sh: xvfb-run is missing (apt install xvfb xauth)" >&2; exit 1; }

if [ ! -d "$images" ] || [ -z "$(ls -A "$images" 2>/dev/null)" ]; then
    echo "screenshot.sh: $images holds no images; pass --images DIR" >&2
    exit 1
fi

# Qt wants a private runtime folder; settings go to a throw-away place so the shot is reproducible.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -m 0700 "$tmp/runtime"
export XDG_RUNTIME_DIR="$tmp/runtime"
export XDG_CONFIG_HOME="$tmp/config"
export QT_QPA_PLATFORM=xcb
mkdir -p "$(dirname "$out")"

args=(--quit-after "$((wait_s + 10))")
[ -n "$model" ] && args+=(--model "$model")
[ -n "$vectors" ] && args+=(--vectors "$vectors")
if [ -n "$classes" ]; then
    IFS=',' read -ra names <<< "$classes"
    for n in "${names[@]}"; do args+=(--class "$n"); done
fi

xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    "$1" "${@:5}" "$2" &
    pid=$!
    sleep "$3"
    /usr/bin/import -window root "$4"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
' _ "$app" "$images" "$wait_s" "$out" "${args[@]}"
echo "wrote $out"
