// Checkpoints are written from a CPU copy: the archive never aliases the live (training) weights, a
// weights file holds CPU tensors only, and a model trained on a GPU loads and resumes on the CPU.
#include "enginefixture.h"

#include "core/common/error.h"
#include "core/common/json.h"
#include "core/engine/checkpoint.h"
#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

#include <torch/cuda.h>
#include <torch/serialize/input-archive.h>

#include <map>

namespace zm::test {

namespace {

using Weights = std::map<std::string, at::Tensor>;

/// Every parameter and buffer of `net`, cloned (on the device they live on).
Weights snapshot(const SegNet& net)
{
    Weights w;
    for (const auto& p : net->named_parameters())
        w[p.key()] = p.value().detach().clone();
    for (const auto& b : net->named_buffers())
        w[b.key()] = b.value().detach().clone();
    return w;
}

/// Changes every floating-point parameter and buffer of the live module in place.
void perturb(SegNet& net)
{
    torch::NoGradGuard ng;
    for (auto& p : net->parameters())
        p.add_(1.0);
    for (auto& b : net->buffers())
        if (b.is_floating_point())
            b.add_(1.0);
}

/// A fresh network of the same architecture with `file` read into it, without telling Torch where to put
/// the tensors: they land on the device the file recorded.
SegNet readRaw(const std::filesystem::path& file, int dim)
{
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(dim));
    torch::serialize::InputArchive archive;
    archive.load_from(file.string());
    net->load(archive);
    return net;
}

/// Every tensor of `net` is on the CPU and equals `expected` (compared on the CPU).
::testing::AssertionResult onCpuAndEqual(const SegNet& net, const Weights& expected)
{
    const Weights got = snapshot(net);
    if (got.size() != expected.size())
        return ::testing::AssertionFailure() << got.size() << " tensors, expected " << expected.size();
    for (const auto& [name, t] : got) {
        if (!t.device().is_cpu())
            return ::testing::AssertionFailure() << name << " is on " << t.device();
        if (!torch::equal(t, expected.at(name).to(at::kCPU)))
            return ::testing::AssertionFailure() << name << " differs from the saved values";
    }
    return ::testing::AssertionSuccess();
}


ModelCard tinyCard(int dim)
{
    ModelCard card;
    card.name = "tiny";
    card.vectorSpace = testSpace(dim);
    return card;
}

} // namespace

TEST_F(EngineTest, WeightsArchiveIsASnapshotNotAViewOfTheLiveModule)
{
    TempDir dir;
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(4));
    const Weights before = snapshot(net);
    // Written later than it was taken (as an asynchronous checkpoint would be): the training step in
    // between must not reach the file.
    torch::serialize::OutputArchive archive = cpuArchiveOf(*net);
    perturb(net);
    archive.save_to((dir / "w.pt").string());
    const SegNet loaded = readRaw(dir / "w.pt", 4);
    EXPECT_TRUE(onCpuAndEqual(loaded, before));
    const auto params = net->named_parameters();
    EXPECT_FALSE(torch::equal(params.begin()->value(), before.at(params.begin()->key()))) << "perturb() changed nothing";
}

TEST_F(EngineTest, SavedModelKeepsTheValuesOfTheMomentItWasSavedAndLoadsOnTheCpu)
{
    TempDir dir;
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(4));
    const Weights before = snapshot(net);
    saveModel(dir / "m", tinyCard(4), net);
    perturb(net);
    const LoadedModel m = loadModel(dir / "m");
    EXPECT_TRUE(onCpuAndEqual(m.net, before));
    EXPECT_TRUE(onCpuAndEqual(readRaw(dir / "m" / "weights.pt", 4), before));
    // Saving it again and loading gives the same tensors (the layout is Module::save's).
    saveModel(dir / "again", m.card, m.net);
    EXPECT_TRUE(onCpuAndEqual(loadModel(dir / "again").net, before));
}

TEST_F(EngineTest, ModelTrainedOnCudaLoadsAndResumesOnTheCpu)
{
    if (!torch::cuda::is_available())
        GTEST_SKIP() << "no CUDA device: this test runs where a GPU is";
    TempDir dir;
    ShapesDataset data(6, 32, {"background", "red", "green", "blue"});
    const TrainingData td = shapesData(data);
    TrainerOptions o;
    o.backboneOverrides = tinyOverrides();
    o.device = "cuda";
    o.outDir = dir / "m";
    o.calibrate = false;
    o.cropSize = 32;
    o.batchSize = 2;
    o.iterations = 6;
    o.logEvery = 1;
    // Stopped on the GPU after 3 iterations: weights and optimiser moments are saved from CUDA tensors.
    CancelAfter stop(3);
    EXPECT_THROW(trainModel(td, o, stop), Cancelled);
    const Json card = loadJsonFile(dir / "m" / "card.json");
    EXPECT_EQ(card["training"].value("device", std::string()).rfind("cuda", 0), 0u) << card["training"].dump();
    EXPECT_EQ(loadJsonFile(dir / "m" / "state.json").value("iteration", -1), 3);

    // The file holds CPU tensors: read with no device mapping, every tensor is on the CPU.
    const LoadedModel m = loadModel(dir / "m");
    EXPECT_TRUE(onCpuAndEqual(readRaw(dir / "m" / "weights.pt", 16), snapshot(m.net)));

    // The CPU segmenter labels (nearly) every pixel as the CUDA one does.
    SegmenterOptions cpu, gpu;
    cpu.device = "cpu";
    gpu.device = "cuda";
    const auto onCpu = Segmenter::load(dir / "m", cpu), onGpu = Segmenter::load(dir / "m", gpu);
    EXPECT_EQ(onCpu->device(), "cpu");
    const Image image = data.get(0).image;
    ClassSet classes;
    for (std::size_t i = 0; i < 4; ++i)
        classes.classes.push_back({data.classNames()[i], td.classVectors[i]});
    const ScoreResult a = onCpu->score(*onCpu->encode(image), classes), b = onGpu->score(*onGpu->encode(image), classes);
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.labels.ids.size(); ++i)
        same += a.labels.ids[i] == b.labels.ids[i];
    EXPECT_GE(same, a.labels.ids.size() * 99 / 100) << "CPU and CUDA labels differ on more than 1 % of the pixels";

    // The training resumes on the CPU: the optimiser's moments saved on the GPU step CPU parameters.
    o.device = "cpu";
    o.resume = true;
    NullProgress quiet;
    const TrainingResult r = trainModel(td, o, quiet);
    EXPECT_EQ(r.card.training["iterationsDone"].get<int>(), 6);
    EXPECT_EQ(r.card.training.value("device", std::string()), "cpu");
}

} // namespace zm::test
