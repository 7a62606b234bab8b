// Built-in backbones: MobileNetV2-style and dilated-ResNet encoders sharing one ASPP + decoder.
#include "core/engine/backbone.h"

#include "core/common/error.h"

#include <torch/nn/functional/pooling.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>

#include <cmath>

namespace zm {

namespace F = torch::nn::functional;

namespace {

int roundChannels(double c)
{
    // Multiples of 8 keep the depthwise/pointwise kernels on their fast paths.
    return std::max(8, int(std::lround(c / 8.0)) * 8);
}

torch::Tensor resizeTo(const torch::Tensor& x, int64_t h, int64_t w)
{
    if (x.size(2) == h && x.size(3) == w)
        return x;
    return F::interpolate(x, F::InterpolateFuncOptions().size(std::vector<int64_t>{h, w}).mode(torch::kBilinear).align_corners(false));
}

/// MobileNetV2 inverted residual: 1x1 expand, 3x3 depthwise (strided or dilated), 1x1 linear project.
struct InvertedResidualImpl : torch::nn::Module {
    InvertedResidualImpl(int in, int out, int stride, int dilation, int expand)
        : mResidual(stride == 1 && in == out)
    {
        const int hidden = in * expand;
        body = register_module("body", torch::nn::Sequential());
        if (expand != 1)
            body->push_back(ConvBnAct(in, hidden, 1));
        body->push_back(ConvBnAct(hidden, hidden, 3, stride, dilation, hidden));
        body->push_back(ConvBnAct(hidden, out, 1, 1, 1, 1, false));
    }
    torch::Tensor forward(const torch::Tensor& x)
    {
        auto y = body->forward(x);
        return mResidual ? x + y : y;
    }
    torch::nn::Sequential body{nullptr};
    bool mResidual;
};
TORCH_MODULE(InvertedResidual);

struct MobileEncoderImpl : EncoderImpl {
    explicit MobileEncoderImpl(const BackboneOptions& o)
    {
        struct Stage { int t, c, n, s; };
        const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
        int in = roundChannels(32 * o.width());
        low = register_module("low", torch::nn::Sequential());
        high = register_module("high", torch::nn::Sequential());
        low->push_back(ConvBnAct(3, in, 3, 2));
        int stride = 2, dilation = 1;
        bool inLow = true; // blocks up to stride 4 feed the decoder's low-level skip
        for (const auto& st : stages) {
            const int out = roundChannels(st.c * o.width());
            const int n = std::max(1, int(std::ceil(st.n * o.depth() - 1e-9)));
            for (int i = 0; i < n; ++i) {
                int s = i == 0 ? st.s : 1;
                if (s == 2 && stride >= o.outputStride()) {
                    // Past the output stride: dilate instead of striding (DeepLab).
                    dilation *= 2;
                    s = 1;
                } else if (s == 2) {
                    if (stride == 4)
                        inLow = false;
                    stride *= 2;
                }
                (inLow ? low : high)->push_back(InvertedResidual(in, out, s, dilation, st.t));
                in = out;
                if (inLow)
                    mLow = in;
            }
        }
        mHigh = in;
    }
    std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) override
    {
        auto l = low->forward(x);
        return {l, high->forward(l)};
    }
    int lowChannels() const override { return mLow; }
    int highChannels() const override { return mHigh; }
    torch::nn::Sequential low{nullptr}, high{nullptr};
    int mLow = 0, mHigh = 0;
};

/// ResNet bottleneck (1x1, 3x3 strided/dilated, 1x1 x4) with a projection shortcut when shapes change.
struct BottleneckImpl : torch::nn::Module {
    BottleneckImpl(int in, int mid, int stride, int dilation)
    {
        const int out = mid * 4;
        body = register_module("body", torch::nn::Sequential(ConvBnAct(in, mid, 1), ConvBnAct(mid, mid, 3, stride, dilation),
                                                             ConvBnAct(mid, out, 1, 1, 1, 1, false)));
        if (stride != 1 || in != out)
            shortcut = register_module("shortcut", ConvBnAct(in, out, 1, stride, 1, 1, false));
    }
    torch::Tensor forward(const torch::Tensor& x)
    {
        auto y = body->forward(x);
        return torch::relu(y + (shortcut ? shortcut->forward(x) : x));
    }
    torch::nn::Sequential body{nullptr};
    ConvBnAct shortcut{nullptr};
};
TORCH_MODULE(Bottleneck);

std::vector<int> resnetBlocks(double depth)
{
    const int d = int(std::lround(depth));
    if (d == 26) return {1, 2, 4, 1};
    if (d == 50) return {3, 4, 6, 3};
    if (d == 101) return {3, 4, 23, 3};
    if (d == 152) return {3, 8, 36, 3};
    throw Error("architecture: resnet depth " + std::to_string(d) + " is not supported (use 26, 50, 101 or 152)");
}

struct ResnetEncoderImpl : EncoderImpl {
    explicit ResnetEncoderImpl(const BackboneOptions& o)
    {
        const auto blocks = resnetBlocks(o.depth());
        const int base = roundChannels(64 * o.width());
        stem = register_module("stem", ConvBnAct(3, base, 7, 2));
        low = register_module("low", torch::nn::Sequential());
        high = register_module("high", torch::nn::Sequential());
        int in = base, stride = 4, dilation = 1;
        for (int stage = 0; stage < 4; ++stage) {
            const int mid = base << stage;
            for (int i = 0; i < blocks[stage]; ++i) {
                int s = (i == 0 && stage > 0) ? 2 : 1;
                int d = dilation;
                if (s == 2 && stride >= o.outputStride()) {
                    dilation *= 2;
                    d = dilation;
                    s = 1;
                } else if (s == 2) {
                    stride *= 2;
                }
                (stage == 0 ? low : high)->push_back(Bottleneck(in, mid, s, d));
                in = mid * 4;
            }
            if (stage == 0)
                mLow = in;
        }
        mHigh = in;
    }
    std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) override
    {
        auto s = F::max_pool2d(stem->forward(x), F::MaxPool2dFuncOptions(3).stride(2).padding(1));
        auto l = low->forward(s);
        return {l, high->forward(l)};
    }
    int lowChannels() const override { return mLow; }
    int highChannels() const override { return mHigh; }
    ConvBnAct stem{nullptr};
    torch::nn::Sequential low{nullptr}, high{nullptr};
    int mLow = 0, mHigh = 0;
};

