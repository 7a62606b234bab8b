// Projection-family losses.
#include "core/engine/losses.h"

#include "core/common/error.h"

namespace zm {

at::Tensor seenCrossEntropy(const at::Tensor& logits, const at::Tensor& labels)
{
    return at::cross_entropy_loss(logits, labels, {}, at::Reduction::Mean, -1);
}

at::Tensor transductiveLoss(const at::Tensor& logits, const std::vector<int64_t>& unseen, double maxSeenBelow,
                            double* selectedFraction)
{
    if (unseen.empty())
        throw Error("the transductive loss needs at least one unseen class");
    auto idx = at::tensor(unseen, at::TensorOptions().dtype(at::kLong).device(logits.device()));
    // -log(sum_u softmax_u) = logsumexp(all) - logsumexp(unseen): stable for any logit scale.
    const auto all = at::logsumexp(logits, {1});
    const auto perPixel = all - at::logsumexp(logits.index_select(1, idx), {1});
    if (!(maxSeenBelow < 1.0)) {
        if (selectedFraction)
            *selectedFraction = 1.0;
        return perPixel.mean();
    }
    at::Tensor keep;
    {
        at::NoGradGuard ng;
        auto isSeen = at::ones({logits.size(1)}, at::TensorOptions().dtype(at::kBool).device(logits.device()));
        isSeen.index_fill_(0, idx, false);
        if (!isSeen.any().item<bool>()) {
            keep = at::ones_like(perPixel, perPixel.options().dtype(at::kBool));
        } else {
            const auto seenIdx = isSeen.nonzero().view({-1});
            // max_seen p = exp(max seen logit - logsumexp(all)).
            const auto maxSeen = at::exp(std::get<0>(logits.index_select(1, seenIdx).max(1)) - all);
            keep = maxSeen.lt(maxSeenBelow);
        }
        if (selectedFraction)
            *selectedFraction = keep.to(at::kDouble).mean().item<double>();
    }
    return (perPixel * keep.to(perPixel.scalar_type())).mean();
}

} // namespace zm
