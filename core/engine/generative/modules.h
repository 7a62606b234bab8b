// The networks of the generative methods (internal to core/engine: Torch types). Each works on
// pixels as rows [N, D] except the contextual module, which sees whole feature maps [B, D, h, w].
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <utility>

namespace zm::generative {

/// ZS3Net's GMMN generator: [class vector, noise] -> hidden (LeakyReLU 0.2, dropout) -> feature.
/// hidden == 0 gives the authors' linear variant.
class GmmnGeneratorImpl : public torch::nn::Module {
public:
    GmmnGeneratorImpl(int embedDim, int noiseDim, int hidden, int featureDim, double dropout);
    at::Tensor forward(const at::Tensor& embedding, const at::Tensor& noise);
    int noiseDim() const { return mNoiseDim; }

private:
    int mNoiseDim;
    double mDropout;
    torch::nn::Linear mHidden{nullptr}, mOut{nullptr};
};
TORCH_MODULE(GmmnGenerator);

/// The final classifier as a function of the class vector: e -> (w_e [D], b_e). A linear map plus an
/// MLP residual, so a class never seen in training still gets a classifier from its vector.
class ClassifierFactoryImpl : public torch::nn::Module {
public:
    ClassifierFactoryImpl(int embedDim, int hidden, int featureDim);
    /// classVectors [C,E] -> {weights [C,D], bias [C]}.
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor& classVectors);

private:
    int mFeatureDim;
    torch::nn::Linear mLinear{nullptr}, mHidden{nullptr}, mOut{nullptr};
};
TORCH_MODULE(ClassifierFactory);

/// CaGNet's Contextual Module: dilated 3x3 convolutions (rates 1, 2, 5) over the feature map, a learned
/// per-pixel gate over the three scales, then per-pixel mean and log-variance of the latent code.
class ContextualModuleImpl : public torch::nn::Module {
public:
    struct Output {
        at::Tensor mu, logvar, code; ///< each [B, L, h, w]; code = mu + eps * sigma in training, mu otherwise
    };
    ContextualModuleImpl(int featureDim, int latentDim);
    Output forward(const at::Tensor& features);

private:
    int mLatent;
    torch::nn::Conv2d mC1{nullptr}, mC2{nullptr}, mC3{nullptr}, mGate{nullptr}, mFuse{nullptr}, mMu{nullptr},
        mLogvar{nullptr};
};
TORCH_MODULE(ContextualModule);

/// CaGNet's generator: [class vector, contextual latent code] -> feature, a pixel-wise MLP
/// (LeakyReLU 0.2, dropout 0.1 / 0.3 as in the authors' first and middle layers) plus a linear path
/// from the input: with few seen classes the MLP alone extrapolates badly to unseen class vectors.
class CagnetGeneratorImpl : public torch::nn::Module {
public:
    CagnetGeneratorImpl(int embedDim, int latentDim, int hidden, int featureDim);
    at::Tensor forward(const at::Tensor& embedding, const at::Tensor& latent);
    int latentDim() const { return mLatent; }

private:
    int mLatent;
    torch::nn::Linear mL1{nullptr}, mL2{nullptr}, mOut{nullptr}, mSkip{nullptr};
};
TORCH_MODULE(CagnetGenerator);

/// CaGNet's discriminator (adversarial head): feature -> fc (ReLU, dropout 0.5) -> real/fake score.
/// Its classification head is the ClassifierFactory, shared with inference.
class DiscriminatorImpl : public torch::nn::Module {
public:
    DiscriminatorImpl(int featureDim, int hidden);
    at::Tensor forward(const at::Tensor& features); ///< [N,D] -> [N] (unbounded: LSGAN)

private:
    torch::nn::Linear mFc{nullptr}, mOut{nullptr};
};
TORCH_MODULE(Discriminator);

/// Variational mapping (Kato et al.): a VAE encoder maps each class vector to N(mu, sigma^2) in a latent
/// space; a decoder scores [pixel feature, z] pairs. The decoder's first layer is split into its
/// feature and latent halves so every (pixel, class) pair costs one add + LeakyReLU + dot product.
class VaeMappingImpl : public torch::nn::Module {
public:
    VaeMappingImpl(int embedDim, int featureDim, int latentDim, int hidden);
    std::pair<at::Tensor, at::Tensor> encode(const at::Tensor& classVectors); ///< -> mu, logvar [C,Z]
    /// features [N,D], z [C,Z] -> scores [N,C]; processed in chunks of pixels to bound memory.
    at::Tensor decode(const at::Tensor& features, const at::Tensor& z);

private:
    torch::nn::Linear mEnc{nullptr}, mMu{nullptr}, mLogvar{nullptr}, mDecX{nullptr}, mDecZ{nullptr}, mDecOut{nullptr};
};
TORCH_MODULE(VaeMapping);

} // namespace zm::generative
