// The generative model's scoring API, save/load round trip, options JSON, and CaGNet's contextual module.
#include "core/engine/generative/generativemodel.h"
#include "core/common/error.h"
#include "core/common/files.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <torch/utils.h>

using namespace zm;
using namespace zm::generative;

namespace {
GenerativeOptions smallOptions(Method m)
{
    GenerativeOptions o;
    o.method = m;
    o.noiseDim = 6;
    o.generatorHidden = 16;
    o.classifierHidden = 8;
    o.cagnetHidden = 16;
    o.discriminatorHidden = 16;
    o.latentDim = 4;
    o.vmHidden = 16;
    o.vmLatentDim = 4;
    return o;
}
} // namespace

TEST(GenerativeModel, LogitsForAnyClassSetAndShapeChecks)
{
    torch::manual_seed(1);
    for (Method m : {Method::Zs3, Method::CaGNet, Method::Vm}) {
        GenerativeModel model(smallOptions(m), 8, 5);
        model.setInference();
        const auto maps = at::randn({2, 8, 3, 4});
        const auto logits = model.logits(maps, at::randn({7, 5}));
        EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 7, 3, 4})) << methodName(m);
        // A new class appended changes nothing for the others: each class is scored from its own vector.
        const auto vectors = at::randn({3, 5});
        const auto two = model.logits(maps, vectors.slice(0, 0, 2));
        const auto three = model.logits(maps, vectors);
        EXPECT_TRUE(at::allclose(two, three.slice(1, 0, 2), 1e-5, 1e-5)) << methodName(m);
        // Pixel rows agree with maps.
        const auto rows = toPixelRows(maps);
        const auto rowLogits = model.logits(rows, vectors);
        EXPECT_TRUE(at::allclose(rowLogits, toPixelRows(three), 1e-5, 1e-5)) << methodName(m);
        EXPECT_THROW(model.logits(at::randn({2, 9, 3, 4}), vectors), Error);
        EXPECT_THROW(model.logits(maps, at::randn({3, 6})), Error);
    }
    EXPECT_THROW(GenerativeModel(smallOptions(Method::Spnet), 8, 5), Error);
}

TEST(GenerativeModel, LinearClassifierWeightsMatchLogits)
{
    torch::manual_seed(2);
    GenerativeModel model(smallOptions(Method::Zs3), 8, 5);
    model.setInference();
    const auto vectors = at::randn({4, 5});
    const auto [w, b] = model.classifierWeights(vectors);
    EXPECT_EQ(w.sizes(), (std::vector<int64_t>{4, 8}));
    EXPECT_EQ(b.sizes(), (std::vector<int64_t>{4}));
    const auto rows = at::randn({10, 8});
    EXPECT_TRUE(at::allclose(model.logits(rows, vectors), at::matmul(rows, w.t()) + b, 1e-5, 1e-5));
    GenerativeModel vm(smallOptions(Method::Vm), 8, 5);
    EXPECT_THROW(vm.classifierWeights(vectors), Error);
}

TEST(GenerativeModel, SaveLoadRoundTrip)
{
    test::TempDir dir;
    torch::manual_seed(3);
    for (Method m : {Method::Zs3, Method::CaGNet, Method::Vm}) {
        GenerativeModel model(smallOptions(m), 8, 5);
        model.setInference();
        const auto file = dir / (methodName(m) + ".pt");
        model.save(file);
        auto loaded = GenerativeModel::load(file);
        EXPECT_EQ(loaded->method(), m);
        EXPECT_EQ(loaded->featureDim(), 8);
        EXPECT_EQ(loaded->embedDim(), 5);
        EXPECT_EQ(loaded->options().toJson(), model.options().toJson());
        const auto maps = at::randn({1, 8, 3, 3});
        const auto vectors = at::randn({3, 5});
        EXPECT_TRUE(at::equal(model.logits(maps, vectors), loaded->logits(maps, vectors))) << methodName(m);
    }
    EXPECT_THROW(GenerativeModel::load(dir / "missing.pt"), Error);
    writeFileAtomic(dir / "corrupt.pt", "not a torch archive");
    try {
        GenerativeModel::load(dir / "corrupt.pt");
        FAIL() << "expected zm::Error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("corrupt.pt"), std::string::npos);
    }
}

