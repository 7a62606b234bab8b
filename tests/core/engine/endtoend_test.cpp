// The whole projection path on a tiny model: train -> save -> load -> encode -> score.
#include "enginefixture.h"

#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

#include <fstream>

namespace zm::test {

namespace {

TrainerOptions tinyTraining(const std::filesystem::path& out)
{
    TrainerOptions o;
    o.backboneOverrides = tinyOverrides();
    o.iterations = 40;
    o.batchSize = 4;
    o.cropSize = 64;
    o.learningRate = 5e-3;
    o.calibrationImages = 4;
    o.logEvery = 5;
    o.saveEvery = 20;
    o.device = "cpu";
    o.outDir = out;
    o.minScale = 0.9;
    o.maxScale = 1.1;
    return o;
}

} // namespace

TEST_F(EngineTest, TrainSaveLoadEncodeScore)
{
    TempDir dir;
    ShapesDataset data(24, 64, {"background", "red", "green", "blue", "pink"});
    TrainingData td;
    td.labelled = &data;
    td.split.name = "shapes-test";
    td.split.seen = {"background", "red", "green", "blue"};
    td.split.seenVal = {"blue"};
    td.split.unseen = {"pink"};
    td.classVectors = randomVectors(5, 16);
    td.space = testSpace();
    NullProgress progress;
    const auto result = trainModel(td, tinyTraining(dir / "model"), progress);
    EXPECT_EQ(result.iterations, 40);
    ASSERT_TRUE(std::filesystem::exists(dir / "model" / "card.json"));
    ASSERT_TRUE(std::filesystem::exists(dir / "model" / "weights.pt"));
    ASSERT_TRUE(std::filesystem::exists(dir / "model" / "state.pt"));
    EXPECT_TRUE(result.card.metrics.contains("calibration"));
    EXPECT_GE(result.card.gamma, 0.0f);
    EXPECT_LE(result.card.gamma, 1.0f);

    // The log holds JSON lines with losses.
    std::ifstream log(dir / "model" / "log.jsonl");
    std::string line;
    int lossLines = 0;
    while (std::getline(log, line))
        if (Json::parse(line).contains("loss"))
            ++lossLines;
    EXPECT_EQ(lossLines, 8);

    auto seg = Segmenter::load(dir / "model");
    EXPECT_EQ(seg->device(), "cpu");
    EXPECT_EQ(seg->card().seenClasses.size(), 4u);
    const Sample s = data.get(1);
    auto f = seg->encode(s.image);
    EXPECT_EQ(f->imageWidth(), 64);
    EXPECT_EQ(f->featureWidth(), 16);
    ClassSet cs;
    for (int i = 0; i < 5; ++i)
        cs.classes.push_back({data.classNames()[std::size_t(i)], td.classVectors[std::size_t(i)]});
    const auto r = seg->score(*f, cs);
    EXPECT_EQ(r.labels.width, 64);
    EXPECT_EQ(r.labels.height, 64);
    EXPECT_EQ(r.confidence.size(), 64u * 64u);
    EXPECT_TRUE(seg->isSeen(td.classVectors[1]));
    EXPECT_FALSE(seg->isSeen(td.classVectors[4]));
}

} // namespace zm::test
