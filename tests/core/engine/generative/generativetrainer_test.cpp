// Training the generative methods on a toy feature world: generators imitate real features, the
// retrained classifier recognises an unseen class, cancellation and resume, self-training.
#include "core/engine/generative/generativetrainer.h"
#include "core/common/error.h"
#include "tests/core/engine/generative/toydata.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <torch/utils.h>

using namespace zm;
using namespace zm::generative;

namespace {

std::unique_ptr<GenerativeModel> trainToy(const test::ToyWorld& w, const GenerativeOptions& o, Json* summary = nullptr)
{
    GenerativeTrainer trainer(o, w.featureDim, w.vectors, w.unseen);
    auto model = trainer.train(w.source(), TrainHooks{});
    if (summary)
        *summary = trainer.summary();
    return model;
}

/// Nearest-class-mean classifier fitted on real features: "a classifier trained on real data".
int nearestRealMean(const test::ToyWorld& w, const at::Tensor& feature, const std::vector<at::Tensor>& means)
{
    int best = 0;
    double bestD = 1e30;
    for (std::size_t c = 0; c < means.size(); ++c) {
        const double d = (feature - means[c]).pow(2).sum().item<double>();
        if (d < bestD) {
            bestD = d;
            best = int(c);
        }
    }
    return best;
}

} // namespace

TEST(GenerativeTrainer, GmmnFeaturesAreRecognisedByAClassifierTrainedOnRealData)
{
    test::ToyWorld w(2, {false, false});
    auto o = w.options(Method::Zs3);
    o.classifierSteps = 1;
    auto model = trainToy(w, o);
    std::vector<at::Tensor> realMeans{w.sample(0, 500).mean(0), w.sample(1, 500).mean(0)};
    torch::NoGradGuard noGrad;
    model->setInference();
    for (int c = 0; c < 2; ++c) {
        const auto fake = model->generate(w.vectors[c].unsqueeze(0).expand({200, -1}));
        int right = 0;
        for (int64_t i = 0; i < fake.size(0); ++i)
            right += nearestRealMean(w, fake[i], realMeans) == c;
        EXPECT_GT(right, 190) << "class " << c;
        // Not a collapsed point: the generated features spread like the real ones (sd 0.3).
        const double sd = fake.std(0).mean().item<double>();
        EXPECT_GT(sd, 0.05);
        EXPECT_LT(sd, 1.0);
    }
}

TEST(GenerativeTrainer, Zs3ClassifierPredictsTheUnseenClassForItsGeneratedAndRealFeatures)
{
    test::ToyWorld w;
    Json summary;
    auto model = trainToy(w, w.options(Method::Zs3), &summary);
    {
        torch::NoGradGuard noGrad;
        const auto fake = model->generate(w.vectors[4].unsqueeze(0).expand({200, -1}));
        EXPECT_GT(w.accuracy(*model, fake, 4), 0.9);
    }
    // The point of the method: real pixels of the unseen class, never labelled, are recognised.
    EXPECT_GT(w.accuracy(*model, w.sample(4, 300), 4), 0.6);
    for (int c = 0; c < 4; ++c)
        EXPECT_GT(w.accuracy(*model, w.sample(c, 300), c), 0.8) << "seen class " << c;
    EXPECT_EQ(summary["stages"].size(), 2u);
    EXPECT_EQ(summary["method"], "zs3");
}

TEST(GenerativeTrainer, CagnetLearnsSeenAndUnseenClasses)
{
    test::ToyWorld w;
    auto o = w.options(Method::CaGNet);
    o.latentDim = 4;
    auto model = trainToy(w, o);
    for (int c = 0; c < 4; ++c)
        EXPECT_GT(w.accuracy(*model, w.sample(c, 300), c), 0.7) << "seen class " << c;
    torch::NoGradGuard noGrad;
    const auto fake = model->generate(w.vectors[4].unsqueeze(0).expand({200, -1}));
    EXPECT_GT(w.accuracy(*model, fake, 4), 0.8);
}