TEST(GenerativeOptions, JsonRoundTripAndValidation)
{
    GenerativeOptions o;
    o.method = Method::CaGNet;
    o.generatorSteps = 17;
    o.mmdSigmas = {1, 3};
    o.selfTrain = true;
    o.lambdaKld = 12.5f;
    const auto back = GenerativeOptions::fromJson(o.toJson());
    EXPECT_EQ(back.toJson(), o.toJson());
    EXPECT_EQ(back.method, Method::CaGNet);
    EXPECT_EQ(back.generatorSteps, 17);
    EXPECT_TRUE(back.selfTrain);
    // Defaults for missing keys, the authors' MMD widths among them.
    const auto defaults = GenerativeOptions::fromJson(Json::object());
    EXPECT_EQ(defaults.mmdSigmas, (std::vector<double>{2, 5, 10, 20, 40, 80}));
    EXPECT_THROW(GenerativeOptions::fromJson(Json{{"generator_steps", "many"}}), Error);
    EXPECT_THROW(GenerativeOptions::fromJson(Json{{"generator_steps", -1}}), Error);
    EXPECT_THROW(GenerativeOptions::fromJson(Json{{"mmd_sigmas", Json::array()}}), Error);
    EXPECT_THROW(GenerativeOptions::fromJson(Json{{"method", "gan"}}), Error);
    EXPECT_EQ(parseMethod("vm"), Method::Vm);
    EXPECT_THROW(parseMethod("ZS3"), Error);
}

TEST(ContextualModule, LatentCodeDependsOnTheNeighbourhoodOnly)
{
    torch::manual_seed(4);
    ContextualModule ctx(4, 4);
    ctx->eval();
    torch::NoGradGuard noGrad;
    auto maps = at::randn({1, 4, 25, 25});
    const auto code = ctx->forward(maps).code;
    // Receptive field radius: 1 + 2 + 5 (dilated) + 1 (mu conv) = 9 pixels.
    auto near = maps.clone();
    near[0].select(1, 12).select(1, 14) += 3.0; // 2 pixels right of the centre
    auto far = maps.clone();
    far[0].select(1, 12).select(1, 23) += 3.0;  // 11 pixels right of the centre
    const auto centre = [](const at::Tensor& c) { return c[0].select(1, 12).select(1, 12); };
    EXPECT_GT((centre(ctx->forward(near).code) - centre(code)).abs().max().item<double>(), 1e-4);
    EXPECT_LT((centre(ctx->forward(far).code) - centre(code)).abs().max().item<double>(), 1e-6);
    // Training mode samples around mu: the code varies, mu does not.
    ctx->train();
    const auto a = ctx->forward(maps), b = ctx->forward(maps);
    EXPECT_TRUE(at::allclose(a.mu, b.mu));
    EXPECT_FALSE(at::allclose(a.code, b.code));
}

TEST(GenerativeModel, ProbabilitiesForTheSegmenterSumToOne)
{
    torch::manual_seed(5);
    GenerativeModel model(smallOptions(Method::Zs3), 8, 5);
    model.setInference();
    const auto features = at::randn({8, 3, 4});
    const auto vectors = at::randn({6, 5});
    const auto p = generativeProbabilities(model, features, vectors);
    EXPECT_EQ(p.sizes(), (std::vector<int64_t>{6, 3, 4}));
    EXPECT_TRUE(at::allclose(p.sum(0), at::ones({3, 4}), 1e-5, 1e-5));
    // Same arg-max as the logits; a higher temperature flattens the distribution.
    EXPECT_TRUE(at::equal(p.argmax(0), model.logits(features.unsqueeze(0), vectors)[0].argmax(0)));
    const auto flat = generativeProbabilities(model, features, vectors, 100.0);
    EXPECT_LT(flat.max().item<double>(), p.max().item<double>());
    EXPECT_THROW(generativeProbabilities(model, features.unsqueeze(0), vectors), Error);
}
