// A trained generative zero-shot head: the networks one method needs, the scoring call the Segmenter
// makes, and save/load (internal to core/engine: Torch types; the card only sees GenerativeOptions).
#pragma once
#include "core/engine/generative/generative.h"
#include "core/engine/generative/modules.h"

#include <filesystem>
#include <memory>
#include <string>

namespace zm::generative {

class GenerativeModel {
public:
    /// featureDim: backbone feature size D; embedDim: class-vector size E. Throws zm::Error for
    /// method spnet (not generative) or non-positive sizes.
    GenerativeModel(const GenerativeOptions& options, int featureDim, int embedDim);

    const GenerativeOptions& options() const { return mOptions; }
    Method method() const { return mOptions.method; }
    int featureDim() const { return mFeatureDim; }
    int embedDim() const { return mEmbedDim; }
    int latentDim() const { return mLatentDim; }

    /// Score-time entry point for Segmenter::score(). features: [B,D,h,w] (or pixel rows [N,D]);
    /// classVectors: [C,E], any classes, including names never seen in training. Returns logits
    /// [B,C,h,w] (or [N,C]) before softmax. No gradient; thread-safe once setInference() was called.
    /// Throws zm::Error when D or E does not match the model.
    at::Tensor logits(const at::Tensor& features, const at::Tensor& classVectors) const;

    /// True for zs3 / cagnet, whose classifier is linear in the feature: classifierWeights() applies.
    bool isLinear() const { return mOptions.method != Method::Vm; }
    /// classVectors [C,E] -> {weights [C,D], bias [C]} (a 1x1 convolution's parameters). zs3 / cagnet only.
    std::pair<at::Tensor, at::Tensor> classifierWeights(const at::Tensor& classVectors) const;

    // ---- used by the trainer (with gradient) ----
    /// Pixel rows [N,D] x classes [C,E] -> logits [N,C]; VM samples z in training mode.
    at::Tensor pixelLogits(const at::Tensor& pixels, const at::Tensor& classVectors, at::Tensor* kld = nullptr);
    /// One generated feature per row of `vectors` [N,E] (ZS3 / VM: GMMN with uniform noise; CaGNet:
    /// generator with a standard-normal latent code, CaGNet's step 2).
    at::Tensor generate(const at::Tensor& vectors);

    void setTraining(bool on);
    /// Eval mode + no further changes: what logits() relies on for thread safety.
    void setInference() { setTraining(false); }
    void to(const at::Device& device);

    /// Atomic write (torch archive: options JSON, sizes, every parameter).
    void save(const std::filesystem::path& file) const;
    /// Throws zm::Error naming the file for a missing, corrupt or incompatible archive.
    static std::unique_ptr<GenerativeModel> load(const std::filesystem::path& file, const std::string& device = "cpu");

    torch::nn::Module& root() { return *mRoot; }

    GmmnGenerator gmmn{nullptr};
    ClassifierFactory classifier{nullptr};
    ContextualModule contextual{nullptr};
    CagnetGenerator cagnetGenerator{nullptr};
    Discriminator discriminator{nullptr};
    VaeMapping vae{nullptr};

private:
    GenerativeOptions mOptions;
    int mFeatureDim, mEmbedDim, mLatentDim;
    std::shared_ptr<torch::nn::Module> mRoot;
};

/// Pixel rows of a feature map: [B,D,h,w] -> [B*h*w, D] (row-major over b, y, x).
at::Tensor toPixelRows(const at::Tensor& featureMap);

/// What Segmenter::score() needs for a generative model, in place of the SPNet head's
/// classProbabilities(): backbone features [F,h,w] (before the projection) x class vectors [C,E]
/// -> softmax(logits / temperature) over classes, [C,h,w] contiguous float on the CPU.
at::Tensor generativeProbabilities(const GenerativeModel& model, const at::Tensor& features, const at::Tensor& classVectors,
                                   double temperature = 1.0);

} // namespace zm::generative
