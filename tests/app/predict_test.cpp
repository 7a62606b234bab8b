// `zeromask-cli predict` run as a person would: refusals before any model loads, and (when a model and
// vectors are installed) a real batch over a folder with shards, resume and the summary.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/core/embed/minwordnet.h"
#include "tests/core/engine/tfjsfixture.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <fstream>

using zm::test::runCli;
namespace fs = std::filesystem;

namespace {

void writePpm(const fs::path& file, int w, int h, unsigned seed)
{
    std::string bytes = "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
    for (int i = 0; i < w * h * 3; ++i)
        bytes.push_back(char((i * 37 + int(seed) * 101) % 256));
    zm::writeFileAtomic(file, bytes);
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

} // namespace

TEST(CliPredict, RefusesBadOptionsBeforeLoadingAModel)
{
    zm::test::TempDir dir;
    fs::create_directories(dir / "images");
    const std::string base = "predict " + q(dir / "images") + " --out " + q(dir / "out");
    auto r = runCli(base + " --classes 'cat, dog' --shard 3/3");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("--shard"), std::string::npos) << r.output;
    r = runCli(base + " --classes ' , ; '");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    r = runCli(base + " --classes cat --export tiff");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("tiff"), std::string::npos) << r.output;
    r = runCli(base + " --classes cat --senses maybe");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("use auto, on or off"), std::string::npos) << r.output;
    r = runCli(base + " --classes cat --tta flip,2x");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("'2x' is neither 'flip' nor a scale"), std::string::npos) << r.output;
    r = runCli("predict " + q(dir / "missing") + " --classes cat --out " + q(dir / "out"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("missing"), std::string::npos) << r.output;
}

TEST(CliPredict, RealModelResumesAndShards)
{
    zm::test::TempDir dir;
    const fs::path images = dir / "images", out = dir / "out";
    fs::create_directories(images);
    for (int i = 0; i < 5; ++i)
        writePpm(images / ("im" + std::to_string(i) + ".ppm"), 40 + i, 30, unsigned(i));
    const std::string base = "predict " + q(images) + " --classes 'cat; kitten, dog, sofa' --export id --export coco --out " + q(out);
    auto r = runCli(base + " --shard 0/2");
    if (r.exitCode != 0 &&
        (r.output.find("no model found") != std::string::npos || r.output.find("no word vectors found") != std::string::npos))
        GTEST_SKIP() << "no usable default model/vectors here: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("3 predicted"), std::string::npos) << r.output; // images 0, 2, 4
    EXPECT_NE(r.output.find("images/s"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out / "coco.json"));
    r = runCli(base + " --shard 1/2");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("2 predicted"), std::string::npos) << r.output;
    EXPECT_TRUE(fs::exists(out / "coco.json"));
    r = runCli(base); // everything finished: resume skips all
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("0 predicted, 5 already done"), std::string::npos) << r.output;
    const zm::Json lm = zm::loadJsonFile(out / "labelmap.json");
    EXPECT_EQ(lm["classes"][0]["synonyms"][0], "kitten");
    EXPECT_FALSE(lm["model"].empty());
}

TEST(CliPredict, TestTimeAugmentationIsPartOfTheRun)
{
    zm::test::TempDir dir;
    const fs::path images = dir / "images";
    fs::create_directories(images);
    writePpm(images / "a.ppm", 48, 32, 1u);
    const std::string base = "predict " + q(images) + " --classes 'cat, dog' --export id";
    auto r = runCli(base + " --tta flip,0.75,1 --out " + q(dir / "tta"));
    if (r.exitCode != 0 &&
        (r.output.find("no model found") != std::string::npos || r.output.find("no word vectors found") != std::string::npos))
        GTEST_SKIP() << "no usable default model/vectors here: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("1 predicted"), std::string::npos) << r.output;
    r = runCli(base + " --tta flip,0.75,1 --out " + q(dir / "tta"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("0 predicted, 1 already done"), std::string::npos) << r.output;
    // Plain masks into the folder of augmented ones would mix two kinds of result: refused.
    r = runCli(base + " --out " + q(dir / "tta"));
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("tta=flip,0.75"), std::string::npos) << r.output;
}

