// Connected regions of one label (usually void) in a label map: what "suggest names" looks at. Pure
// C++ (no Qt), runs in a worker. 4-connected: regions touching only at a corner are separate.
#pragma once
#include "core/common/image.h"

#include <cstdint>
#include <vector>

namespace zm::ui {

struct LabelRegion {
    int area = 0;                       ///< pixels
    int left = 0, top = 0, right = 0, bottom = 0; ///< bounding box, inclusive
    double cx = 0, cy = 0;              ///< centroid
};

struct LabelRegions {
    /// Same size as the input: region k's pixels hold k (0 = largest), every other pixel kVoid.
    zm::LabelMap map;
    std::vector<LabelRegion> regions; ///< largest first
};

/// The connected regions of pixels equal to `value` with at least `minArea` pixels, largest first
/// (ties: the one met first in row order), at most `maxRegions` of them.
LabelRegions largeRegions(const zm::LabelMap& labels, std::uint16_t value, int minArea, int maxRegions);

} // namespace zm::ui
