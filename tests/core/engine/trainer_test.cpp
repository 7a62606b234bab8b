// Trainer: a tiny model overfits a tiny batch; cancellation saves a checkpoint that resumes; bad
// inputs give clear errors; the transductive path runs.
#include "enginefixture.h"

#include "core/common/error.h"
#include "core/engine/checkpoint.h"
#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

#include <fstream>

namespace zm::test {

namespace {

std::vector<Json> readLog(const std::filesystem::path& p)
{
    std::vector<Json> out;
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line))
        out.push_back(Json::parse(line));
    return out;
}

/// True when both lists hold the same number of tensors, each equal to its partner.
bool sameTensors(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b)
{
    bool all = a.size() == b.size();
    for (std::size_t i = 0; all && i < a.size(); ++i)
        all = torch::equal(a[i], b[i]);
    return all;
}

/// Labelled shapes (blue unseen) plus unlabelled target scenes of the same world for the transductive loss.
struct TransductiveWorld {
    ShapesDataset labelled, target;
    TrainingData data;
    TransductiveWorld(int labelledCount, int targetCount, int size)
        : labelled(labelledCount, size, {"background", "red", "green", "blue"}),
          target(targetCount, size, {"background", "red", "green", "blue"}, 99), data(shapesData(labelled))
    {
        data.unlabelled = &target;
    }
};

TrainerOptions fastOptions(const std::filesystem::path& out)
{
    TrainerOptions o;
    o.backboneOverrides = tinyOverrides();
    o.device = "cpu";
    o.outDir = out;
    o.calibrate = false;
    o.cropSize = 32;
    o.batchSize = 2;
    o.minScale = o.maxScale = 1.0;
    o.flip = false;
    o.logEvery = 10;
    return o;
}


} // namespace

TEST_F(EngineTest, TinyModelOverfitsATinyBatch)
{
    TempDir dir;
    ShapesDataset data(2, 64, {"background", "red", "green", "blue"});
    auto o = fastOptions(dir / "m");
    o.cropSize = 64;
    o.iterations = 200;
    o.learningRate = 1e-2;
    NullProgress p;
    trainModel(shapesData(data), o, p);
    const auto log = readLog(dir / "m" / "log.jsonl");
    std::vector<double> loss, acc;
    for (const auto& j : log)
        if (j.contains("loss")) {
            loss.push_back(j["loss"].get<double>());
            acc.push_back(j["pixelAccuracy"].get<double>());
        }
    ASSERT_EQ(loss.size(), 20u);
    EXPECT_LT(loss.back(), loss.front() * 0.2) << "loss did not fall: " << loss.front() << " -> " << loss.back();
    EXPECT_GE(acc.back(), 0.98) << "train pixel accuracy " << acc.back();
}

TEST_F(EngineTest, OneSeedGivesOneModel)
{
    // The network's initial weights and every random draw follow --seed: two runs give the same weights,
    // another seed other weights.
    TempDir dir;
    ShapesDataset data(4, 32, {"background", "red", "green", "blue"});
    const TrainingData td = shapesData(data);
    auto train = [&](const std::string& name, std::uint64_t seed) {
        auto o = fastOptions(dir / name);
        o.iterations = 15;
        o.seed = seed;
        NullProgress p;
        trainModel(td, o, p);
        return loadModel(dir / name, td.space).net;
    };
    const SegNet a = train("a", 7), b = train("b", 7), c = train("c", 8);
    ASSERT_EQ(a->parameters().size(), c->parameters().size());
    EXPECT_TRUE(sameTensors(a->parameters(), b->parameters()));
    EXPECT_FALSE(sameTensors(a->parameters(), c->parameters()));
}

