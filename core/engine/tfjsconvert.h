// Converts the convolutional trunk of a TF.js Keras layers model into a TorchScript encoder file
// for `--backbone FILE.pt` (BackboneOptions kind "torchscript": [B,3,H,W] -> [B,C,H/s,W/s]).
// Torch-free header (the CLI includes it); the conversion itself uses LibTorch's C++ API.
//
// Supported layers (channels_last Keras, as TF.js stores them): InputLayer, ZeroPadding2D, Conv2D,
// DepthwiseConv2D (padding valid/same with TF's asymmetric "same", strides, dilation, bias,
// activation linear/relu/relu6), BatchNormalization (epsilon from the config; folded into the
// convolution before it when that convolution feeds nothing else), ReLU (max_value, no slope or
// threshold), Activation (linear/relu/relu6), Add. Only the layers the output depends on are
// converted, so a cut (`until`) before a classifier head skips Dense/Flatten/pooling layers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zm {

namespace tfjs {
class Model;
}

struct TfjsConvertOptions {
    /// Name of the last layer to keep (its output is the encoder's output). Empty: the model's output.
    std::string until;
    /// What the engine feeds the module, undone before the first layer so the trunk sees RGB in 0..1:
    /// "imagenet" = (x - mean) / std with the ImageNet mean/std (every model card's default
    /// normalisation, which `train --backbone FILE.pt` uses); "none" = RGB 0..1 as is.
    std::string input = "imagenet";
    /// Fold each BatchNormalization into the convolution before it where possible.
    bool foldBatchNorm = true;
};

struct TfjsConvertReport {
    std::string output;          ///< the output layer
    int layers = 0;              ///< Keras layers converted (input included)
    int channels = 0, stride = 0;///< probed on a [1,3,64,64] input
    std::int64_t parameters = 0; ///< values in the written module
    std::vector<std::string> classes; ///< distinct Keras layer classes converted
};

/// Builds the TorchScript module and saves it atomically to `out`. Throws zm::Error naming the model
/// file and the layer for anything unsupported or inconsistent (unknown layer class, missing weight,
/// a kernel whose shape disagrees with the config or with its input's channels, ...).
TfjsConvertReport convertTfjsToTorchScript(const tfjs::Model& model, const TfjsConvertOptions& options,
                                           const std::filesystem::path& out);
/// Same, reading the model with tfjs::loadModel (model.json, model.min.js bundle or a folder).
TfjsConvertReport convertTfjsToTorchScript(const std::filesystem::path& model, const TfjsConvertOptions& options,
                                           const std::filesystem::path& out);

} // namespace zm
