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
/// Test-time augmentation's resampling: a view's features [C,h',w'] (cell i covering view pixels
/// [i*stride, (i+1)*stride); the view is the inW x inH input resized to w x h, mirrored left-right when
/// `mirrored`) -> features on the input's own grid [C,fh,fw]. Base cell i's centre (i + 0.5) * stride is
/// scaled by w / inW (and mirrored: w - that) and read bilinearly between the view's cell centres; the
/// view's edge cells extend beyond them. A view that is the input itself comes back unchanged.
at::Tensor viewToGrid(const at::Tensor& view, int stride, int inW, int inH, int w, int h, bool mirrored, int fw, int fh);
/// Zero-pads [.., H, W] at the bottom/right so both sides are multiples of `align`.
at::Tensor padToMultiple(const at::Tensor& x, int align, double value = 0.0);

} // namespace zm
