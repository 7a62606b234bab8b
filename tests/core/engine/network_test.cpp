// Backbone and head: shapes, dtypes, parameter counts of the presets, gradients, losses.
#include "enginefixture.h"

#include "core/common/error.h"
#include "core/engine/imagetensor.h"
#include "core/engine/losses.h"
#include "core/engine/segnet.h"

#include <torch/nn/functional/loss.h>

namespace zm::test {

TEST_F(EngineTest, MobileBackboneGivesStride4Features)
{
    Backbone b(tinyBackbone());
    b->eval();
    torch::NoGradGuard ng;
    auto y = b->forward(torch::rand({2, 3, 64, 96}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 16, 16, 24}));
    EXPECT_EQ(y.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
}

TEST_F(EngineTest, OutputStride8AndResnetShareTheCodePath)
{
    torch::NoGradGuard ng;
    auto o8 = tinyBackbone().outputStride(8);
    Backbone m8(o8);
    m8->eval();
    EXPECT_EQ(m8->forward(torch::rand({1, 3, 64, 64})).sizes(), (std::vector<int64_t>{1, 16, 16, 16}));
    Backbone r(BackboneOptions().kind("resnet").depth(26).width(0.125).asppChannels(16).featureDim(16).lowLevelChannels(8));
    r->eval();
    EXPECT_EQ(r->forward(torch::rand({1, 3, 64, 64})).sizes(), (std::vector<int64_t>{1, 16, 16, 16}));
}

TEST_F(EngineTest, PresetSizes)
{
    // The small preset is CPU-trainable; resnet101 is the DeepLab-class variant (tens of millions).
    const auto small = parameterCount(*Backbone(BackboneOptions::preset("small")));
    EXPECT_GT(small, 300'000);
    EXPECT_LT(small, 5'000'000);
    const auto big = parameterCount(*Backbone(BackboneOptions::preset("resnet101")));
    EXPECT_GT(big, 40'000'000);
    EXPECT_THROW(BackboneOptions::preset("huge"), Error);
}

TEST_F(EngineTest, OptionsRoundTripAndValidation)
{
    const auto o = tinyBackbone().outputStride(8);
    const auto back = BackboneOptions::fromJson(o.toJson());
    EXPECT_EQ(back.toJson(), o.toJson());
    Json bad = o.toJson();
    bad["outputStride"] = 12;
    EXPECT_THROW(BackboneOptions::fromJson(bad), Error);
    bad = o.toJson();
    bad["kind"] = "vgg";
    try {
        BackboneOptions::fromJson(bad, "card.json");
        FAIL() << "unknown kind accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("vgg"), std::string::npos);
    }
}

TEST_F(EngineTest, EmbeddingIsUnitLengthAndLogitsAreScaledCosines)
{
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(8).scale(5.0));
    net->eval();
    torch::NoGradGuard ng;
    auto e = net->forward(torch::rand({1, 3, 32, 32}));
    EXPECT_EQ(e.sizes(), (std::vector<int64_t>{1, 8, 8, 8}));
    EXPECT_TRUE(tensorsClose(e.norm(2, {1}), torch::ones({1, 8, 8}), 1e-5));
    auto m = normalizedRows(torch::randn({3, 8}));
    auto l = SegNetImpl::logits(e, m, 5.0);
    EXPECT_EQ(l.sizes(), (std::vector<int64_t>{1, 3, 8, 8}));
    // One pixel by hand.
    auto px = e.index({0, torch::indexing::Slice(), 2, 5});
    EXPECT_TRUE(tensorsClose(l.index({0, torch::indexing::Slice(), 2, 5}), 5.0 * m.matmul(px), 1e-5));
    EXPECT_LE(l.abs().max().item<double>(), 5.0 + 1e-4);
}

TEST_F(EngineTest, GradientsReachTheBackbone)
{
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(8));
    net->train();
    auto m = normalizedRows(torch::randn({3, 8}));
    auto logits = SegNetImpl::logits(net->forward(torch::rand({2, 3, 32, 32})), m, 10.0);
    auto labels = torch::randint(0, 3, {2, 8, 8}, torch::kLong);
    seenCrossEntropy(logits, labels).backward();
    // The very first convolution of the encoder gets a non-zero gradient.
    auto stem = net->backbone->encoder->named_parameters()["low.0.conv.weight"];
    ASSERT_TRUE(stem.grad().defined());
    EXPECT_GT(stem.grad().abs().sum().item<double>(), 0.0);
    std::size_t withGrad = 0, total = 0;
    for (const auto& p : net->parameters()) {
        ++total;
        withGrad += p.grad().defined() && p.grad().abs().sum().item<double>() > 0;
    }
    EXPECT_GT(withGrad, total * 9 / 10);
}

