// `zeromask-cli backbone convert|time` run as a person would: a tiny TF.js model (both file forms)
// becomes a TorchScript encoder that `train --backbone` accepts; bad input is exit code 1 with a
// message naming the file; `time` measures it.
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
