// SPNet projection head on the shared backbone.
#include "core/engine/segnet.h"

#include "core/common/error.h"

#include <torch/nn/functional/normalization.h>

namespace zm {

Json HeadOptions::toJson() const { return Json{{"semanticDim", semanticDim()}, {"cosine", cosine()}, {"scale", scale()}}; }

HeadOptions HeadOptions::fromJson(const Json& j, const std::string& source)
{
    HeadOptions h;
    if (!j.is_object())
        throw Error(source + ": head options must be a JSON object");
    try {
        h.semanticDim(j.value("semanticDim", h.semanticDim()));
        h.cosine(j.value("cosine", h.cosine()));
        h.scale(j.value("scale", h.scale()));
    } catch (const Json::exception& e) {
        throw Error(source + ": head options have a field of the wrong type (" + e.what() + ")");
    }
    if (h.semanticDim() < 1 || h.semanticDim() > 100000 || !(h.scale() > 0))
        throw Error(source + ": head needs semanticDim >= 1 and scale > 0");
    return h;
}

SegNetImpl::SegNetImpl(const BackboneOptions& backbone, const HeadOptions& head) : mHead(head)
{
    this->backbone = register_module("backbone", Backbone(backbone));
    projection = register_module("projection", torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                                    this->backbone->featureDim(), head.semanticDim(), 1)));
}

torch::Tensor SegNetImpl::features(const torch::Tensor& x) { return backbone->forward(x); }

torch::Tensor SegNetImpl::embed(const torch::Tensor& features)
{
    auto e = projection->forward(features);
    if (mHead.cosine())
        e = torch::nn::functional::normalize(e, torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-6));
    return e;
}

torch::Tensor SegNetImpl::logits(const torch::Tensor& embedding, const torch::Tensor& classMatrix, double scale)
{
    // [B,D,h,w] x [C,D] -> [B,C,h,w]; a 1x1 convolution with the class matrix as fixed weights.
    return at::einsum("bdhw,cd->bchw", {embedding, classMatrix}) * scale;
}

torch::Tensor normalizedRows(const torch::Tensor& m)
{
    return m / m.norm(2, {1}, true).clamp_min(1e-12);
}

torch::Tensor vectorsToTensor(const std::vector<std::vector<float>>& v, int dim, const std::string& what)
{
    auto t = torch::empty({int64_t(v.size()), dim}, torch::kFloat32);
    auto a = t.accessor<float, 2>();
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (int(v[i].size()) != dim)
            throw Error(what + ": class vector " + std::to_string(i) + " has dimension " + std::to_string(v[i].size()) +
                        ", the model's semantic space has " + std::to_string(dim));
        for (int k = 0; k < dim; ++k)
            a[i][k] = v[i][k];
    }
    return t;
}

} // namespace zm