const char* const kKinds = "mobile, resnet or torchscript";

} // namespace

ConvBnActImpl::ConvBnActImpl(int in, int out, int kernel, int stride, int dilation, int groups, bool act) : mAct(act)
{
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                                         .stride(stride)
                                                         .padding(dilation * (kernel - 1) / 2)
                                                         .dilation(dilation)
                                                         .groups(groups)
                                                         .bias(false)));
    bn = register_module("bn", torch::nn::BatchNorm2d(out));
}

torch::Tensor ConvBnActImpl::forward(const torch::Tensor& x)
{
    auto y = bn->forward(conv->forward(x));
    return mAct ? torch::relu6(y) : y;
}

AsppImpl::AsppImpl(int in, int out, int outputStride)
{
    // Rates suited to the 256-513 px inputs this tool trains on (DeepLab's 6/12/18 at 513 px, halved
    // because most feature maps here are only 16-32 cells wide); doubled at output stride 8.
    const int m = 16 / outputStride;
    branches = register_module("branches", torch::nn::ModuleList());
    branches->push_back(ConvBnAct(in, out, 1));
    for (int r : {3, 6, 9})
        branches->push_back(torch::nn::Sequential(ConvBnAct(in, in, 3, 1, r * m, in), ConvBnAct(in, out, 1)));
    pool = register_module("pool", ConvBnAct(in, out, 1));
    project = register_module("project", ConvBnAct(out * 5, out, 1));
}

torch::Tensor AsppImpl::forward(const torch::Tensor& x)
{
    std::vector<torch::Tensor> parts;
    for (const auto& b : *branches) {
        if (auto seq = b->as<torch::nn::SequentialImpl>())
            parts.push_back(seq->forward(x));
        else
            parts.push_back(b->as<ConvBnActImpl>()->forward(x));
    }
    // Image-level context; batch norm in the pool branch runs on B values per channel, so batches
    // of one would fail in training: pool after the 1x1 conv+BN over the full map instead.
    auto g = pool->forward(x).mean({2, 3}, true);
    parts.push_back(g.expand({-1, -1, x.size(2), x.size(3)}));
    return project->forward(torch::cat(parts, 1));
}

BackboneImpl::BackboneImpl(BackboneOptions options) : mOptions(std::move(options))
{
    if (mOptions.kind() == "mobile")
        encoder = std::make_shared<MobileEncoderImpl>(mOptions);
    else if (mOptions.kind() == "resnet")
        encoder = std::make_shared<ResnetEncoderImpl>(mOptions);
    else if (mOptions.kind() == "torchscript")
        encoder = makeScriptEncoder(mOptions);
    else
        throw Error("architecture: unknown backbone kind '" + mOptions.kind() + "' (expected " + kKinds + ")");
    register_module("encoder", encoder);
    const int os = mOptions.kind() == "torchscript" ? 16 : mOptions.outputStride();
    aspp = register_module("aspp", Aspp(encoder->highChannels(), mOptions.asppChannels(), os));
    int fuseIn = mOptions.asppChannels();
    if (encoder->lowChannels() > 0) {
        lowProject = register_module("lowProject", ConvBnAct(encoder->lowChannels(), mOptions.lowLevelChannels(), 1));
        fuseIn += mOptions.lowLevelChannels();
    }
    const int f = mOptions.featureDim();
    fuse = register_module("fuse", torch::nn::Sequential(ConvBnAct(fuseIn, fuseIn, 3, 1, 1, fuseIn), ConvBnAct(fuseIn, f, 1),
                                                         ConvBnAct(f, f, 3, 1, 1, f), ConvBnAct(f, f, 1)));
}

