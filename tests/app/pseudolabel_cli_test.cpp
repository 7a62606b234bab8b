// `zeromask-cli pseudolabel` as a person runs it: a split's unseen regions of a small generic set named by a
// per-cell classifier converted from a TF.js graph the test writes; the written set, its report, and the
// refusals (no split, a foreign output folder, a bad classifier). Needs the default word vectors for the
// classifier's label names; skipped where there are none.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/app/clidata.h"
#include "tests/core/engine/tfjsfixture.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <fstream>

using zm::test::runCli;
namespace fs = std::filesystem;

namespace {
const auto q = zm::test::quoted;
const auto has = zm::test::contains;
} // namespace

TEST(CliPseudoLabel, NamesTheUnseenRegionsOfATrainingSet)
{
    zm::test::TempDir dir;
    zm::test::makeData(dir / "data", 2, 3); // tiger (the unseen class) is in the test images only
    const fs::path cls = dir / "cls.pt";
    auto r = runCli("backbone convert --tfjs " + q(zm::test::writeTinyClassifierGraph(dir / "g")) + " --until logits --per-cell --out " + q(cls));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    std::ofstream(dir / "cls.labels.json") << R"({"0": "tiger, Panthera tigris", "1": "great white shark", "2": "zebra"})";

    const std::string base = "pseudolabel --data " + q(dir / "data") + " --subset test --conse " + q(cls) + " --min-pixels 50";
    r = runCli(base + " --out " + q(dir / "none"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_TRUE(has(r.output, "give one of --split")) << r.output;

    r = runCli(base + " --unseen tiger --out " + q(dir / "out"));
    if (r.exitCode != 0 && has(r.output, "no word vectors found"))
        GTEST_SKIP() << "no default word vectors here: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "images 3, regions 3, kept 3")) << r.output; // one tiger half per image; --keep 0.75 of 3 rounds up
    EXPECT_TRUE(has(r.output, "tiger: 3 regions, 3 kept, 3 correct")) << r.output;
    const zm::Json j = zm::loadJsonFile(dir / "out" / "pseudolabels.json");
    EXPECT_EQ(j["classes"].size(), 1u);
    EXPECT_EQ(j["provenance"]["subset"], "test");
    EXPECT_EQ(zm::readFile(dir / "out" / "classes.txt"), "zebra\nshark\ntiger\n");
    int images = 0;
    for (const auto& e : fs::directory_iterator(dir / "out" / "labels" / "train"))
        images += e.path().extension() == ".png";
    EXPECT_EQ(images, 3);

    // Balanced among two unseen classes: the offsets are printed and recorded; a bad temperature is refused.
    r = runCli(base + " --unseen tiger,zebra --balance --out " + q(dir / "balanced"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "(balance offset ")) << r.output;
    const zm::Json b = zm::loadJsonFile(dir / "balanced" / "pseudolabels.json");
    EXPECT_EQ(b["options"]["balance"], true);
    EXPECT_EQ(b["classes"].size(), 2u);
    EXPECT_EQ(b["regionList"].size(), 3u);
    r = runCli(base + " --unseen tiger,zebra --balance --balance-temperature 0 --out " + q(dir / "b0"));
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "--balance-temperature")) << r.output;
    EXPECT_FALSE(fs::exists(dir / "b0"));

    // A folder holding something else is refused, untouched.
    zm::writeFileAtomic(dir / "mine" / "notes.txt", "keep me\n");
    r = runCli(base + " --unseen tiger --out " + q(dir / "mine"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_TRUE(has(r.output, (dir / "mine").string() + ": is not empty")) << r.output;
    EXPECT_EQ(zm::readFile(dir / "mine" / "notes.txt"), "keep me\n");
    // A classifier whose outputs do not match its labels: the file is named.
    std::ofstream(dir / "two.json") << R"(["tiger", "shark"])";
    r = runCli(base + " --unseen tiger --conse-labels " + q(dir / "two.json") + " --out " + q(dir / "o2"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_TRUE(has(r.output, cls.string() + ": a per-cell classifier must map")) << r.output;
}
