// The cheap half of segmentation (internal; ATen inside): class logits at feature resolution and a
// fused bilinear-upsample + softmax + calibrate + argmax to image resolution that never materialises the
// C x H x W score volume. As in SPNet's code, logits (not probabilities) are upsampled and the softmax
// is taken per image pixel, so adding a class can only change the pixels it wins when gamma is 0.
// Used by Segmenter::score() and by the trainer's calibration search.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace zm {

/// scale * classMatrix[K,D] . embedding[D,h,w] -> logits [K,h,w].
at::Tensor classLogits(const at::Tensor& embedding, const at::Tensor& classMatrix, double scale);
/// softmax over classes of classLogits() -> [K,h,w] (at feature resolution).
at::Tensor classProbabilities(const at::Tensor& embedding, const at::Tensor& classMatrix, double scale);

struct UpsampleArgmax {
    int outWidth = 0, outHeight = 0;
    /// Source coordinate of output pixel x is (x + 0.5) * scaleX - 0.5 (align_corners=false).
    double scaleX = 1, scaleY = 1;
    /// Added to class k's probability before the argmax (bias - gamma for seen classes).
    std::vector<float> offset;
    /// Output label of class k (its index in the caller's class set).
    std::vector<std::uint16_t> labelOf;
    /// Pixels whose best score is below this get `voidLabel`.
    float voidThreshold = -1e30f;
    std::uint16_t voidLabel = 0xFFFF;
};

/// logits [K,h,w] float (CPU) -> per output pixel: softmax of the bilinearly upsampled logits plus
/// offset, argmax label and its calibrated score (row-major). `confidence` may be null.
void upsampleArgmax(const at::Tensor& logits, const UpsampleArgmax& p, std::uint16_t* labels, float* confidence);

/// How many threads the engine's own parallel loops (`at::parallel_for` in engine code, e.g. the two
/// functions above) really run on: at::get_num_threads() when the engine was built with LibTorch's
/// OpenMP, 1 when they silently fell back to one thread (see docs/ENGINE.md, Speed).
int engineParallelWorkers();

/// The same for linear class scores, logits = weights[K,D] . features[D,h,w] + bias[K], computed row by
/// row inside the parallel loop (no [K,h,w] logits tensor, and the product runs on every thread where a
/// BLAS call would run on one). CPU float tensors; `bias` may be undefined (zero).
void linearUpsampleArgmax(const at::Tensor& features, const at::Tensor& weights, const at::Tensor& bias,
                          const UpsampleArgmax& p, std::uint16_t* labels, float* confidence);

} // namespace zm