torch::Tensor BackboneImpl::forward(const torch::Tensor& x)
{
    const int64_t h = (x.size(2) + kStride - 1) / kStride, w = (x.size(3) + kStride - 1) / kStride;
    auto [low, high] = encoder->encode(x);
    auto y = resizeTo(aspp->forward(high), h, w);
    if (lowProject)
        y = torch::cat({y, lowProject->forward(resizeTo(low, h, w))}, 1);
    return fuse->forward(y);
}

std::int64_t parameterCount(const torch::nn::Module& m)
{
    std::int64_t n = 0;
    for (const auto& p : m.parameters())
        n += p.numel();
    return n;
}

Json BackboneOptions::toJson() const
{
    Json j{{"kind", kind()},
           {"width", width()},
           {"depth", depth()},
           {"outputStride", outputStride()},
           {"asppChannels", asppChannels()},
           {"featureDim", featureDim()},
           {"lowLevelChannels", lowLevelChannels()}};
    if (kind() == "torchscript")
        j.update(Json{{"scriptPath", scriptPath()}, {"scriptChannels", scriptChannels()}, {"scriptStride", scriptStride()}});
    return j;
}

BackboneOptions BackboneOptions::fromJson(const Json& j, const std::string& source)
{
    if (!j.is_object())
        throw Error(source + ": backbone architecture must be a JSON object");
    BackboneOptions o;
    try {
        o.kind(j.value("kind", o.kind()));
        o.width(j.value("width", o.width()));
        o.depth(j.value("depth", o.depth()));
        o.outputStride(j.value("outputStride", o.outputStride()));
        o.asppChannels(j.value("asppChannels", o.asppChannels()));
        o.featureDim(j.value("featureDim", o.featureDim()));
        o.lowLevelChannels(j.value("lowLevelChannels", o.lowLevelChannels()));
        o.scriptPath(j.value("scriptPath", o.scriptPath()));
        o.scriptChannels(j.value("scriptChannels", 0));
        o.scriptStride(j.value("scriptStride", 0));
    } catch (const Json::exception& e) {
        throw Error(source + ": backbone architecture has a field of the wrong type (" + e.what() + ")");
    }
    if (o.kind() != "mobile" && o.kind() != "resnet" && o.kind() != "torchscript")
        throw Error(source + ": unknown backbone kind '" + o.kind() + "' (expected " + kKinds + ")");
    if (o.outputStride() != 8 && o.outputStride() != 16)
        throw Error(source + ": outputStride must be 8 or 16, not " + std::to_string(o.outputStride()));
    if (!(o.width() > 0 && o.width() <= 8) || !(o.depth() > 0 && o.depth() <= 200))
        throw Error(source + ": width must be in (0, 8] and depth in (0, 200]");
    if (o.asppChannels() < 8 || o.featureDim() < 8 || o.lowLevelChannels() < 8 || o.asppChannels() > 4096 ||
        o.featureDim() > 4096 || o.lowLevelChannels() > 4096)
        throw Error(source + ": asppChannels, featureDim and lowLevelChannels must be between 8 and 4096");
    if (o.kind() == "torchscript" && o.scriptPath().empty())
        throw Error(source + ": a torchscript backbone needs 'scriptPath'");
    return o;
}

BackboneOptions BackboneOptions::preset(const std::string& name)
{
    BackboneOptions o;
    if (name == "small")
        return o.kind("mobile").width(0.75).depth(0.5).outputStride(16).asppChannels(96).featureDim(64).lowLevelChannels(24);
    if (name == "mobile")
        return o.kind("mobile").width(1.0).depth(1.0).outputStride(16).asppChannels(256).featureDim(256).lowLevelChannels(48);
    if (name == "resnet50" || name == "resnet101")
        return o.kind("resnet").width(1.0).depth(name == "resnet50" ? 50 : 101).outputStride(16).asppChannels(256).featureDim(256).lowLevelChannels(48);
    throw Error("unknown backbone '" + name + "' (expected small, mobile, resnet50, resnet101 or a TorchScript .pt file)");
}

} // namespace zm