TEST_F(EngineTest, ColourJitterIsRecordedSeededAndChangesTraining)
{
    // --color-jitter draws its factors from the run's seed: two jittered runs give one model, a run without
    // jitter another; the card records the strength; a strength outside [0, 1] is refused.
    TempDir dir;
    ShapesDataset data(4, 32, {"background", "red", "green", "blue"});
    const TrainingData td = shapesData(data);
    auto train = [&](const std::string& name, double jitter) {
        auto o = fastOptions(dir / name);
        o.iterations = 6;
        o.colorJitter = jitter;
        NullProgress p;
        const auto r = trainModel(td, o, p);
        EXPECT_DOUBLE_EQ(r.card.training["colorJitter"].get<double>(), jitter);
        return loadModel(dir / name, td.space).net->parameters();
    };
    const auto a = train("a", 0.5), b = train("b", 0.5), plain = train("c", 0.0);
    ASSERT_EQ(a.size(), plain.size());
    EXPECT_TRUE(sameTensors(a, b));
    EXPECT_FALSE(sameTensors(a, plain));
    for (double bad : {-0.1, 1.5}) {
        auto o = fastOptions(dir / "bad");
        o.colorJitter = bad;
        NullProgress p;
        EXPECT_THROW(trainModel(td, o, p), Error) << bad;
    }
}

TEST_F(EngineTest, TheEncoderCanBeFrozenOrFineTunedMoreGently)
{
    // One seed gives one initial network: two frozen runs of different lengths keep the same encoder and
    // train the rest differently; an unfrozen run changes the encoder.
    TempDir dir;
    ShapesDataset data(4, 32, {"background", "red", "green", "blue"});
    const TrainingData td = shapesData(data);
    auto train = [&](const std::string& name, int iterations, double scale) {
        auto o = fastOptions(dir / name);
        o.iterations = iterations;
        o.backboneLrScale = scale;
        NullProgress p;
        const auto r = trainModel(td, o, p);
        EXPECT_DOUBLE_EQ(r.card.training["backboneLrScale"].get<double>(), scale);
        return loadModel(dir / name, td.space).net;
    };
    const SegNet frozen5 = train("f5", 5, 0.0), frozen10 = train("f10", 10, 0.0), gentle = train("g5", 5, 0.1),
                 full = train("t5", 5, 1.0);
    EXPECT_TRUE(sameTensors(frozen5->backbone->encoder->parameters(), frozen10->backbone->encoder->parameters()));
    EXPECT_FALSE(sameTensors(frozen5->projection->parameters(), frozen10->projection->parameters()));
    EXPECT_FALSE(sameTensors(frozen5->backbone->encoder->parameters(), full->backbone->encoder->parameters()));
    EXPECT_FALSE(sameTensors(frozen5->backbone->encoder->parameters(), gentle->backbone->encoder->parameters()));
    EXPECT_FALSE(sameTensors(gentle->backbone->encoder->parameters(), full->backbone->encoder->parameters()));
}

TEST_F(EngineTest, AFrozenEncoderKeepsItsBatchNormStatisticsUnlessAskedToUpdateThem)
{
    // A frozen pretrained trunk must normalise with its own running statistics: "auto" (the default) keeps
    // them when the encoder's learning rate is 0, "train" updates them from the batches, and a fine-tuned
    // encoder can keep them with "frozen". The card records which it was.
    TempDir dir;
    ShapesDataset data(4, 32, {"background", "red", "green", "blue"});
    const TrainingData td = shapesData(data);
    auto train = [&](const std::string& name, int iterations, double scale, const std::string& bn) {
        auto o = fastOptions(dir / name);
        o.iterations = iterations;
        o.backboneLrScale = scale;
        o.encoderBatchNorm = bn;
        NullProgress p;
        const auto r = trainModel(td, o, p);
        return std::make_pair(loadModel(dir / name, td.space).net, r.card.training["encoderBatchNorm"].get<std::string>());
    };
    auto buffersEqual = [](const SegNet& a, const SegNet& b) {
        const auto x = a->backbone->encoder->buffers(), y = b->backbone->encoder->buffers();
        bool all = x.size() == y.size() && !x.empty();
        for (std::size_t i = 0; all && i < x.size(); ++i)
            all = x[i].dtype() != torch::kFloat || torch::equal(x[i], y[i]);
        return all;
    };
    const auto [auto2, autoMode] = train("a2", 2, 0.0, "auto");
    const auto [auto6, autoMode6] = train("a6", 6, 0.0, "auto");
    const auto [train2, trainMode] = train("t2", 2, 0.0, "train");
    const auto [fine2, fineMode] = train("g2", 2, 0.1, "frozen");
    const auto [fine6, fineMode6] = train("g6", 6, 0.1, "frozen");
    const auto [full2, fullMode] = train("f2", 2, 1.0, "auto");
    EXPECT_EQ(autoMode, "frozen");
    EXPECT_EQ(trainMode, "train");
    EXPECT_EQ(fineMode, "frozen");
    EXPECT_EQ(fullMode, "train");
    EXPECT_TRUE(buffersEqual(auto2, auto6)) << "a frozen encoder's running statistics changed with training";
    EXPECT_TRUE(buffersEqual(fine2, fine6)) << "--encoder-bn frozen let the running statistics change";
    EXPECT_FALSE(buffersEqual(auto2, train2)) << "--encoder-bn train did not update the running statistics";
    EXPECT_FALSE(buffersEqual(auto2, full2));
    EXPECT_THROW(train("bad", 1, 0.0, "sometimes"), Error);
}

