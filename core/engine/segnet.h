// The projection-family network (internal to core/; includes Torch): backbone features -> 1x1
// projection into the semantic space -> class scores as scaled cosines with fixed, L2-normalised class
// vectors (SPNet). The generative methods (core/engine/generative/) reuse `backbone` and `features()`.
#pragma once
#include "core/engine/backbone.h"

#include <torch/nn/modules/conv.h>

namespace zm {

struct HeadOptions {
    /// Semantic-space dimension (the vector file's).
    TORCH_ARG(int, semanticDim) = 100;
    /// true: logits = scale * cos(projected feature, class vector); false: scale * dot product (SPNet).
    TORCH_ARG(bool, cosine) = true;
    /// Logit scale (the card's "temperature").
    TORCH_ARG(double, scale) = 10.0;

public:
    Json toJson() const;
    static HeadOptions fromJson(const Json& j, const std::string& source = "architecture");
};

struct SegNetImpl : torch::nn::Module {
    SegNetImpl(const BackboneOptions& backbone, const HeadOptions& head);
    /// Normalised image batch [B,3,H,W] -> backbone features [B,F,ceil(H/4),ceil(W/4)].
    torch::Tensor features(const torch::Tensor& x);
    /// Features -> semantic embedding [B,D,h,w] (unit length per pixel when cosine).
    torch::Tensor embed(const torch::Tensor& features);
    torch::Tensor forward(const torch::Tensor& x) { return embed(features(x)); }
    /// Embedding [B,D,h,w] x L2-normalised class matrix [C,D] -> logits [B,C,h,w] (times `scale`).
    static torch::Tensor logits(const torch::Tensor& embedding, const torch::Tensor& classMatrix, double scale);

    Backbone backbone{nullptr};
    torch::nn::Conv2d projection{nullptr};
    HeadOptions mHead;
};
TORCH_MODULE(SegNet);

/// Rows L2-normalised (class vectors as the head uses them).
torch::Tensor normalizedRows(const torch::Tensor& m);
/// A list of vectors as a float tensor [N,D]; throws zm::Error when a row has another dimension.
torch::Tensor vectorsToTensor(const std::vector<std::vector<float>>& v, int dim, const std::string& what);

} // namespace zm