TEST(GenerativeTrainer, VariationalMappingLearnsSeenAndUnseenClasses)
{
    test::ToyWorld w;
    auto model = trainToy(w, w.options(Method::Vm));
    EXPECT_FALSE(model->isLinear());
    for (int c = 0; c < 4; ++c)
        EXPECT_GT(w.accuracy(*model, w.sample(c, 300), c), 0.7) << "seen class " << c;
    torch::NoGradGuard noGrad;
    const auto fake = model->generate(w.vectors[4].unsqueeze(0).expand({200, -1}));
    EXPECT_GT(w.accuracy(*model, fake, 4), 0.8);
}

TEST(GenerativeTrainer, SelfTrainingAddsPseudoLabelledUnseenPixels)
{
    test::ToyWorld w;
    auto o = w.options(Method::Zs3);
    o.selfTrain = true;
    GenerativeTrainer trainer(o, w.featureDim, w.vectors, w.unseen);
    std::vector<Json> events;
    TrainHooks hooks;
    hooks.logEvery = 1;
    hooks.log = [&](const Json& j) { events.push_back(j); };
    auto model = trainer.train(w.source(), hooks);
    int64_t pseudo = 0, stSteps = 0;
    for (const auto& e : events)
        if (e.value("stage", "") == "self-training") {
            pseudo += e["loss"].value("pseudo", int64_t(0));
            ++stSteps;
        }
    EXPECT_EQ(stSteps, o.selfTrainSteps);
    EXPECT_GT(pseudo, 0);
    EXPECT_GT(w.accuracy(*model, w.sample(4, 300), 4), 0.6);
    EXPECT_EQ(trainer.totalSteps(), o.generatorSteps + o.classifierSteps + o.selfTrainSteps);
}

TEST(GenerativeTrainer, CancelSavesStateAndResumeFinishesTheRemainingSteps)
{
    test::ToyWorld w;
    test::TempDir dir;
    auto o = w.options(Method::Zs3);
    o.generatorSteps = 30;
    o.classifierSteps = 30;

    struct CancelAfter : CancellableProgress {
        int left;
        explicit CancelAfter(int n) : left(n) {}
        bool update(double, const std::string&) override { return --left >= 0; }
    } cancelAt(40);
    int calls = 0;
    const auto base = w.source();
    FeatureSource counting = [&](std::int64_t step, bool labelled) {
        ++calls;
        return base(step, labelled);
    };
    TrainHooks hooks;
    hooks.progress = &cancelAt;
    hooks.stateFile = dir / "state.pt";
    {
        GenerativeTrainer trainer(o, w.featureDim, w.vectors, w.unseen);
        EXPECT_THROW(trainer.train(counting, hooks), Cancelled);
    }
    EXPECT_EQ(calls, 40);
    ASSERT_TRUE(std::filesystem::exists(hooks.stateFile));

    calls = 0;
    hooks.progress = nullptr;
    hooks.resume = true;
    GenerativeTrainer trainer(o, w.featureDim, w.vectors, w.unseen);
    auto model = trainer.train(counting, hooks);
    EXPECT_EQ(calls, 20);
    EXPECT_EQ(trainer.summary()["resumed_from"], 40);
    ASSERT_TRUE(model);

    // A state from other options is refused with a message naming the file.
    auto other = o;
    other.classifierSteps = 31;
    GenerativeTrainer mismatched(other, w.featureDim, w.vectors, w.unseen);
    try {
        mismatched.train(counting, hooks);
        FAIL() << "expected zm::Error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("state.pt"), std::string::npos);
    }
}

TEST(GenerativeTrainer, RejectsInconsistentSetups)
{
    test::ToyWorld w;
    auto o = w.options(Method::Zs3);
    EXPECT_THROW(GenerativeTrainer(o, w.featureDim, w.vectors, {false, true}), Error);
    EXPECT_THROW(GenerativeTrainer(o, w.featureDim, w.vectors, {true, true, true, true, true}), Error);
    o.method = Method::Spnet;
    EXPECT_THROW(GenerativeTrainer(o, w.featureDim, w.vectors, w.unseen), Error);
    // A source returning the wrong feature size is named.
    o.method = Method::Zs3;
    GenerativeTrainer trainer(o, w.featureDim + 1, w.vectors, w.unseen);
    EXPECT_THROW(trainer.train(w.source(), TrainHooks{}), Error);
}
