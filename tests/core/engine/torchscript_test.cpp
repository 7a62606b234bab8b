// An external TorchScript encoder (tests/core/engine/data/tiny_encoder.pt, written by
// models/export_torchscript.py tiny) stands in for the built-in backbone: it trains, its fine-tuned
// weights are saved with the model, and a reloaded model gives identical features.
#include "enginefixture.h"

#include "core/common/error.h"
#include "core/engine/checkpoint.h"
#include "core/engine/featuremapimpl.h"
#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

#include <fstream>

namespace zm::test {

namespace {
const std::filesystem::path kTiny = std::filesystem::path(ZM_SOURCE_DIR) / "tests/core/engine/data/tiny_encoder.pt";
}

TEST_F(EngineTest, TorchScriptEncoderIsProbedAndWrapped)
{
    auto o = BackboneOptions().kind("torchscript").scriptPath(kTiny.string()).asppChannels(16).featureDim(16);
    Backbone b(o);
    EXPECT_EQ(b->options().scriptChannels(), 16);
    EXPECT_EQ(b->options().scriptStride(), 8);
    b->eval();
    torch::NoGradGuard ng;
    EXPECT_EQ(b->forward(torch::rand({1, 3, 64, 96})).sizes(), (std::vector<int64_t>{1, 16, 16, 24}));
    // The script's own weights are parameters of the wrapper (so optimisers and checkpoints see them).
    EXPECT_GT(parameterCount(*b), 3792);
}

TEST_F(EngineTest, TorchScriptBackboneTrainsSavesAndReloads)
{
    TempDir dir;
    ShapesDataset data(4, 32, {"background", "red", "green", "blue"});
    const TrainingData td = shapesData(data);
    TrainerOptions o;
    o.backbone = kTiny.string();
    o.device = "cpu";
    o.outDir = dir / "m";
    o.calibrate = false;
    o.iterations = 3;
    o.batchSize = 2;
    o.cropSize = 32;
    NullProgress p;
    trainModel(td, o, p);
    ASSERT_TRUE(std::filesystem::exists(dir / "m" / "backbone.pt"));
    const ModelCard card = ModelCard::load(dir / "m" / "card.json");
    EXPECT_EQ(card.architecture["backbone"]["kind"], "torchscript");
    EXPECT_EQ(card.architecture["backbone"]["scriptPath"], "backbone.pt"); // relative: the folder can move

    // Fine-tuned script weights differ from the exported ones and survive the round trip.
    LoadedModel m = loadModel(dir / "m");
    Backbone fresh(BackboneOptions().kind("torchscript").scriptPath(kTiny.string()));
    auto tuned = m.net->backbone->encoder->named_parameters()["p_body_0_weight"];
    auto orig = fresh->encoder->named_parameters()["p_body_0_weight"];
    EXPECT_FALSE(torch::equal(tuned, orig));

    std::filesystem::rename(dir / "m", dir / "moved");
    auto a = Segmenter::load(dir / "moved"), b = Segmenter::load(dir / "moved");
    const Image img = data.get(0).image;
    EXPECT_TRUE(tensorsClose(a->encode(img)->impl().embedding, b->encode(img)->impl().embedding, 0, 0));
}

TEST_F(EngineTest, MissingOrBrokenTorchScriptFileIsAClearError)
{
    TempDir dir;
    EXPECT_THROW(Backbone(BackboneOptions().kind("torchscript").scriptPath((dir / "none.pt").string())), Error);
    {
        std::ofstream f(dir / "bad.pt");
        f << "garbage";
    }
    try {
        Backbone(BackboneOptions().kind("torchscript").scriptPath((dir / "bad.pt").string()));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.pt"), std::string::npos) << e.what();
    }
}

} // namespace zm::test
