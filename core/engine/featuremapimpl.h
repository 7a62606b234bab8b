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
    /// ConSE (core/engine/conse.h): each cell's unit semantic vector from a classifier of other classes,
    /// [D,h',w'] on its own grid of `conseStride` input pixels per cell; undefined without it.
    at::Tensor conse;
    int conseStride = 0;
    double conseScale = 1.0;   ///< the classifier saw the input resized by this factor
};

} // namespace zm
