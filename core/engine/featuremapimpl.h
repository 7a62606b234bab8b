// What a FeatureMap holds (internal; Torch inside): the per-pixel semantic embedding at feature
// resolution and the geometry that maps it back to the image.
#pragma once
#include "core/engine/segmenter.h"

#include <ATen/ATen.h>

namespace zm {

struct FeatureMap::Impl {
    at::Tensor embedding;      ///< [D,h,w] float, CPU, contiguous (unit length per pixel for cosine heads)
    at::Tensor features;       ///< [F,h,w] backbone features; only for generative models (their classifier)
    int imageWidth = 0, imageHeight = 0;
    int inputWidth = 0, inputHeight = 0; ///< size the image was resized to before encoding
    int stride = 4;            ///< input pixels per feature cell
};

} // namespace zm
