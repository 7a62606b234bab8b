// The --refine options that `predict` and `eval` share (edge refinement, core/io/refine.h).
#pragma once
#include "core/io/refine.h"

#include <CLI/CLI.hpp>

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

} // namespace zm::cli
