// Losses of the generative methods.
#include "core/engine/generative/losses.h"

#include "core/common/error.h"

namespace zm::generative {

at::Tensor mmdLoss(const at::Tensor& x, const at::Tensor& y, const std::vector<double>& sigmas, bool takeSqrt)
{
    if (x.dim() != 2 || y.dim() != 2 || x.size(1) != y.size(1))
        throw Error("mmdLoss: expected two [N,D] samples of one dimension");
    if (x.size(0) == 0 || y.size(0) == 0)
        throw Error("mmdLoss: empty sample");
    const auto z = at::cat({x, y}, 0);
    const auto sq = (z * z).sum(1, true);
    // -0.5 |a-b|^2 for every pair, from one matrix product.
    const auto halfNegDist = at::matmul(z, z.t()) - 0.5 * sq - 0.5 * sq.t();
    const int64_t m = x.size(0), n = y.size(0);
    // Signed weights: +1/M for x, -1/N for y; s s^T sums the three kernel means with their signs.
    auto s = at::empty({m + n, 1}, z.options());
    s.slice(0, 0, m).fill_(1.0 / double(m));
    s.slice(0, m, m + n).fill_(-1.0 / double(n));
    const auto weights = at::matmul(s, s.t());
    at::Tensor total = at::zeros({}, z.options());
    for (double sigma : sigmas)
        total = total + (weights * at::exp(halfNegDist / sigma)).sum();
    // Round-off can make the biased estimate slightly negative for identical samples.
    total = at::clamp_min(total, 0.0);
    if (!takeSqrt)
        return total;
    // sqrt'(0) is infinite: a tiny floor keeps gradients finite when the samples coincide.
    return at::sqrt(total + 1e-12);
}

at::Tensor lsganDiscriminatorLoss(const at::Tensor& realScore, const at::Tensor& fakeScore)
{
    return 0.5 * (realScore - 1.0).pow(2).mean() + 0.5 * fakeScore.pow(2).mean();
}

at::Tensor lsganGeneratorLoss(const at::Tensor& fakeScore)
{
    return 0.5 * (fakeScore - 1.0).pow(2).mean();
}

at::Tensor gaussianKld(const at::Tensor& mu, const at::Tensor& logvar)
{
    const auto perElement = 1.0 + logvar - mu.pow(2) - logvar.exp();
    return -0.5 * perElement.sum(1).mean();
}

at::Tensor weightedCrossEntropy(const at::Tensor& logits, const at::Tensor& labels, const at::Tensor& classWeights)
{
    if (logits.dim() != 2 || labels.dim() != 1 || labels.size(0) != logits.size(0))
        throw Error("weightedCrossEntropy: expected logits [N,C] and labels [N]");
    const auto valid = labels.ge(0);
    const auto safeLabels = at::where(valid, labels, at::zeros_like(labels));
    const auto logp = at::log_softmax(logits, 1);
    const auto picked = -logp.gather(1, safeLabels.unsqueeze(1)).squeeze(1);
    auto w = valid.to(logits.scalar_type());
    if (classWeights.defined())
        w = w * classWeights.index_select(0, safeLabels);
    const auto denom = w.sum();
    if (denom.item<double>() <= 0)
        return (logits * 0).sum();
    return (picked * w).sum() / denom;
}

} // namespace zm::generative
