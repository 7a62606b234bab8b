// The networks of the generative methods.
#include "core/engine/generative/modules.h"

#include <torch/nn/init.h>

namespace zm::generative {

namespace {

torch::nn::Linear linear(torch::nn::Module& owner, const std::string& name, int in, int out)
{
    return owner.register_module(name, torch::nn::Linear(in, out));
}

torch::nn::Conv2d conv(torch::nn::Module& owner, const std::string& name, int in, int out, int kernel, int dilation)
{
    auto options = torch::nn::Conv2dOptions(in, out, kernel).padding(dilation * (kernel / 2)).dilation(dilation);
    return owner.register_module(name, torch::nn::Conv2d(options));
}

at::Tensor lrelu(const at::Tensor& x) { return at::leaky_relu(x, 0.2); }

} // namespace

// ---------------------------------------------------------------- GMMN
GmmnGeneratorImpl::GmmnGeneratorImpl(int embedDim, int noiseDim, int hidden, int featureDim, double dropout)
    : mNoiseDim(noiseDim), mDropout(dropout)
{
    if (hidden > 0) {
        mHidden = linear(*this, "hidden", embedDim + noiseDim, hidden);
        mOut = linear(*this, "out", hidden, featureDim);
    } else {
        mOut = linear(*this, "out", embedDim + noiseDim, featureDim);
    }
    // As in the authors' code: Xavier-uniform weights, biases 0.01.
    torch::NoGradGuard noGrad;
    for (auto& p : named_parameters()) {
        if (p.key().find("weight") != std::string::npos)
            torch::nn::init::xavier_uniform_(p.value());
        else
            p.value().fill_(0.01);
    }
}

at::Tensor GmmnGeneratorImpl::forward(const at::Tensor& embedding, const at::Tensor& noise)
{
    auto x = at::cat({embedding, noise}, 1);
    if (mHidden)
        x = at::dropout(lrelu(mHidden(x)), mDropout, is_training());
    return mOut(x);
}

// ---------------------------------------------------------------- classifier factory
ClassifierFactoryImpl::ClassifierFactoryImpl(int embedDim, int hidden, int featureDim) : mFeatureDim(featureDim)
{
    mLinear = linear(*this, "linear", embedDim, featureDim + 1);
    if (hidden > 0) {
        mHidden = linear(*this, "hidden", embedDim, hidden);
        mOut = linear(*this, "out", hidden, featureDim + 1);
    }
}

std::pair<at::Tensor, at::Tensor> ClassifierFactoryImpl::forward(const at::Tensor& classVectors)
{
    auto wb = mLinear(classVectors);
    if (mHidden)
        wb = wb + mOut(lrelu(mHidden(classVectors)));
    return {wb.slice(1, 0, mFeatureDim), wb.select(1, mFeatureDim)};
}

// ---------------------------------------------------------------- contextual module
ContextualModuleImpl::ContextualModuleImpl(int featureDim, int latentDim) : mLatent(latentDim)
{
    mC1 = conv(*this, "dilated1", featureDim, latentDim, 3, 1);
    mC2 = conv(*this, "dilated2", latentDim, latentDim, 3, 2);
    mC3 = conv(*this, "dilated5", latentDim, latentDim, 3, 5);
    mGate = conv(*this, "gate", 3 * latentDim, 3, 1, 1);
    mFuse = conv(*this, "fuse", 3 * latentDim, latentDim, 1, 1);
    mMu = conv(*this, "mu", latentDim, latentDim, 3, 1);
    mLogvar = conv(*this, "logvar", latentDim, latentDim, 3, 1);
}

ContextualModuleImpl::Output ContextualModuleImpl::forward(const at::Tensor& features)
{
    auto h1 = at::relu(mC1(features));
    auto h2 = at::relu(mC2(h1));
    auto h3 = at::relu(mC3(h2));
    // Per-pixel attention over the three receptive fields, as in CaGNet.
    auto gate = at::sigmoid(mGate(at::cat({h1, h2, h3}, 1)));
    auto mixed = at::cat({h1 * gate.slice(1, 0, 1), h2 * gate.slice(1, 1, 2), h3 * gate.slice(1, 2, 3)}, 1);
    auto fused = at::relu(mFuse(mixed));
    Output out;
    out.mu = mMu(fused);
    out.logvar = mLogvar(fused);
    out.code = is_training() ? out.mu + at::randn_like(out.mu) * at::exp(0.5 * out.logvar) : out.mu;
    return out;
}

// ---------------------------------------------------------------- CaGNet generator
CagnetGeneratorImpl::CagnetGeneratorImpl(int embedDim, int latentDim, int hidden, int featureDim) : mLatent(latentDim)
{
    mL1 = linear(*this, "l1", embedDim + latentDim, hidden);
    mL2 = linear(*this, "l2", hidden, hidden);
    mOut = linear(*this, "out", hidden, featureDim);
    mSkip = linear(*this, "skip", embedDim + latentDim, featureDim);
}

at::Tensor CagnetGeneratorImpl::forward(const at::Tensor& embedding, const at::Tensor& latent)
{
    const auto in = at::cat({embedding, latent}, 1);
    auto x = at::dropout(lrelu(mL1(in)), 0.1, is_training());
    x = at::dropout(lrelu(mL2(x)), 0.3, is_training());
    return mOut(x) + mSkip(in);
}

// ---------------------------------------------------------------- discriminator
DiscriminatorImpl::DiscriminatorImpl(int featureDim, int hidden)
{
    mFc = linear(*this, "fc", featureDim, hidden);
    mOut = linear(*this, "out", hidden, 1);
}

at::Tensor DiscriminatorImpl::forward(const at::Tensor& features)
{
    return mOut(at::dropout(at::relu(mFc(features)), 0.5, is_training())).squeeze(1);
}

// ---------------------------------------------------------------- variational mapping
VaeMappingImpl::VaeMappingImpl(int embedDim, int featureDim, int latentDim, int hidden)
{
    mEnc = linear(*this, "enc", embedDim, hidden);
    mMu = linear(*this, "mu", hidden, latentDim);
    mLogvar = linear(*this, "logvar", hidden, latentDim);
    mDecX = linear(*this, "dec_x", featureDim, hidden);
    mDecZ = register_module("dec_z", torch::nn::Linear(torch::nn::LinearOptions(latentDim, hidden).bias(false)));
    mDecOut = linear(*this, "dec_out", hidden, 1);
}

std::pair<at::Tensor, at::Tensor> VaeMappingImpl::encode(const at::Tensor& classVectors)
{
    auto h = lrelu(mEnc(classVectors));
    return {mMu(h), mLogvar(h)};
}

at::Tensor VaeMappingImpl::decode(const at::Tensor& features, const at::Tensor& z)
{
    const auto hz = mDecZ(z);                       // [C,H]
    const auto v = mDecOut->weight.squeeze(0);      // [H]
    const auto b = mDecOut->bias;                   // [1]
    // Bounded memory: N x C x H floats per chunk.
    const int64_t chunk = std::max<int64_t>(1, (int64_t(1) << 22) / std::max<int64_t>(1, z.size(0) * hz.size(1)));
    std::vector<at::Tensor> parts;
    for (int64_t start = 0; start < features.size(0); start += chunk) {
        const auto hx = mDecX(features.slice(0, start, std::min(features.size(0), start + chunk))); // [n,H]
        const auto h = lrelu(hx.unsqueeze(1) + hz.unsqueeze(0));                                      // [n,C,H]
        parts.push_back(at::matmul(h, v) + b);                                                        // [n,C]
    }
    if (parts.empty())
        return at::empty({0, z.size(0)}, features.options());
    return parts.size() == 1 ? parts.front() : at::cat(parts, 0);
}

} // namespace zm::generative
