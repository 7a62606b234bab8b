#!/usr/bin/env bash
# Builds the .deb with CPack, unpacks it into a temporary root and checks that it holds both
# executables, the .desktop entry and icon, the default model folder, and that the packaged
# zeromask-cli runs. Usage: check_deb.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/*.deb | head -1)
[[ -f $deb ]] || { echo "no .deb produced"; exit 1; }
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
depends=$(dpkg-deb -f "$deb" Depends)
[[ -n $depends ]] || { echo "package has no Depends (dpkg-shlibdeps did not run)"; exit 1; }
echo "depends: $depends"
recommends=$(dpkg-deb -f "$deb" Recommends)
grep -q "wordnet-base" <<<"$recommends" || { echo "package does not recommend wordnet-base (word senses)"; exit 1; }
dpkg-deb -x "$deb" "$work/root"
for f in usr/bin/zeromask usr/bin/zeromask-cli usr/share/applications/zeromask.desktop \
         usr/share/icons/hicolor/scalable/apps/zeromask.svg; do
  [[ -e $work/root/$f ]] || { echo "missing in package: $f"; exit 1; }
done
desktop-file-validate "$work/root/usr/share/applications/zeromask.desktop" 2>/dev/null || true
out=$("$work/root/usr/bin/zeromask-cli" version)
echo "$out"
grep -q "LibTorch" <<<"$out" || { echo "packaged zeromask-cli version did not print versions"; exit 1; }
echo "package check passed"
