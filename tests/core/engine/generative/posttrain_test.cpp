// zs3 / cagnet / vm through the engine's trainer: backbone on seen classes, generative head on its
// frozen features, generative.pt + card entries in the model folder, loadable and scoring any classes.
#include "core/engine/generative/generative.h"
#include "core/engine/generative/generativemodel.h"
#include "core/engine/checkpoint.h"
#include "core/engine/modelcard.h"
#include "core/engine/segnet.h"
#include "tests/core/engine/enginefixture.h"
#include "tests/support/testdir.h"

#include <fstream>

namespace zm::test {

namespace {

generative::GenerativeOptions tinyGenerative()
{
    generative::GenerativeOptions o;
    o.noiseDim = 8;
    o.generatorHidden = 16;
    o.generatorSteps = 6;
    o.classifierSteps = 6;
    o.classifierHidden = 8;
    o.samplesPerClass = 16;
    o.maxRealPixels = 128;
    o.cagnetHidden = 16;
    o.discriminatorHidden = 16;
    o.latentDim = 4;
    o.intervalStep1 = 2;
    o.intervalStep2 = 2;
    o.vmHidden = 16;
    o.vmLatentDim = 4;
    o.selfTrainSteps = 3;
    o.checkpointEvery = 0;
    return o;
}

TrainerOptions tinyTraining(const std::filesystem::path& out, const std::string& method)
{
    TrainerOptions o;
    o.method = method;
    o.backboneOverrides = tinyOverrides();
    o.iterations = 4;
    o.batchSize = 2;
    o.cropSize = 64;
    o.calibrate = false;
    o.logEvery = 2;
    o.saveEvery = 100;
    o.device = "cpu";
    o.outDir = out;
    return o;
}

/// Four seen shape colours and one unseen ("pink"), random 16-d class vectors.
TrainingData shapesTrainingData(ShapesDataset& data)
{
    TrainingData td;
    td.labelled = &data;
    td.split.name = "shapes-test";
    td.split.seen = {"background", "red", "green", "blue"};
    td.split.unseen = {"pink"};
    td.classVectors = randomVectors(5, 16);
    td.space = testSpace();
    return td;
}

} // namespace

TEST_F(EngineTest, GenerativeMethodsTrainThroughTheEngineTrainer)
{
    generative::registerGenerativeMethods(tinyGenerative());
    const auto methods = trainableMethods();
    for (const char* m : {"zs3", "cagnet", "vm"})
        EXPECT_NE(std::find(methods.begin(), methods.end(), m), methods.end()) << m;

    ShapesDataset data(8, 64, {"background", "red", "green", "blue", "pink"});
    const TrainingData td = shapesTrainingData(data);
    for (const std::string method : {"zs3", "cagnet", "vm"}) {
        TempDir dir;
        NullProgress progress;
        auto options = tinyTraining(dir / "model", method);
        options.selfTrain = method == "zs3";
        const auto result = trainModel(td, options, progress);
        EXPECT_EQ(result.card.method, method);
        ASSERT_TRUE(result.card.training.contains("generative")) << method;
        EXPECT_EQ(result.card.training["generative"]["method"], method);
        EXPECT_EQ(result.card.training["generative"]["options"]["generator_steps"], 6);
        const auto file = dir / "model" / generative::kGenerativeModelFile;
        ASSERT_TRUE(std::filesystem::exists(file)) << method;
        // The saved card says which method it is.
        EXPECT_EQ(ModelCard::load(dir / "model" / "card.json").method, method);
        // The head loads and scores any class vectors on the backbone's feature size.
        auto head = generative::GenerativeModel::load(file);
        const int f = result.card.training["generative"]["featureDim"].get<int>();
        const auto logits = head->logits(at::randn({1, f, 5, 6}), at::randn({3, 16}));
        EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{1, 3, 5, 6})) << method;
        // The training log records the generative stages.
        std::ifstream log(dir / "model" / "log.jsonl");
        std::string line;
        bool stages = false;
        while (std::getline(log, line))
            stages = stages || line.find("\"stage\":\"classifier\"") != std::string::npos;
        EXPECT_TRUE(stages) << method;
    }
}

// What `zeromask-cli train --from` relies on: a finished SPNet model folder, copied and resumed with a
// generative method, runs only the generative stage on the unchanged backbone.
TEST_F(EngineTest, FinishedSpnetModelResumedWithAGenerativeMethodKeepsItsBackbone)
{
    generative::registerGenerativeMethods(tinyGenerative());
    ShapesDataset data(8, 64, {"background", "red", "green", "blue", "pink"});
    const TrainingData td = shapesTrainingData(data);
    TempDir dir;
    NullProgress progress;
    const auto spnet = trainModel(td, tinyTraining(dir / "spnet", "spnet"), progress);
    EXPECT_EQ(spnet.card.method, "spnet");
    std::filesystem::create_directories(dir / "zs3");
    for (const char* f : {"card.json", "weights.pt", "state.json", "state.pt", "log.jsonl"})
        std::filesystem::copy_file(dir / "spnet" / f, dir / "zs3" / f);
    auto options = tinyTraining(dir / "zs3", "zs3");
    options.resume = true;
    options.modelName = "zs3 on the spnet backbone";
    const auto zs3 = trainModel(td, options, progress);
    EXPECT_EQ(zs3.card.method, "zs3");
    EXPECT_EQ(ModelCard::load(dir / "zs3" / "card.json").name, "zs3 on the spnet backbone");
    EXPECT_TRUE(std::filesystem::exists(dir / "zs3" / generative::kGenerativeModelFile));
    // No further SPNet iteration ran: the backbone's weights are the source model's.
    const auto a = loadModel(dir / "spnet", testSpace()), b = loadModel(dir / "zs3", testSpace());
    const auto pa = a.net->parameters(), pb = b.net->parameters();
    ASSERT_EQ(pa.size(), pb.size());
    for (std::size_t i = 0; i < pa.size(); ++i)
        EXPECT_TRUE(pa[i].equal(pb[i])) << "parameter " << i;
    // The source folder is untouched.
    EXPECT_EQ(ModelCard::load(dir / "spnet" / "card.json").method, "spnet");
}

TEST_F(EngineTest, GenerativeCardGammaIsZeroUnlessTheSpnetGammaIsKept)
{
    ShapesDataset data(8, 64, {"background", "red", "green", "blue", "pink"});
    const TrainingData td = shapesTrainingData(data);
    for (const bool keep : {false, true}) {
        auto g = tinyGenerative();
        g.keepSpnetGamma = keep;
        generative::registerGenerativeMethods(g);
        TempDir dir;
        NullProgress progress;
        auto options = tinyTraining(dir / "m", "zs3");
        options.gamma = 0.3f; // the SPNet stage's gamma (calibration off in the tiny run)
        const auto r = trainModel(td, options, progress);
        EXPECT_NEAR(r.card.gamma, keep ? 0.3f : 0.0f, 1e-6) << keep;
        EXPECT_NEAR(ModelCard::load(dir / "m" / "card.json").gamma, keep ? 0.3f : 0.0f, 1e-6) << keep;
        EXPECT_EQ(r.card.training["generative"]["options"]["keep_spnet_gamma"], keep);
    }
}

} // namespace zm::test
