// `zeromask-cli backbone convert|time` run as a person would: a tiny TF.js model (both file forms)
// becomes a TorchScript encoder that `train --backbone` accepts; bad input is exit code 1 with a
// message naming the file; `time` measures it.
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
std::string q(const fs::path& p) { return "'" + p.string() + "'"; }
} // namespace

TEST(BackboneCli, ConvertsATfjsTrunkFromModelJsonAndFromTheJsBundle)
{
    zm::test::TempDir dir;
    zm::test::TfjsModelBuilder b;
    zm::test::buildTinyTrunk(b);
    b.writeJson(dir / "json");
    b.writeBundle(dir / "bundle");
    for (const char* form : {"json", "bundle"}) {
        SCOPED_TRACE(form);
        const fs::path out = dir / (std::string(form) + ".pt");
        const auto r = runCli("backbone convert --tfjs " + q(dir / form) + " --until out_BN --out " + q(out));
        ASSERT_EQ(r.exitCode, 0) << r.output;
        EXPECT_NE(r.output.find("12 channels at stride 4"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("15 Keras layers"), std::string::npos) << r.output;
        EXPECT_TRUE(fs::exists(out));
    }

    const auto t = runCli("backbone time " + q(dir / "json.pt") + " --size 64 --runs 1");
    ASSERT_EQ(t.exitCode, 0) << t.output;
    EXPECT_NE(t.output.find("encoder 12 ch at stride 4"), std::string::npos) << t.output;
}

TEST(BackboneCli, BadModelsAreErrorsNamingTheFile)
{
    zm::test::TempDir dir;
    zm::test::TfjsModelBuilder b;
    zm::test::buildTinyTrunk(b);
    b.writeJson(dir / "m");
    {
        std::ofstream f(dir / "m" / "group1-shard1of1", std::ios::binary);
        f << b.shard().substr(0, 100);
    }
    auto r = runCli("backbone convert --tfjs " + q(dir / "m") + " --until out_BN --out " + q(dir / "t.pt"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("model.json: weight group 0 (group1-shard1of1) is truncated"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "t.pt"));

    b.writeJson(dir / "m");
    r = runCli("backbone convert --tfjs " + q(dir / "m") + " --out " + q(dir / "t.pt"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("cannot be converted"), std::string::npos) << r.output;

    r = runCli("backbone convert --tfjs " + q(dir / "m") + " --until out_BN --input bgr --out " + q(dir / "t.pt"));
    EXPECT_NE(r.exitCode, 0) << r.output;
}

// `train --from` a model whose encoder is a TorchScript file, frozen: the new folder gets its own copy of
// backbone.pt and resumes with the same learning-rate groups (the optimiser state holds one per scale), so a
// generative method runs on a converted trunk and the result predicts.
TEST(BackboneCli, AGenerativeMethodStartsFromAModelWithAFrozenTorchScriptTrunk)
{
    zm::test::TempDir dir;
    zm::test::TfjsModelBuilder b;
    zm::test::buildTinyTrunk(b);
    b.writeJson(dir / "tfjs");
    auto r = runCli("backbone convert --tfjs " + q(dir / "tfjs") + " --until out_BN --out " + q(dir / "trunk.pt"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    zm::test::makeData(dir / "data");
    zm::writeFileAtomic(dir / "zoo.csv", "class,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.3\n");
    const std::string common = " --data " + q(dir / "data") + " --unseen tiger --vectors " + q(dir / "zoo.csv") + " --device cpu";
    r = runCli("train" + common + " --backbone " + q(dir / "trunk.pt") +
               " --backbone-lr-scale 0 --iterations 3 --batch 2 --crop 32 --no-calibrate --out " + q(dir / "spnet"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    fs::remove(dir / "trunk.pt"); // the model keeps its own copy; --from must use that one

    r = runCli("train" + common + " --method zs3 --from " + q(dir / "spnet") +
               " --gen generator_steps=5 --gen classifier_steps=5 --out " + q(dir / "zs3"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(fs::is_regular_file(dir / "zs3" / "backbone.pt"));
    const zm::Json card = zm::loadJsonFile(dir / "zs3" / "card.json");
    EXPECT_EQ(card["method"], "zs3");
    EXPECT_EQ(card["training"]["backboneLrScale"], 0.0);
    EXPECT_EQ(card["architecture"]["backbone"]["kind"], "torchscript");
    r = runCli("predict " + q(dir / "data" / "images" / "test") + " --model " + q(dir / "zs3") + " --device cpu --vectors " +
               q(dir / "zoo.csv") + " --classes 'zebra, shark, tiger' --out " + q(dir / "out"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
}

// A graph model (format "graph-model", here named centernet.json like @vladmandic/human's) converts
// through the same command, cut at a node, with the CenterNet's RGB 0..255 input range; a node past
// the convertible part, a truncated .bin and an unknown node are exit code 1 naming the file.
TEST(BackboneCli, ConvertsATfjsGraphModelAtANode)
{
    zm::test::TempDir dir;
    zm::test::TfjsGraphBuilder g;
    zm::test::buildTinyCenterNet(g);
    g.writeGraph(dir / "g");
    const fs::path json = dir / "g" / "centernet.json";
    auto r = runCli("backbone convert --tfjs " + q(json) + " --until features_id --input-range 255 --out " + q(dir / "g.pt"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("nodes up to 'features_id' (42 graph nodes: Add, ConcatV2, Const,"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("24 channels at stride 4"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("mapped back to RGB 0..255 inside"), std::string::npos) << r.output;
    r = runCli("backbone convert --tfjs " + q(json) + " --until features_id --input none --input-range 255 --out " + q(dir / "n.pt"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("RGB 0..1, scaled to RGB 0..255 inside"), std::string::npos) << r.output;

    const auto t = runCli("backbone time " + q(dir / "g.pt") + " --size 64 --runs 1");
    ASSERT_EQ(t.exitCode, 0) << t.output;
    EXPECT_NE(t.output.find("encoder 24 ch at stride 4"), std::string::npos) << t.output;

    r = runCli("backbone convert --tfjs " + q(json) + " --until topk --out " + q(dir / "t.pt"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find(json.string() + ": node 'topk' (TopKV2): this op cannot be converted"), std::string::npos) << r.output;
    r = runCli("backbone convert --tfjs " + q(json) + " --out " + q(dir / "t.pt"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("name the node to keep with --until"), std::string::npos) << r.output;
    r = runCli("backbone convert --tfjs " + q(json) + " --until features --input-range 0 --out " + q(dir / "t.pt"));
    EXPECT_NE(r.exitCode, 0) << r.output;
    {
        std::ofstream f(dir / "g" / "centernet.bin", std::ios::binary);
        f << g.shard().substr(0, 1000);
    }
    r = runCli("backbone convert --tfjs " + q(json) + " --until features --out " + q(dir / "t.pt"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find(json.string() + ": weight group 0 (centernet.bin) is truncated"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "t.pt"));
}
