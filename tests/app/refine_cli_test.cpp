// `eval --classes` (only the listed data-set classes compete) and `--refine` (masks snapped to the photo's
// edges, core/io/refine.h), run as a person would: the shipped default model on darknet's dog.jpg and its
// hand-checked ground truth (resources/samples/ground-truth).
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

using zm::test::runCli;
namespace fs = std::filesystem;

namespace {
std::string q(const fs::path& p)
{
    return "'" + p.string() + "'";
}
bool has(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

double iouOf(const zm::Json& e, const std::string& name)
{
    for (const auto& c : e["classes"])
        if (c["name"] == name)
            return c["iou"].get<double>();
    return -1;
}
} // namespace

TEST(CliRefine, TheDogsMaskSnapsToTheDogAndOnlyTheTypedClassesCompete)
{
    const fs::path src = ZM_SOURCE_DIR;
    zm::test::TempDir dir;
    const fs::path data = dir / "dog";
    fs::create_directories(data / "images" / "test");
    fs::create_directories(data / "labels" / "test");
    fs::copy_file(src / "resources/samples/ground-truth/classes.txt", data / "classes.txt");
    fs::copy_file(src / "resources/samples/dog.jpg", data / "images/test/dog.jpg");
    fs::copy_file(src / "resources/samples/ground-truth/dog.png", data / "labels/test/dog.png");
    const std::string base =
        "eval --model " + q(src / "models/default") + " --data " + q(data) + " --format generic --device cpu";

    auto r = runCli(base + " --classes background,dog --json " + q(dir / "plain.json"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    r = runCli(base + " --classes background,dog --refine --json " + q(dir / "refined.json"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const zm::Json plain = zm::loadJsonFile(dir / "plain.json"), refined = zm::loadJsonFile(dir / "refined.json");
    // Only the two typed classes compete: the ground truth's other five names are not in the table.
    EXPECT_EQ(plain["classes"].size(), 2u) << plain.dump();
    EXPECT_EQ(plain["split"], "the classes background, dog");
    ASSERT_TRUE(refined.contains("refine"));
    const double before = iouOf(plain, "dog"), after = iouOf(refined, "dog");
    EXPECT_GT(before, 0.3) << "the model no longer finds the dog at all";
    EXPECT_GT(after, before + 0.1) << "refinement did not snap the dog's mask to the dog: " << before << " -> "
                                   << after;

    // Refusals name the problem.
    r = runCli(base + " --classes dog --refine");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "needs a class named 'background'")) << r.output;
    r = runCli(base + " --classes background,wolf");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "--classes wolf: not a class of")) << r.output;
    r = runCli(base + " --classes background --split stamp-all-8");
    EXPECT_NE(r.exitCode, 0);
}
