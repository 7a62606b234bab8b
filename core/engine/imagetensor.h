// Image <-> tensor conversions shared by the Segmenter and the trainer (internal; Torch inside).
#pragma once
#include "core/common/image.h"

#include <ATen/ATen.h>

#include <vector>

namespace zm {

/// RGB or grey 8-bit image -> float tensor [3,H,W] in 0..1 (grey is replicated).
at::Tensor imageToTensor(const Image& image);
/// Per-channel (x - mean) / std on [3,H,W] or [B,3,H,W].
at::Tensor normalizeImage(const at::Tensor& x, const std::vector<float>& mean, const std::vector<float>& stdev);
/// Photometric change of an RGB [3,H,W] image in [0,1]: brightness (x * b), then contrast (about the image's
/// mean grey: m + c * (x - m)), then saturation (about each pixel's grey: g + s * (x - g)); clamped to [0,1].
/// (1, 1, 1) returns the image unchanged; saturation 0 makes it grey, contrast 0 one flat colour.
at::Tensor adjustColour(const at::Tensor& rgb, double brightness, double contrast, double saturation);
/// Bilinear (antialiased when shrinking) resize of [C,H,W] or [B,C,H,W] float tensors.
at::Tensor resizeBilinear(const at::Tensor& x, int64_t h, int64_t w);
/// Nearest-neighbour resize of an integer label plane [H,W].
at::Tensor resizeNearest(const at::Tensor& labels, int64_t h, int64_t w);
/// Zero-pads [.., H, W] at the bottom/right so both sides are multiples of `align`.
at::Tensor padToMultiple(const at::Tensor& x, int align, double value = 0.0);

} // namespace zm
