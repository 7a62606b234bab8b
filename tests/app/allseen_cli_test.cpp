// `train --all-seen` (a model to ship: every class of the data set labelled, no zero-shot split) and
// `eval --data-classes` (exactly the data set's names compete, as a person typing them would see): run as
// a person would, on the tiny three-class set of clidata.h with a class -> attribute table as vectors.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/app/clidata.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

using zm::test::runCli;
namespace fs = std::filesystem;

namespace {
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
} // namespace

TEST(CliAllSeen, TrainsOnEveryClassAndEvaluatesTheDataSetsOwnNames)
{
    zm::test::TempDir dir;
    zm::test::makeData(dir / "data");
    zm::writeFileAtomic(dir / "zoo.csv", "class,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.3\nhorse,0.2,4,1,0\n");
    const std::string vectors = " --vectors " + q(dir / "zoo.csv") + " --device cpu";
    auto r = runCli("train --data " + q(dir / "data") + " --all-seen --unseen tiger --out " + q(dir / "bad") + vectors);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "give one of --split")) << r.output;

    r = runCli("train --data " + q(dir / "data") + " --all-seen --iterations 3 --batch 2 --crop 32 --no-calibrate --out " +
               q(dir / "model") + vectors);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "split all-seen: 3 seen, 0 unseen")) << r.output;
    const zm::Json card = zm::loadJsonFile(dir / "model" / "card.json");
    EXPECT_EQ(card["seenClasses"].size(), 3u);
    EXPECT_TRUE(card["unseenClasses"].empty());

    // The data set's names: all three were trained on, so all are seen.
    r = runCli("eval --model " + q(dir / "model") + " --data " + q(dir / "data") + " --data-classes --json " + q(dir / "e.json") + vectors);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    zm::Json e = zm::loadJsonFile(dir / "e.json");
    EXPECT_EQ(e["seen_classes_in_mean"], 3);
    EXPECT_EQ(e["unseen_classes_in_mean"], 0);

    // Another data set whose names differ: a name the model never saw is unseen, scored by its vector.
    zm::writeFileAtomic(dir / "data" / "classes.txt", "zebra\nshark\nhorse\n");
    r = runCli("eval --model " + q(dir / "model") + " --data " + q(dir / "data") + " --data-classes --json " + q(dir / "e2.json") + vectors);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    e = zm::loadJsonFile(dir / "e2.json");
    bool horseUnseen = false;
    for (const auto& c : e["classes"])
        if (c["name"] == "horse")
            horseUnseen = c["role"] == "unseen";
    EXPECT_TRUE(horseUnseen) << e.dump();

    r = runCli("eval --model " + q(dir / "model") + " --data " + q(dir / "data") + " --data-classes --split fashion-unseen-2" + vectors);
    EXPECT_NE(r.exitCode, 0) << r.output;
}