TEST_F(EngineTest, CancelledTrainingSavesAndResumes)
{
    TempDir dir;
    ShapesDataset data(6, 32, {"background", "red", "green", "blue"});
    auto o = fastOptions(dir / "m");
    o.iterations = 12;
    o.logEvery = 1;
    CancelAfter stop(5);
    EXPECT_THROW(trainModel(shapesData(data), o, stop), Cancelled);
    ASSERT_TRUE(std::filesystem::exists(dir / "m" / "state.json"));
    const Json state = loadJsonFile(dir / "m" / "state.json");
    EXPECT_EQ(state["iteration"].get<int>(), 5);
    // A fresh run into the same folder is refused; --resume continues where it stopped.
    NullProgress p;
    EXPECT_THROW(trainModel(shapesData(data), o, p), Error);
    o.resume = true;
    const auto r = trainModel(shapesData(data), o, p);
    EXPECT_EQ(r.card.training["iterationsDone"].get<int>(), 12);
    int iterLines = 0;
    for (const auto& j : readLog(dir / "m" / "log.jsonl"))
        iterLines += j.contains("loss");
    EXPECT_EQ(iterLines, 12);
    EXPECT_NO_THROW(Segmenter::load(dir / "m"));
}

TEST_F(EngineTest, TransductiveTrainingRunsAndLogsItsLoss)
{
    TempDir dir;
    TransductiveWorld world(4, 4, 32);
    const auto& td = world.data;
    auto o = fastOptions(dir / "m");
    o.iterations = 10;
    o.transductive = true;
    o.lambda = 0.5;
    NullProgress p;
    trainModel(td, o, p);
    bool logged = false;
    for (const auto& j : readLog(dir / "m" / "log.jsonl"))
        if (j.contains("transductive")) {
            logged = true;
            EXPECT_GT(j["transductive"].get<double>(), 0.0);
        }
    EXPECT_TRUE(logged);
}

// The transductive loss must not be met by labelling everything unseen: on labelled images the seen
// classes keep winning against the unseen one. Before the fix (labelled cross-entropy over seen classes
// only, labelled and target images in separate forward passes) every pixel here became "blue".
TEST_F(EngineTest, TransductiveTrainingKeepsLabelledPixelsSeen)
{
    TempDir dir;
    TransductiveWorld world(4, 6, 64);
    const auto& data = world.labelled;
    const auto& td = world.data;
    auto o = fastOptions(dir / "m");
    o.cropSize = 64;
    o.iterations = 150;
    o.learningRate = 1e-2;
    o.transductive = true;
    o.lambda = 0.5; // below 1, so that the labelled class wins where both sets hold the same pixels
    NullProgress p;
    trainModel(td, o, p);
    auto seg = Segmenter::load(dir / "m");
    ClassSet cs;
    for (int c = 0; c < 4; ++c)
        cs.classes.push_back({data.classNames()[std::size_t(c)], td.classVectors[std::size_t(c)]});
    ScoreOptions so;
    so.gamma = 0;
    for (int i : {0, 3}) { // two red images (with these random vectors even an inductive model calls green blue)
        const Sample s = data.get(i);
        const auto r = seg->score(*seg->encode(s.image), cs, so);
        std::size_t right = 0, square = 0, squareRight = 0, blue = 0;
        for (std::size_t k = 0; k < r.labels.ids.size(); ++k) {
            right += r.labels.ids[k] == s.labels.ids[k];
            blue += r.labels.ids[k] == 3;
            if (s.labels.ids[k] == 1) {
                ++square;
                squareRight += r.labels.ids[k] == 1;
            }
        }
        const double n = double(r.labels.ids.size());
        EXPECT_LT(double(blue) / n, 0.05) << "image " << i << ": labelled pixels lost to the unseen class";
        EXPECT_GE(double(right) / n, 0.9) << "image " << i;
        ASSERT_GT(square, 0u);
        EXPECT_GE(double(squareRight) / double(square), 0.8) << "image " << i << ": the red square itself";
    }
}

