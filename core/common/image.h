// Plain image and label-map types that cross every layer (core, ui, cli) without pulling in
// OpenCV, Torch or Qt.
#pragma once
#include <cstdint>
#include <limits>
#include <vector>

namespace zm {

/// 8-bit interleaved image, row-major, no padding. channels is 1 (grey) or 3 (RGB order).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<std::uint8_t> pixels;

    Image() = default;
    Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(std::size_t(w) * h * c, 0) {}
    bool empty() const { return width <= 0 || height <= 0 || pixels.empty(); }
    std::uint8_t* row(int y) { return pixels.data() + std::size_t(y) * width * channels; }
    const std::uint8_t* row(int y) const { return pixels.data() + std::size_t(y) * width * channels; }
};

/// Class index per pixel. Index i refers to the i-th class of the ClassSet / label map in use;
/// kVoid marks pixels with no class (unlabelled, ignored in training and metrics).
struct LabelMap {
    static constexpr std::uint16_t kVoid = std::numeric_limits<std::uint16_t>::max();

    int width = 0;
    int height = 0;
    std::vector<std::uint16_t> ids;

    LabelMap() = default;
    LabelMap(int w, int h, std::uint16_t fill = kVoid) : width(w), height(h), ids(std::size_t(w) * h, fill) {}
    bool empty() const { return width <= 0 || height <= 0; }
    std::uint16_t at(int x, int y) const { return ids[std::size_t(y) * width + x]; }
    std::uint16_t& at(int x, int y) { return ids[std::size_t(y) * width + x]; }
    bool operator==(const LabelMap& o) const { return width == o.width && height == o.height && ids == o.ids; }
};

} // namespace zm
