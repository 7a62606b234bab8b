// An attribute table (CSV) as the semantic space of the real binary, end to end: train a tiny model with
// --vectors table.csv, then eval / predict with the same table work and with another table are refused;
// embed / neighbors / vectors info read the table. A few seconds in all.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/app/clidata.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"
#include "tests/support/helpers.h"

#include <gtest/gtest.h>

using zm::test::runCli;
using zm::test::has;
using zm::test::makeData;
namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

} // namespace

TEST(CliAttributes, TrainEvalPredictInAnAttributeSpace)
{
    zm::test::TempDir dir;
    makeData(dir / "data");
    const std::string zoo = "# attributes of the classes\nclass,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.3\n";
    zm::writeFileAtomic(dir / "zoo.csv", zoo);
    zm::writeFileAtomic(dir / "zoo-v2.csv", "class,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.4\n");
    zm::writeFileAtomic(dir / "no-tiger.csv", "class,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\n");
    const std::string data = " --data " + q(dir / "data");

    // A split class the table lacks stops training before it starts, naming the file and close names.
    auto r = runCli("train" + data + " --unseen tiger --vectors " + q(dir / "no-tiger.csv") + " --out " + q(dir / "bad"));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "no-tiger.csv: class 'tiger' is not in this attribute table")) << r.output;
    EXPECT_TRUE(has(r.output, "cannot embed other words")) << r.output;

    r = runCli("train" + data + " --unseen tiger --vectors " + q(dir / "zoo.csv") +
               " --iterations 3 --batch 2 --crop 32 --no-calibrate --device cpu --out " + q(dir / "model"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const zm::Json card = zm::loadJsonFile(dir / "model" / "card.json");
    EXPECT_EQ(card["vectorSpace"]["name"], "attributes:zoo");
    EXPECT_EQ(card["vectorSpace"]["dim"], 4);
    r = runCli("vectors info " + q(dir / "zoo.csv"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, card["vectorSpace"]["checksum"].get<std::string>())) << r.output;
    EXPECT_TRUE(has(r.output, "classes:    3: zebra, shark, tiger")) << r.output;

    // The same table: eval and predict work.
    r = runCli("eval --model " + q(dir / "model") + data + " --vectors " + q(dir / "zoo.csv") + " --device cpu");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "hIoU:")) << r.output;
    const std::string predict = "predict " + q(dir / "data" / "images" / "test") + " --model " + q(dir / "model") + " --device cpu";
    r = runCli(predict + " --vectors " + q(dir / "zoo.csv") + " --classes 'Zebra, shark, tiger' --out " + q(dir / "out"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(fs::is_regular_file(dir / "out" / "voc" / "0.png")) << r.output;

    // Another table (one value differs): refused, naming both spaces.
    r = runCli("eval --model " + q(dir / "model") + data + " --vectors " + q(dir / "zoo-v2.csv") + " --device cpu");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "was trained in vector space attributes:zoo (4-d")) << r.output;
    EXPECT_TRUE(has(r.output, "attributes:zoo-v2")) << r.output;
    r = runCli(predict + " --vectors " + q(dir / "zoo-v2.csv") + " --classes 'zebra, shark' --out " + q(dir / "out2"));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "Load the attribute table it was trained with ('zoo.csv'")) << r.output;

    // A class the table lacks, typed for predict: a clear error, no output.
    r = runCli(predict + " --vectors " + q(dir / "zoo.csv") + " --classes 'zebra, lion' --out " + q(dir / "out3"));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "class 'lion' is not in this attribute table")) << r.output;

    // embed / neighbors read the table: the row, and the table's classes as neighbours.
    r = runCli("embed shark --vectors " + q(dir / "zoo.csv"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "shark\t0 0 0 1")) << r.output;
    r = runCli("neighbors zebra -k 2 --vectors " + q(dir / "zoo.csv"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "1.0000\tzebra\n")) << r.output;
    EXPECT_TRUE(has(r.output, "\ttiger\n")) << r.output;
}

TEST(CliAttributes, GenerativeMethodTrainsAndPredictsInAnAttributeSpace)
{
    zm::test::TempDir dir;
    makeData(dir / "data");
    zm::writeFileAtomic(dir / "zoo.csv", "#! normalize = columns\nclass,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.3\n");
    auto r = runCli("train --data " + q(dir / "data") + " --unseen tiger --method zs3 --gen generator_steps=5 --gen classifier_steps=5 --vectors " +
                    q(dir / "zoo.csv") + " --iterations 3 --batch 2 --crop 32 --no-calibrate --device cpu --out " + q(dir / "model"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const zm::Json card = zm::loadJsonFile(dir / "model" / "card.json");
    EXPECT_EQ(card["method"], "zs3");
    EXPECT_EQ(card["vectorSpace"]["name"], "attributes:zoo");
    r = runCli("predict " + q(dir / "data" / "images" / "test") + " --model " + q(dir / "model") + " --device cpu --vectors " +
               q(dir / "zoo.csv") + " --classes 'zebra, shark; tiger' --out " + q(dir / "out"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(fs::is_regular_file(dir / "out" / "voc" / "1.png")) << r.output;
}
