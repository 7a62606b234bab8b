// The built-in backbones (internal to core/; includes Torch): a DeepLab-style encoder-decoder
// that maps an image batch [B,3,H,W] to per-pixel features [B,F,H/4,W/4]. One code path for a
// small CPU-trainable MobileNetV2-style net and a dilated ResNet-101-class net (kind + width/depth
// options), plus an external TorchScript encoder standing in for the built-in one.
#pragma once
#include "core/common/json.h"

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <string>
#include <utility>

namespace zm {

/// Options shared by every backbone kind. Serialised into the model card's "architecture".
struct BackboneOptions {
    /// "mobile" (inverted residuals, depthwise-separable), "resnet" (dilated bottleneck ResNet) or
    /// "torchscript" (encoder loaded from `scriptPath`).
    TORCH_ARG(std::string, kind) = "mobile";
    /// Channel multiplier of the encoder (1.0 = MobileNetV2 / ResNet widths).
    TORCH_ARG(double, width) = 1.0;
    /// Blocks per stage: mobile multiplies MobileNetV2's counts by depth (rounded up);
    /// resnet: 50 -> [3,4,6,3], 101 -> [3,4,23,3], any other n -> [1,1,n,1]... see blockCounts().
    TORCH_ARG(double, depth) = 1.0;
    /// 8 or 16: the encoder's stride; later stages are dilated instead of strided.
    TORCH_ARG(int, outputStride) = 16;
    /// ASPP output channels.
    TORCH_ARG(int, asppChannels) = 128;
    /// Channels of the decoder's output = per-pixel feature dimension F.
    TORCH_ARG(int, featureDim) = 128;
    /// Channels the low-level (stride 4) skip is reduced to in the decoder.
    TORCH_ARG(int, lowLevelChannels) = 32;
    /// TorchScript encoder file (kind "torchscript"): maps [B,3,H,W] -> [B,C,H/s,W/s].
    TORCH_ARG(std::string, scriptPath) = "";
    /// Output channels and stride of the TorchScript encoder (probed when the file is loaded).
    TORCH_ARG(int, scriptChannels) = 0;
    TORCH_ARG(int, scriptStride) = 0;

public:
    Json toJson() const;
    /// Throws zm::Error naming `source` for unknown kinds or out-of-range values.
    static BackboneOptions fromJson(const Json& j, const std::string& source = "architecture");
    /// Named presets: "small" (CPU-trainable, ~0.9 M parameters), "mobile" (MobileNetV2 width 1.0),
    /// "resnet50", "resnet101" (DeepLab-class). Throws zm::Error for an unknown name.
    static BackboneOptions preset(const std::string& name);
};

/// conv + batch norm + ReLU(6): the unit every block is made of.
struct ConvBnActImpl : torch::nn::Module {
    ConvBnActImpl(int in, int out, int kernel, int stride = 1, int dilation = 1, int groups = 1, bool act = true);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Conv2d conv{nullptr};
    torch::nn::BatchNorm2d bn{nullptr};
    bool mAct;
};
TORCH_MODULE(ConvBnAct);

/// Encoder interface: returns {low-level features at stride 4 (may be undefined), high-level features}.
struct EncoderImpl : torch::nn::Module {
    virtual std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) = 0;
    virtual int lowChannels() const = 0;
    virtual int highChannels() const = 0;
};

/// Atrous spatial pyramid pooling (DeepLabv3) with depthwise-separable branches.
struct AsppImpl : torch::nn::Module {
    AsppImpl(int in, int out, int outputStride);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::ModuleList branches{nullptr};
    ConvBnAct pool{nullptr};
    ConvBnAct project{nullptr};
};
TORCH_MODULE(Aspp);

/// Encoder + ASPP + light decoder (DeepLabv3+): features at stride 4.
struct BackboneImpl : torch::nn::Module {
    explicit BackboneImpl(BackboneOptions options);
    /// [B,3,H,W] normalised images -> [B,F,ceil(H/4),ceil(W/4)] (H, W multiples of 32 are cheapest).
    torch::Tensor forward(const torch::Tensor& x);
    const BackboneOptions& options() const { return mOptions; }
    int featureDim() const { return mOptions.featureDim(); }
    /// Input sides are padded to a multiple of this before encoding.
    int inputAlign() const { return 32; }
    /// Feature map stride relative to the input.
    static constexpr int kStride = 4;

    std::shared_ptr<EncoderImpl> encoder;
    Aspp aspp{nullptr};
    ConvBnAct lowProject{nullptr};
    torch::nn::Sequential fuse{nullptr};
    BackboneOptions mOptions;
};
TORCH_MODULE(Backbone);

/// Number of trainable parameters of a module.
std::int64_t parameterCount(const torch::nn::Module& m);

} // namespace zm

namespace zm {
/// Loads a TorchScript encoder (scriptencoder.cpp); fills scriptChannels/scriptStride by probing.
std::shared_ptr<EncoderImpl> makeScriptEncoder(BackboneOptions& options);
/// What a TorchScript encoder's forward returned, as (low, high): one tensor is (undefined, it); a pair of
/// tensors (what `backbone convert --low` writes) is (low-level features, output); a longer tuple, its
/// last element alone. Throws zm::Error for anything else.
std::pair<torch::Tensor, torch::Tensor> scriptEncoderOutputs(const c10::IValue& out);
} // namespace zm
