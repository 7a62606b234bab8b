// The cheap half of segmentation (internal; ATen inside): class probabilities at feature resolution
// and a fused bilinear-upsample + calibrate + argmax to image resolution that never materialises the
// C x H x W score volume. Used by Segmenter::score() and by the trainer's calibration search.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace zm {

/// softmax over classes of scale * classMatrix[K,D] . embedding[D,h,w] -> [K,h,w].
at::Tensor classProbabilities(const at::Tensor& embedding, const at::Tensor& classMatrix, double scale);

struct UpsampleArgmax {
    int outWidth = 0, outHeight = 0;
    /// Source coordinate of output pixel x is (x + 0.5) * scaleX - 0.5 (align_corners=false).
    double scaleX = 1, scaleY = 1;
    /// Added to class k's score before the argmax (bias - gamma for seen classes).
    std::vector<float> offset;
    /// Output label of class k (its index in the caller's class set).
    std::vector<std::uint16_t> labelOf;
    /// Pixels whose best score is below this get `voidLabel`.
    float voidThreshold = -1e30f;
    std::uint16_t voidLabel = 0xFFFF;
};

/// scores [K,h,w] float (contiguous, CPU) -> labels and winning score per output pixel (row-major).
/// `confidence` may be null.
void upsampleArgmax(const at::Tensor& scores, const UpsampleArgmax& p, std::uint16_t* labels, float* confidence);

} // namespace zm
