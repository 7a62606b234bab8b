#!/usr/bin/env bash
# ZeroMask set-up: installs what is missing (Debian 12 packages), builds, prepares the default assets,
# then either starts the app on the bundled samples (`run`) or runs the whole test suite (`test`).
# Idempotent: a second run with everything in place takes seconds.
#
#   bash scripts/setup.sh run     # install + build + assets, then open the GUI on resources/samples
#   bash scripts/setup.sh test    # install + build + assets, then ctest (whole suite) + package check
#   bash scripts/setup.sh build   # install + build + assets only
#
# Environment: ZM_BUILD_DIR (default build), ZM_JOBS (default: cores), ZEROMASK_CACHE (assets cache,
# default ~/.cache/zeromask), CMAKE_PREFIX_PATH (another LibTorch, e.g. a CUDA one).
set -euo pipefail

mode=${1:-build}
case "$mode" in run|test|build) ;; *) echo "usage: $0 run|test|build" >&2; exit 2 ;; esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${ZM_BUILD_DIR:-build}
jobs=${ZM_JOBS:-$(nproc)}
# libgomp's spinning waits make LibTorch 35-50x slower on a loaded 2-core machine (docs/ENGINE.md);
# it reads this at load time, so it is set here for every program the set-up starts.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ---- 1. packages ----
packages=(build-essential cmake ninja-build pkg-config ccache
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-image-formats-plugins libqt6svg6
  libopencv-dev libtorch-dev libfasttext-dev fasttext
  libgtest-dev libgmock-dev libbenchmark-dev libopenblas0-pthread libjemalloc-dev
  nlohmann-json3-dev libcli11-dev libpng-dev zlib1g-dev
  dataset-fashion-mnist opencv-doc python3-skimage wordnet-base tuxpaint-stamps-default
  plasma-workspace-wallpapers mate-backgrounds
  dpkg-dev file xvfb xauth x11-utils imagemagick)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
need_npm=0
command -v npm >/dev/null 2>&1 || need_npm=1
if ((${#missing[@]} || need_npm)); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  ((need_npm)) && missing+=(npm)
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ---- 2. build ----
if [[ ! -f $build/build.ninja ]]; then
  say "configuring ($build)"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
export CCACHE_SLOPPINESS=pch_defines,time_macros
# Paths relative to the checkout in ccache's keys: a fresh clone elsewhere reuses the cache.
export CCACHE_BASEDIR="$root"
say "building with $jobs jobs"
cmake --build "$build" -j "$jobs"

# ---- 3. default assets ----
if [[ -x scripts/prepare-assets.sh ]]; then
  say "preparing default assets"
  bash scripts/prepare-assets.sh "$build"
fi

# ---- 4. run or test ----
case "$mode" in
  build) say "built: $build/app/zeromask and $build/app/zeromask-cli" ;;
  test)
    say "running the test suite"
    ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 1500
    ;;
  run)
    export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/zeromask-runtime-$(id -u)}
    mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
      say "no display: starting under Xvfb (set DISPLAY to use your own)"
      exec xvfb-run -a -s "-screen 0 1280x800x24" "$build/app/zeromask" resources/samples
    fi
    exec "$build/app/zeromask" resources/samples
    ;;
esac
