// The standard zero-shot splits (METHODS.md section 3), discoverable by name, plus helpers to check a
// split against a data set's classes and to switch the background convention explicitly.
#pragma once
#include "core/common/dataset.h"

#include <string>
#include <vector>

namespace zm {

/// Every preset name: voc-spnet-15-5, voc-zs3-2/4/6/8/10, context-zs3-2/4/6/8/10, cocostuff-15,
/// cocostuff171-15, fashion-unseen-2, fashion-unseen-4, fashion-oracle, stamp-animals-4, stamp-objects-4,
/// stamp-all-8, stamp-oracle.
std::vector<std::string> splitPresetNames();

/// How the background class is treated. Preset: as the paper does (ZS3: seen; SPNet: ignored).
enum class BackgroundMode { Preset, Seen, Ignored };
BackgroundMode parseBackgroundMode(const std::string& s); ///< "preset" | "seen" | "ignored"

/// A preset by name (zm::Error listing the names when unknown). Class names follow the matching reader
/// (vocClassNames(), context59ClassNames(), cocoStuff182ClassNames(), FashionScenes' classes.txt).
ZeroShotSplit splitPreset(const std::string& name, BackgroundMode background = BackgroundMode::Preset);

/// The data-set format a preset is meant for ("voc", "context", "cocostuff", "cocostuff171", "fashionscenes",
/// "stampscenes").
std::string splitPresetFormat(const std::string& name);

/// A split from explicit unseen (and seen-val) names: seen = every other class (background included or
/// not as `backgroundSeen` says). Used for custom data sets (`--unseen "a,b"`).
ZeroShotSplit makeSplit(const std::string& name, const std::vector<std::string>& classNames,
                        const std::vector<std::string>& unseen, const std::vector<std::string>& seenVal = {},
                        bool backgroundSeen = true, const std::string& background = "background");

/// Moves the background class into or out of the seen list.
void setBackgroundSeen(ZeroShotSplit& split, bool seen);

/// Checks a split against class names: every name exists, seen and unseen are disjoint, seen-val is a
/// subset of seen, the background is seen exactly when backgroundSeen says so. Throws zm::Error.
void validateSplit(const ZeroShotSplit& split, const std::vector<std::string>& classNames);

} // namespace zm
