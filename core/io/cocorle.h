// COCO run-length encoding of binary masks, as the COCO API (pycocotools) defines it: the mask is read
// in column-major (Fortran) order, counts alternate zeros/ones starting with zeros, and the compressed
// string form packs each count (delta against the count two back, from the fourth on) into 5-bit
// chunks written as characters 48..111.
#pragma once
#include "core/common/image.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zm {

struct CocoRle {
    int height = 0;
    int width = 0;
    std::vector<std::uint32_t> counts;

    std::uint64_t area() const; ///< number of pixels in the mask (sum of the odd counts)
    /// [x, y, width, height] of the mask's bounding box; all zero for an empty mask.
    std::array<double, 4> bbox() const;
};

/// Encodes a row-major mask (non-zero = inside) of width x height.
CocoRle rleEncode(const std::uint8_t* mask, int width, int height);
/// One RLE per class present in the label map (void pixels belong to none), in a single pass.
std::map<std::uint16_t, CocoRle> rleEncodeLabels(const LabelMap& labels);

/// Decodes to a row-major mask (1 inside, 0 outside). Throws zm::Error when the counts do not add up
/// to height x width.
std::vector<std::uint8_t> rleDecode(const CocoRle& rle);

/// The COCO API's compressed string form of the counts ("counts" in COCO JSON).
std::string rleToString(const std::vector<std::uint32_t>& counts);
/// Parses the compressed string; throws zm::Error for characters outside 48..111, a truncated
/// count or a negative run.
std::vector<std::uint32_t> rleFromString(const std::string& s);

} // namespace zm
