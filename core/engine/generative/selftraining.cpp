// Self-training pseudo-labels.
#include "core/engine/generative/selftraining.h"

#include "core/common/error.h"

#include <cmath>

namespace zm::generative {

at::Tensor pseudoLabels(const at::Tensor& probabilities, const at::Tensor& unseen, double topPercent, double minConfidence)
{
    if (probabilities.dim() != 2 || unseen.dim() != 1 || unseen.size(0) != probabilities.size(1))
        throw Error("pseudoLabels: expected probabilities [N,C] and an unseen mask [C]");
    const auto [conf, pred] = probabilities.max(1);
    auto labels = at::full({probabilities.size(0)}, -1, pred.options());
    const auto unseenIdx = at::nonzero(unseen.to(at::kBool)).flatten();
    for (int64_t i = 0; i < unseenIdx.size(0); ++i) {
        const int64_t u = unseenIdx[i].item<int64_t>();
        const auto candidates = at::nonzero(pred.eq(u) & conf.ge(minConfidence)).flatten();
        const int64_t n = candidates.size(0);
        if (n == 0)
            continue;
        // Per class, so a frequent unseen class cannot crowd out a rare one (CaGNet-ST's top_p).
        const int64_t keep = std::max<int64_t>(1, int64_t(std::floor(double(n) * topPercent / 100.0)));
        const auto top = std::get<1>(conf.index_select(0, candidates).topk(std::min(keep, n)));
        labels.index_fill_(0, candidates.index_select(0, top), u);
    }
    return labels;
}

} // namespace zm::generative