// ConSE end to end from the command line: a tiny graph classifier converted with --per-cell, its labels in a
// text file, `predict --conse` with the installed model; ConSE is part of the run, and a bad labels file or a
// classifier whose classes do not match its labels is an error naming the file.
TEST(CliPredict, ConseClassifierIsConvertedAndPartOfTheRun)
{
    zm::test::TempDir dir;
    const fs::path graph = zm::test::writeTinyClassifierGraph(dir / "g");
    const fs::path cls = dir / "cls.pt";
    auto r = runCli("backbone convert --tfjs " + q(graph) + " --until logits --out " + q(cls));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("Convert with --per-cell"), std::string::npos) << r.output;
    r = runCli("backbone convert --tfjs " + q(graph) + " --until logits --per-cell --out " + q(cls));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("output 3 channels at stride 4"), std::string::npos) << r.output;
    std::ofstream(dir / "cls.labels.json") << R"({"0": "tabby cat, tabby", "1": "golden retriever", "2": "studio couch, day bed"})";

    const fs::path images = dir / "images";
    fs::create_directories(images);
    writePpm(images / "a.ppm", 48, 32, 1u);
    const std::string base = "predict " + q(images) + " --classes 'background, kitten, puppy, sofa' --export id";
    r = runCli(base + " --conse " + q(cls) + " --out " + q(dir / "out"));
    if (r.exitCode != 0 &&
        (r.output.find("no model found") != std::string::npos || r.output.find("no word vectors found") != std::string::npos))
        GTEST_SKIP() << "no usable default model/vectors here: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("1 predicted"), std::string::npos) << r.output;
    // Masks without ConSE into the same folder would mix two kinds of result: refused.
    r = runCli(base + " --out " + q(dir / "out"));
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("conse=" + fs::absolute(cls).lexically_normal().string()), std::string::npos) << r.output;

    std::ofstream(dir / "two.json") << R"(["cat", "dog"])";
    r = runCli(base + " --conse " + q(cls) + " --conse-labels " + q(dir / "two.json") + " --out " + q(dir / "o2"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find(cls.string() + ": a per-cell classifier must map [B,3,H,W] to [B,2,H/s,W/s]"), std::string::npos) << r.output;
    std::ofstream(dir / "gap.json") << R"({"0": "cat", "2": "dog", "3": "sofa"})";
    r = runCli(base + " --conse " + q(cls) + " --conse-labels " + q(dir / "gap.json") + " --out " + q(dir / "o3"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find((dir / "gap.json").string() + ": class index 1 has no label"), std::string::npos) << r.output;
}

TEST(CliPredict, NamesAreReadByTheirWordSense)
{
    zm::test::TempDir dir;
    const fs::path images = dir / "images";
    fs::create_directories(images);
    writePpm(images / "a.ppm", 48, 32, 1u);
    zm::test::writeFlipFlopWordNet(dir / "wordnet");
    // The FashionScenes model: its classes (sandal, sneaker, ...) are what the sense of "flip-flop" is read against.
    const std::string model = " --model " + q(fs::path(ZM_SOURCE_DIR) / "models" / "fashion");
    const std::string base = "predict " + q(images) + model + " --classes 'flip-flop, sneaker' --export id --wordnet " + q(dir / "wordnet");
    auto r = runCli(base + " --senses on --out " + q(dir / "on"));
    if (r.exitCode != 0 &&
        (r.output.find("no model found") != std::string::npos || r.output.find("no word vectors found") != std::string::npos))
        GTEST_SKIP() << "no usable default model/vectors here: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("class flip-flop: flip-flop -> sense: flip-flop, thong"), std::string::npos) << r.output;
    r = runCli(base + " --senses off --out " + q(dir / "off"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(r.output.find("-> sense:"), std::string::npos) << r.output;
    // A run into the same folder with the other reading is refused: its results would mix.
    r = runCli(base + " --senses on --out " + q(dir / "off"));
    EXPECT_NE(r.exitCode, 0) << r.output;
    // Names no sense changes give the same results either way: the run resumes.
    const std::string plain = "predict " + q(images) + model + " --classes 'sneaker, bag' --export id --wordnet " + q(dir / "wordnet") +
                              " --out " + q(dir / "plain");
    ASSERT_EQ(runCli(plain + " --senses on").exitCode, 0);
    r = runCli(plain + " --senses off");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("0 predicted, 1 already done"), std::string::npos) << r.output;
}
