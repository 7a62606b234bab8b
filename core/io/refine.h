// Edge refinement of predicted masks: each object class's mask seeds a colour-model segmentation (OpenCV's
// GrabCut, one class against the rest) that snaps it to the object's edges in the photograph.
//
// The network's masks are coarse (stride 16, trained on pasted cut-outs): on real photos they find the
// object but often cover only its most typical part. GrabCut fits colour mixtures to the mask (object) and
// to its surroundings (background) and cuts along image edges: the mask grows over the rest of the object
// and leaves the background it spilled onto. The seed is trusted only where it is sure: its core (the mask
// eroded by a fraction of its size) is always the class, pixels far from it (beyond a band proportional to
// the image diagonal) are always something else, and everything between is decided by the colour models.
// Only background pixels are ever taken and only the refined class's own pixels are ever given back (to
// the background): refinement never relabels another class's object.
#pragma once

#include "core/common/image.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zm {

struct RefineOptions {
    std::uint16_t background = 0; ///< label id of the background class (pixels a mask may grow over)
    /// The sure core of a mask: eroded by this fraction of the mask's equivalent radius sqrt(area / pi).
    double coreFraction = 0.12;
    /// Pixels farther than this fraction of the image diagonal from a mask are never that class.
    double bandFraction = 0.08;
    int iterations = 5; ///< GrabCut iterations
    /// GrabCut runs on the mask's box scaled down so its longer side is at most this (0 = full resolution);
    /// the cut is scaled back up smoothly. Most of its time goes into the colour models, not the edges.
    int workSide = 320;
    int minPixels = 64; ///< smaller masks are left as they are
    /// Only these ids are refined (empty: every id except the background and LabelMap::kVoid).
    std::vector<std::uint16_t> only;
};

struct RefineReport {
    int classesRefined = 0;
    int classesSkipped = 0;          ///< masks left as they were (too few pixels of one side for the colour models)
    std::int64_t pixelsGained = 0;   ///< background pixels that became a class
    std::int64_t pixelsReleased = 0; ///< class pixels given back to the background
};

/// Refines `labels` in place against `image` (same size; 1, 3 or 4 channels, 8 bit). Throws zm::Error when
/// the sizes differ or the image is empty. A label map without background pixels is left unchanged.
RefineReport refineLabels(const Image& image, LabelMap& labels, const RefineOptions& options = {});

/// The id of the class named "background" (case-insensitive, surrounding spaces ignored) among `names`
/// (id = index), or -1 when there is none.
int backgroundIndex(const std::vector<std::string>& names);

} // namespace zm
