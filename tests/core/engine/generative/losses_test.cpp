// Losses of the generative methods against hand-computed values, and MMD's behaviour on samples.
#include "core/engine/generative/losses.h"
#include "core/engine/generative/selftraining.h"

#include <gtest/gtest.h>

#include <torch/utils.h>

#include <cmath>

using namespace zm::generative;

namespace {
at::Tensor t(std::vector<float> v, std::vector<int64_t> shape)
{
    return at::from_blob(v.data(), shape, at::kFloat).clone();
}
} // namespace

TEST(GenerativeLosses, MmdMatchesHandComputedValue)
{
    // x = {0}, y = {1}: k(x,x) = k(y,y) = 1, k(x,y) = exp(-1 / (2 s)).
    const auto x = t({0.f}, {1, 1}), y = t({1.f}, {1, 1});
    const double one = 2 - 2 * std::exp(-0.5);
    EXPECT_NEAR(mmdLoss(x, y, {1.0}, false).item<double>(), one, 1e-6);
    EXPECT_NEAR(mmdLoss(x, y, {1.0}).item<double>(), std::sqrt(one), 1e-6);
    const double two = one + 2 - 2 * std::exp(-0.25);
    EXPECT_NEAR(mmdLoss(x, y, {1.0, 2.0}, false).item<double>(), two, 1e-6);
}

TEST(GenerativeLosses, MmdIsNearZeroForOneDistributionAndGrowsWithShift)
{
    torch::manual_seed(3);
    const std::vector<double> sigmas{2, 5, 10, 20, 40, 80};
    const auto a = at::randn({400, 4});
    const auto b = at::randn({400, 4});
    const double same = mmdLoss(a, b, sigmas).item<double>();
    const double shift1 = mmdLoss(a, b + 1.0, sigmas).item<double>();
    const double shift3 = mmdLoss(a, b + 3.0, sigmas).item<double>();
    EXPECT_LT(same, 0.25);
    EXPECT_GT(shift1, 2 * same);
    EXPECT_GT(shift3, shift1);
    EXPECT_NEAR(mmdLoss(a, a, sigmas).item<double>(), 0.0, 1e-4);
}

TEST(GenerativeLosses, MmdGradientIsFiniteForIdenticalSamples)
{
    auto a = at::randn({5, 3}).requires_grad_(true);
    mmdLoss(a, a.detach(), {2.0}).backward();
    EXPECT_TRUE(at::isfinite(a.grad()).all().item<bool>());
}

TEST(GenerativeLosses, LsganHandComputed)
{
    const auto real = t({1.f, 0.f}, {2}), fake = t({0.f, 1.f}, {2});
    // 0.5 * mean(0, 1) + 0.5 * mean(0, 1)
    EXPECT_NEAR(lsganDiscriminatorLoss(real, fake).item<double>(), 0.5, 1e-6);
    // 0.5 * mean(1, 0)
    EXPECT_NEAR(lsganGeneratorLoss(fake).item<double>(), 0.25, 1e-6);
}

TEST(GenerativeLosses, GaussianKldHandComputed)
{
    const auto mu = t({1.f, 0.f}, {1, 2});
    const auto logvar = t({0.f, float(std::log(2.0))}, {1, 2});
    // -0.5 * [(1 + 0 - 1 - 1) + (1 + ln2 - 0 - 2)] = 1 - ln2 / 2
    EXPECT_NEAR(gaussianKld(mu, logvar).item<double>(), 1 - std::log(2.0) / 2, 1e-6);
    EXPECT_NEAR(gaussianKld(at::zeros({3, 4}), at::zeros({3, 4})).item<double>(), 0.0, 1e-7);
}

TEST(GenerativeLosses, WeightedCrossEntropyHandComputed)
{
    const auto logits = t({0.f, 0.f, float(std::log(3.0)), 0.f, 5.f, 1.f}, {3, 2});
    auto labels = at::empty({3}, at::kLong);
    labels[0] = 0;
    labels[1] = 1;
    labels[2] = -1; // ignored
    const auto w = t({1.f, 2.f}, {2});
    // sample 0: ln 2 (weight 1); sample 1: p = 1/4 -> ln 4 (weight 2); normalised by 3.
    EXPECT_NEAR(weightedCrossEntropy(logits, labels, w).item<double>(), 5 * std::log(2.0) / 3, 1e-5);
    EXPECT_NEAR(weightedCrossEntropy(logits, labels).item<double>(), 3 * std::log(2.0) / 2, 1e-5);
    auto none = at::full({3}, -1, at::kLong);
    EXPECT_EQ(weightedCrossEntropy(logits, none).item<double>(), 0.0);
}

TEST(SelfTraining, PseudoLabelsKeepTopConfidentUnseenPixels)
{
    // classes: 0 seen, 1 unseen, 2 unseen
    const auto probs = t({0.9f, 0.05f, 0.05f,  // seen -> -1
                          0.1f, 0.8f, 0.1f,    // unseen 1, conf .8
                          0.1f, 0.6f, 0.3f,    // unseen 1, conf .6
                          0.3f, 0.3f, 0.4f,    // unseen 2 but below min confidence
                          0.0f, 0.3f, 0.7f},   // unseen 2, conf .7
                         {5, 3});
    auto unseen = at::zeros({3}, at::kBool);
    unseen[1] = true;
    unseen[2] = true;
    auto labels = pseudoLabels(probs, unseen, 50.0, 0.5);
    std::vector<int64_t> got(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + 5);
    EXPECT_EQ(got, (std::vector<int64_t>{-1, 1, -1, -1, 2}));
    labels = pseudoLabels(probs, unseen, 100.0, 0.5);
    got.assign(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + 5);
    EXPECT_EQ(got, (std::vector<int64_t>{-1, 1, 1, -1, 2}));
}
