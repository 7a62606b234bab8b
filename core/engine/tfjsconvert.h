// Converts the convolutional trunk of a TF.js model into a TorchScript encoder file for
// `--backbone FILE.pt` (BackboneOptions kind "torchscript": [B,3,H,W] -> [B,C,H/s,W/s]): a Keras
// layers model (tfjsconvert.cpp) or a graph model (tfjsgraph.cpp), told apart by model.json's format.
// Torch-free header (the CLI includes it); the conversion itself uses LibTorch's C++ API.
//
// Layers models. Supported layers (channels_last Keras, as TF.js stores them): InputLayer, ZeroPadding2D, Conv2D,
// DepthwiseConv2D (padding valid/same with TF's asymmetric "same", strides, dilation, bias,
// activation linear/relu/relu6), BatchNormalization (epsilon from the config; folded into the
// convolution before it when that convolution feeds nothing else), ReLU (max_value, no slope or
// threshold), Activation (linear/relu/relu6), Add, Concatenate (channels), MaxPooling2D and
// AveragePooling2D (valid/same; TF's "same" average leaves padded cells out of the mean). Only the layers
// the output depends on are converted, so a cut (`until`) before a classifier head skips Dense/Flatten/
// global pooling layers.
//
// Graph models (TF GraphDef nodes, e.g. the float16 MobileNetV3 CenterNet of npm @vladmandic/human).
// Supported ops: Placeholder, Const (data from the weights manifest), Identity, Conv2D, _FusedConv2D
// and FusedDepthwiseConv2dNative (fused_ops none, BiasAdd, BiasAdd+Relu, BiasAdd+Relu6),
// DepthwiseConv2dNative (NHWC, padding SAME/VALID with TF's asymmetric SAME, strides, dilations),
// Add/AddV2/BiasAdd/Mul/Sub (feature maps with feature maps, scalars or per-channel constants),
// Relu, Relu6, Sigmoid, Mean over H and W with keep_dims (squeeze-excite), ConcatV2 over channels,
// MaxPool (SAME/VALID), and ResizeBilinear with align_corners and half_pixel_centers false (TF's
// legacy sampling, src = dst * in/out) by an integer factor, written out explicitly (not PyTorch's
// half-pixel interpolation): the factor is read from the constant output size and the node's size
// for the Placeholder's static shape, and the module then upsamples by that factor at any size.
// With `perCell`, MatMul/_FusedMatMul (+BiasAdd) on a Mean without keep_dims: an image classifier's
// head, run at every cell (see TfjsConvertOptions::perCell).
// Only the nodes the `until` node depends on are converted (the detection decoding after a heatmap
// is skipped); any other op is an error naming the node and the op.
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
    /// An earlier layer (graph node) on the path to `until` whose output the module also returns,
    /// as the first of a (low, high) pair: the high-resolution features of a DeepLabv3+ decoder (the
    /// engine's low-level skip). Its stride must be smaller than the output's. Empty: the output alone.
    std::string lowLevel;
    /// What the engine feeds the module, undone before the first layer so the trunk sees RGB in 0..1:
    /// "imagenet" = (x - mean) / std with the ImageNet mean/std (every model card's default
    /// normalisation, which `train --backbone FILE.pt` uses); "none" = RGB 0..1 as is.
    std::string input = "imagenet";
    /// The range of RGB the model itself expects: its first layer sees RGB 0..1 multiplied by this
    /// (1 for nsfwjs; 255 for the CenterNet, which was trained on 0..255 pixels).
    double inputRange = 1.0;
    /// Fold each BatchNormalization into the convolution before it where possible.
    bool foldBatchNorm = true;
    /// Layers models only: convert every "valid" convolution and pooling with a window over one pixel as
    /// TF's "same". A trunk built with valid padding (InceptionV3's stem and grid reductions) shrinks
    /// its input by a few pixels at each such layer, so its map is neither H/s nor aligned with the
    /// image; with "same" it gives [B,C,H/s,W/s] like the engine's own encoders. The weights are
    /// unchanged and interior features are the same function of the pixels around them; only cells
    /// near the border see zero (max pooling: -inf) padding.
    bool samePadding = false;
    /// Graph models: convert an image classifier's head (a dense layer on the global mean over H and W,
    /// `--until` its logits node) to run at every cell of the map it pools: per-cell class logits
    /// [B,K,H/s,W/s], whose spatial mean is the classifier's own logits. The input of ConSE
    /// (core/engine/conse.h). Off: such a dense layer is refused (its output is not a feature map).
    bool perCell = false;
};

struct TfjsConvertReport {
    std::string format;          ///< the model's format: "layers-model" or "graph-model"
    std::string output;          ///< the output layer (node of a graph model)
    int layers = 0;              ///< Keras layers converted (input included); graph nodes (Const and Placeholder included)
    int channels = 0, stride = 0;///< probed on a [1,3,64,64] input
    std::string lowOutput;       ///< the low-level layer (empty without one)
    int lowChannels = 0, lowStride = 0;
    std::int64_t parameters = 0; ///< values in the written module
    std::vector<std::string> classes; ///< distinct Keras layer classes (graph ops) converted
};

/// Builds the TorchScript module and saves it atomically to `out`. Throws zm::Error naming the model
/// file and the layer (node) for anything unsupported or inconsistent (unknown layer class or op,
/// missing weight, a kernel whose shape disagrees with the config or with its input's channels, ...).
/// A graph model goes to convertTfjsGraphToTorchScript.
TfjsConvertReport convertTfjsToTorchScript(const tfjs::Model& model, const TfjsConvertOptions& options,
                                           const std::filesystem::path& out);
/// The graph-model path (what convertTfjsToTorchScript calls for a "graph-model"); `foldBatchNorm`
/// does not apply (graph converters fold batch norms already).
TfjsConvertReport convertTfjsGraphToTorchScript(const tfjs::Model& model, const TfjsConvertOptions& options,
                                                const std::filesystem::path& out);
/// Same, reading the model with tfjs::loadModel (model.json, model.min.js bundle or a folder).
TfjsConvertReport convertTfjsToTorchScript(const std::filesystem::path& model, const TfjsConvertOptions& options,
                                           const std::filesystem::path& out);

} // namespace zm
