// The label commands of zeromask-cli run as a person would: import COCO labels into a project, export
// them in every format, statistics as CSV, merge-coco.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

using zm::test::runCli;
namespace fs = std::filesystem;

namespace {

// Binary PPM: the simplest image format the CLI reads, written without any image library.
void writePpm(const fs::path& file, int w, int h, unsigned seed)
{
    std::string bytes = "P6\n" + std::to_string(w) + " " + std::to_string(h) + "\n255\n";
    for (int i = 0; i < w * h * 3; ++i)
        bytes.push_back(char((i * 37 + int(seed) * 101) % 256));
    zm::writeFileAtomic(file, bytes);
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Two images with known labels, given as COCO uncompressed RLE (column-major runs).
void makeLabelledFolder(const fs::path& images, const fs::path& coco)
{
    fs::create_directories(images);
    writePpm(images / "a.ppm", 4, 3, 1);
    writePpm(images / "b.ppm", 2, 2, 2);
    const zm::Json j = zm::Json::parse(R"({
      "images": [{"id": 1, "file_name": "a.ppm", "width": 4, "height": 3},
                 {"id": 2, "file_name": "b.ppm", "width": 2, "height": 2}],
      "annotations": [
        {"id": 1, "image_id": 1, "category_id": 0, "segmentation": {"size": [3, 4], "counts": [0, 6, 6]}},
        {"id": 2, "image_id": 1, "category_id": 1, "segmentation": {"size": [3, 4], "counts": [6, 3, 3]}},
        {"id": 3, "image_id": 2, "category_id": 1, "segmentation": {"size": [2, 2], "counts": [0, 4]}}],
      "categories": [{"id": 0, "name": "cat"}, {"id": 1, "name": "dog"}]})");
    zm::saveJsonFile(coco, j);
}

} // namespace

TEST(CliLabels, ImportExportStatsMerge)
{
    zm::test::TempDir dir;
    const fs::path images = dir / "images", out = dir / "out";
    makeLabelledFolder(images, dir / "in.json");

    auto r = runCli("import " + q(images) + " --from " + q(dir / "in.json"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("imported labels of 2 images"), std::string::npos) << r.output;
    EXPECT_TRUE(fs::exists(images / "zeromask-project" / "labelmap.json"));

    r = runCli("export " + q(images) + " --export voc --export id,coco --export preview --out " + q(out));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    for (const char* f : {"labelmap.json", "class_names.txt", "voc/a.png", "id/b.png", "coco/a.json", "coco.json", "preview/a.png"})
        EXPECT_TRUE(fs::exists(out / f)) << f;
    const zm::Json coco = zm::loadJsonFile(out / "coco.json");
    EXPECT_EQ(coco["images"].size(), 2u);
    EXPECT_EQ(coco["annotations"].size(), 3u);
    EXPECT_EQ(coco["categories"][1]["name"], "dog");

    // Counts: a.ppm has 6 cat + 3 dog + 3 void pixels, b.ppm 4 dog.
    r = runCli("stats " + q(out) + " --csv " + q(dir / "s.csv"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const std::string csv = zm::readFile(dir / "s.csv");
    EXPECT_NE(csv.find("a.png,0,cat,6,0.500000"), std::string::npos) << csv;
    EXPECT_NE(csv.find("a.png,1,dog,3,0.250000"), std::string::npos) << csv;
    EXPECT_NE(csv.find("a.png,void,void,3,0.250000"), std::string::npos) << csv;
    EXPECT_NE(csv.find("ALL,1,dog,7,0.437500"), std::string::npos) << csv;

    r = runCli("stats " + q(images) + " --edits-csv " + q(dir / "e.csv"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(zm::readFile(dir / "e.csv").find("ALL,16,13,0,0.000000"), std::string::npos) << zm::readFile(dir / "e.csv");

    fs::remove(out / "coco.json");
    r = runCli("export merge-coco " + q(out));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(zm::loadJsonFile(out / "coco.json"), coco);
}

TEST(CliLabels, ImportRefusesLabelsOfAnotherSize)
{
    zm::test::TempDir dir;
    makeLabelledFolder(dir / "images", dir / "in.json");
    writePpm(dir / "images" / "b.ppm", 3, 2, 2); // b.ppm is now 3x2, its labels 2x2
    const auto r = runCli("import " + q(dir / "images") + " --from " + q(dir / "in.json"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("2x2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("in.json"), std::string::npos) << r.output;
}