TEST_F(EngineTest, TransductiveWarmupAndThresholdAreAppliedAndLogged)
{
    TempDir dir;
    TransductiveWorld world(4, 4, 32);
    const auto& td = world.data;
    auto o = fastOptions(dir / "m");
    o.iterations = 20;
    o.logEvery = 5;
    o.transductive = true;
    o.transductiveWarmup = 0.5; // no target loss in iterations 1-10
    NullProgress p;
    trainModel(td, o, p);
    std::vector<int> withLoss;
    for (const auto& j : readLog(dir / "m" / "log.jsonl"))
        if (j.contains("iteration") && j.contains("transductive")) {
            withLoss.push_back(j["iteration"].get<int>());
            EXPECT_GT(j["transductive"].get<double>(), 0.0);
            EXPECT_EQ(j["transductiveSelected"].get<double>(), 1.0); // threshold 1: every pixel
        }
    EXPECT_EQ(withLoss, (std::vector<int>{15, 20}));
    // A gate no pixel passes: the loss is logged as 0 with 0 % of the pixels selected.
    auto gated = o;
    gated.outDir = dir / "gated";
    gated.transductiveWarmup = 0;
    gated.transductiveThreshold = 1e-6;
    trainModel(td, gated, p);
    int lines = 0;
    for (const auto& j : readLog(dir / "gated" / "log.jsonl"))
        if (j.contains("transductive")) {
            ++lines;
            EXPECT_EQ(j["transductive"].get<double>(), 0.0);
            EXPECT_EQ(j["transductiveSelected"].get<double>(), 0.0);
        }
    EXPECT_EQ(lines, 4);
    const Json card = loadJsonFile(dir / "m" / "card.json");
    EXPECT_EQ(card["training"]["transductiveWarmup"].get<double>(), 0.5);
    // Out-of-range values are refused with their name.
    for (auto [th, wu] : {std::pair{0.0, 0.0}, std::pair{1.5, 0.0}, std::pair{0.5, 1.0}, std::pair{0.5, -0.1}}) {
        auto bad = fastOptions(dir / "bad");
        bad.transductive = true;
        bad.transductiveThreshold = th;
        bad.transductiveWarmup = wu;
        try {
            trainModel(td, bad, p);
            ADD_FAILURE() << th << " " << wu;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("transductive"), std::string::npos) << e.what();
        }
    }
}

TEST_F(EngineTest, BadTrainingInputsGiveClearErrors)
{
    TempDir dir;
    ShapesDataset data(4, 32, {"background", "red", "green", "blue"});
    NullProgress p;
    auto td = shapesData(data);
    td.split.unseen = {"purple"};
    try {
        trainModel(td, fastOptions(dir / "a"), p);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("purple"), std::string::npos) << e.what();
    }
    td = shapesData(data);
    auto o = fastOptions(dir / "b");
    o.transductive = true;
    EXPECT_THROW(trainModel(td, o, p), Error); // no unlabelled images
    o = fastOptions(dir / "c");
    o.method = "nosuchmethod";
    EXPECT_THROW(trainModel(td, o, p), Error);
    td.classVectors.pop_back();
    EXPECT_THROW(trainModel(td, fastOptions(dir / "d"), p), Error);
}

} // namespace zm::test
