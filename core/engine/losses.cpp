// Projection-family losses.
#include "core/engine/losses.h"

#include "core/common/error.h"

namespace zm {

at::Tensor seenCrossEntropy(const at::Tensor& logits, const at::Tensor& labels)
{
    return at::cross_entropy_loss(logits, labels, {}, at::Reduction::Mean, -1);
}

at::Tensor transductiveLoss(const at::Tensor& logits, const std::vector<int64_t>& unseen)
{
    if (unseen.empty())
        throw Error("the transductive loss needs at least one unseen class");
    auto idx = at::tensor(unseen, at::TensorOptions().dtype(at::kLong).device(logits.device()));
    // -log(sum_u softmax_u) = logsumexp(all) - logsumexp(unseen): stable for any logit scale.
    return (at::logsumexp(logits, {1}) - at::logsumexp(logits.index_select(1, idx), {1})).mean();
}

} // namespace zm