TEST_F(EngineTest, AdjustColourFollowsItsDefinition)
{
    const auto x = torch::rand({3, 5, 7}, torch::TensorOptions().dtype(torch::kFloat));
    EXPECT_TRUE(torch::allclose(adjustColour(x, 1, 1, 1), x));
    // Brightness scales and clamps.
    EXPECT_TRUE(torch::allclose(adjustColour(x, 0.5, 1, 1), x * 0.5));
    EXPECT_TRUE(torch::allclose(adjustColour(x, 3, 1, 1), (x * 3).clamp(0, 1)));
    // Saturation 0: every channel is the BT.601 grey of the pixel.
    const auto g = x[0] * 0.299 + x[1] * 0.587 + x[2] * 0.114;
    const auto grey = adjustColour(x, 1, 1, 0);
    for (int c = 0; c < 3; ++c)
        EXPECT_TRUE(torch::allclose(grey[c], g, 1e-5, 1e-6)) << c;
    // Contrast 0: one flat colour, the mean grey; contrast 0.5 halves the distance to it.
    const float m = g.mean().item<float>();
    EXPECT_TRUE(torch::allclose(adjustColour(x, 1, 0, 1), torch::full_like(x, m), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(adjustColour(x, 1, 0.5, 1), (x - m) * 0.5 + m, 1e-5, 1e-6));
    // Results stay in [0, 1]; a grey image stays grey whatever the saturation.
    const auto y = adjustColour(x, 1.4, 1.4, 1.5);
    EXPECT_GE(y.min().item<float>(), 0.0f);
    EXPECT_LE(y.max().item<float>(), 1.0f);
    const auto flat = torch::full({3, 4, 4}, 0.3f);
    EXPECT_TRUE(torch::allclose(adjustColour(flat, 1, 1, 1.5), flat));
    EXPECT_THROW(adjustColour(torch::zeros({1, 4, 4}), 1, 1, 1), Error);
}

TEST_F(EngineTest, CrossEntropyIgnoresMinusOne)
{
    auto logits = torch::randn({1, 3, 2, 2});
    auto labels = torch::tensor({0, -1, 2, -1}, torch::kLong).view({1, 2, 2});
    auto lsm = torch::log_softmax(logits, 1);
    const double expected = -(lsm[0][0][0][0].item<double>() + lsm[0][2][1][0].item<double>()) / 2;
    EXPECT_NEAR(seenCrossEntropy(logits, labels).item<double>(), expected, 1e-5);
}

TEST_F(EngineTest, TransductiveLossMatchesHandComputedValue)
{
    // Two pixels, three classes; class 2 is unseen (and class 1 in the second check).
    auto logits = torch::tensor({1.0f, 2.0f, 0.5f, -1.0f, 0.0f, 3.0f}).view({1, 2, 1, 3}).permute({0, 3, 1, 2}).contiguous();
    auto p = torch::softmax(logits, 1);
    const double p0 = p[0][2][0][0].item<double>(), p1 = p[0][2][1][0].item<double>();
    // By hand: softmax of (1, 2, 0.5) and (-1, 0, 3) for class 2.
    const double h0 = std::exp(0.5) / (std::exp(1.0) + std::exp(2.0) + std::exp(0.5));
    const double h1 = std::exp(3.0) / (std::exp(-1.0) + std::exp(0.0) + std::exp(3.0));
    ASSERT_NEAR(p0, h0, 1e-6);
    ASSERT_NEAR(p1, h1, 1e-6);
    EXPECT_NEAR(transductiveLoss(logits, {2}).item<double>(), -(std::log(h0) + std::log(h1)) / 2, 1e-5);
    const double u0 = (std::exp(2.0) + std::exp(0.5)) / (std::exp(1.0) + std::exp(2.0) + std::exp(0.5));
    const double u1 = (std::exp(0.0) + std::exp(3.0)) / (std::exp(-1.0) + std::exp(0.0) + std::exp(3.0));
    EXPECT_NEAR(transductiveLoss(logits, {1, 2}).item<double>(), -(std::log(u0) + std::log(u1)) / 2, 1e-5);
    EXPECT_THROW(transductiveLoss(logits, {}), Error);
}

TEST_F(EngineTest, GatedTransductiveLossCountsOnlyPixelsNotConfidentlySeen)
{
    // Pixel 0: logits (4, 0, 0) -> top seen probability 0.96 (confidently seen class 0);
    // pixel 1: logits (0, 0, 1) -> top seen probability 0.21. Class 2 is unseen.
    auto logits = torch::tensor({4.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f}).view({1, 2, 1, 3}).permute({0, 3, 1, 2}).contiguous();
    const double z0 = std::exp(4.0) + 2.0, z1 = 2.0 + std::exp(1.0);
    const double l0 = -std::log(1.0 / z0), l1 = -std::log(std::exp(1.0) / z1);
    double selected = -1;
    EXPECT_NEAR(transductiveLoss(logits, {2}, 1.0, &selected).item<double>(), (l0 + l1) / 2, 1e-5);
    EXPECT_EQ(selected, 1.0);
    // Threshold 0.5: pixel 0 (0.96) is left out, the mean is still over both pixels.
    EXPECT_NEAR(transductiveLoss(logits, {2}, 0.5, &selected).item<double>(), l1 / 2, 1e-5);
    EXPECT_EQ(selected, 0.5);
    // Threshold 0.1: neither pixel.
    EXPECT_NEAR(transductiveLoss(logits, {2}, 0.1, &selected).item<double>(), 0.0, 1e-7);
    EXPECT_EQ(selected, 0.0);
    // The gate carries no gradient: only pixel 1's term is differentiated.
    auto x = logits.clone().requires_grad_(true);
    transductiveLoss(x, {2}, 0.5).backward();
    EXPECT_NEAR(x.grad()[0].select(1, 0).abs().sum().item<double>(), 0.0, 1e-7); // pixel 0: [0][:][0][0]
    EXPECT_GT(x.grad()[0][2][1][0].item<double>(), -1.0);
    EXPECT_LT(x.grad()[0][2][1][0].item<double>(), 0.0); // raising the unseen logit lowers the loss
}

TEST_F(EngineTest, TransductiveLossIsStableForLargeLogits)
{
    auto logits = torch::tensor({500.0f, -500.0f}).view({1, 2, 1, 1});
    const double v = transductiveLoss(logits, {1}).item<double>();
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_NEAR(v, 1000.0, 1e-3);
}

} // namespace zm::test
