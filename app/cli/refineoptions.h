// The --refine options that `predict` and `eval` share (edge refinement, core/io/refine.h).
#pragma once
#include "core/common/error.h"
#include "core/common/strings.h"
#include "core/io/refine.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace zm::cli {

inline void addRefineOptions(CLI::App& cmd, bool& refine, RefineOptions& o)
{
    cmd.add_flag(
        "--refine", refine,
        "Snap every object mask to the photo's edges (GrabCut seeded by the mask; needs a class named 'background')");
    cmd.add_option("--refine-core", o.coreFraction,
                   "--refine: the mask's sure core, eroded by this fraction of its equivalent radius")
        ->check(CLI::Range(0.0, 0.95))
        ->capture_default_str();
    cmd.add_option("--refine-band", o.bandFraction,
                   "--refine: pixels farther than this fraction of the image diagonal from a mask never join it")
        ->check(CLI::Range(0.005, 0.5))
        ->capture_default_str();
}

/// `o` with its background set to the class named "background" among `names` (the classes in label order);
/// throws zm::Error naming the classes when there is none.
inline RefineOptions refineOptionsFor(RefineOptions o, const std::vector<std::string>& names)
{
    const int bg = backgroundIndex(names);
    if (bg < 0)
        throw Error("--refine grows masks over the background: it needs a class named 'background' (classes: " +
                    join(names, ", ") + ")");
    o.background = std::uint16_t(bg);
    return o;
}

} // namespace zm::cli
