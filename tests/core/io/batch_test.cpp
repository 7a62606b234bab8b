// Batch runner with a fake predictor: outputs, resume without redoing finished images, exact shards,
// refusal to mix runs, failures recorded per image.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/batch.h"
#include "core/io/image_io.h"
#include "core/io/labelpng.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <set>

using namespace zm;
namespace fs = std::filesystem;

namespace {

// Labels derived from the image: class = red value % 3 (so each image's expected labels are known).
LabelMap fakeLabels(const Image& im)
{
    LabelMap m(im.width, im.height);
    for (std::size_t i = 0; i < m.ids.size(); ++i)
        m.ids[i] = std::uint16_t(im.pixels[3 * i] % 3);
    return m;
}

struct Fixture {
    test::TempDir dir;
    fs::path in = dir / "in", out = dir / "out";
    ClassTable table = ClassTable::fromTyped({"cat; kitten", "dog", "sofa"});
    std::vector<std::string> calls;
    explicit Fixture(int n)
    {
        fs::create_directories(in);
        for (int i = 0; i < n; ++i) {
            Image im(5 + i, 4, 3);
            for (std::size_t k = 0; k < im.pixels.size(); ++k)
                im.pixels[k] = std::uint8_t(k * (i + 1));
            saveImage(in / ("img" + std::to_string(i) + ".png"), im);
        }
    }
    BatchOptions options(std::vector<ExportFormat> formats = {ExportFormat::Voc, ExportFormat::Coco})
    {
        BatchOptions o;
        o.inputDir = in;
        o.outDir = out;
        o.exports.formats = std::move(formats);
        o.signature = "classes=cat; kitten,dog,sofa model=fake";
        return o;
    }
    FilePredictor predictor(int cancelAfter = -1)
    {
        return [this, cancelAfter](const Image& im, const fs::path& file) {
            if (cancelAfter >= 0 && int(calls.size()) == cancelAfter)
                throw Cancelled();
            calls.push_back(file.filename().string());
            return fakeLabels(im);
        };
    }
};

} // namespace

TEST(Batch, WritesEveryOutputAndSummary)
{
    Fixture f(4);
    NullProgress progress;
    const auto s = runBatch(f.options({ExportFormat::Voc, ExportFormat::Id, ExportFormat::Coco, ExportFormat::Preview}),
                            f.table, f.predictor(), progress);
    EXPECT_EQ(s.processed, 4);
    EXPECT_EQ(s.skipped, 0);
    EXPECT_TRUE(s.failed.empty());
    EXPECT_TRUE(s.cocoMerged);
    EXPECT_GT(s.imagesPerSecond(), 0);
    for (int i = 0; i < 4; ++i) {
        const std::string n = "img" + std::to_string(i);
        const LabelMap want = fakeLabels(loadImageRgb(f.in / (n + ".png")));
        EXPECT_EQ(readLabelPng(f.out / "voc" / (n + ".png"), f.table), want);
        EXPECT_EQ(readLabelPng(f.out / "id" / (n + ".png"), f.table), want);
        EXPECT_TRUE(fs::exists(f.out / "preview" / (n + ".png")));
    }
    EXPECT_EQ(ClassTable::load(f.out / "labelmap.json"), f.table);
    const Json coco = loadJsonFile(f.out / "coco.json");
    EXPECT_EQ(coco["images"].size(), 4u);
}

TEST(Batch, InterruptedRunResumesWithoutRedoingFinishedImages)
{
    Fixture f(6);
    NullProgress progress;
    EXPECT_THROW(runBatch(f.options(), f.table, f.predictor(2), progress), Cancelled);
    EXPECT_EQ(f.calls, (std::vector<std::string>{"img0.png", "img1.png"}));
    EXPECT_FALSE(fs::exists(f.out / "coco.json")); // incomplete folder: no merged file yet
    // An image whose outputs exist but whose marker does not (killed between the two) is redone.
    fs::remove(f.out / ".zeromask-batch" / "done" / "img1.json");
    f.calls.clear();
    const auto s = runBatch(f.options(), f.table, f.predictor(), progress);
    EXPECT_EQ(f.calls, (std::vector<std::string>{"img1.png", "img2.png", "img3.png", "img4.png", "img5.png"}));
    EXPECT_EQ(s.skipped, 1);
    EXPECT_EQ(s.processed, 5);
    EXPECT_TRUE(s.cocoMerged);
    // Nothing left to do; a new format redoes every image; --overwrite too.
    f.calls.clear();
    EXPECT_EQ(runBatch(f.options(), f.table, f.predictor(), progress).skipped, 6);
    EXPECT_TRUE(f.calls.empty());
    EXPECT_EQ(runBatch(f.options({ExportFormat::Voc, ExportFormat::Id}), f.table, f.predictor(), progress).processed, 6);
    auto o = f.options();
    o.overwrite = true;
    EXPECT_EQ(runBatch(o, f.table, f.predictor(), progress).processed, 6);
}

TEST(Batch, ShardsPartitionTheFolderExactly)
{
    for (int n : {1, 2, 3, 7, 9}) {
        Fixture f(7);
        NullProgress progress;
        std::multiset<std::string> seen;
        bool merged = false;
        for (int i = 0; i < n; ++i) {
            auto o = f.options();
            o.shardIndex = i;
            o.shardCount = n;
            f.calls.clear();
            const auto s = runBatch(o, f.table, f.predictor(), progress);
            EXPECT_EQ(s.folderImages, 7);
            EXPECT_EQ(s.processed, int(f.calls.size()));
            seen.insert(f.calls.begin(), f.calls.end());
            merged = s.cocoMerged;
            EXPECT_EQ(merged, i >= std::min(n, 7) - 1) << "only shards that find the folder complete merge COCO";
        }
        EXPECT_EQ(seen.size(), 7u) << n;
        EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 7u) << "an image ran twice with " << n << " shards";
        const Json coco = loadJsonFile(f.out / "coco.json");
        std::set<int> ids;
        for (const auto& im : coco["images"])
            ids.insert(im["id"].get<int>());
        EXPECT_EQ(ids.size(), 7u);
    }
    EXPECT_EQ(parseShard("2/5"), std::make_pair(2, 5));
    for (const char* bad : {"5/5", "-1/3", "1", "a/b", "1/0", "1/2x"})
        EXPECT_THROW(parseShard(bad), Error) << bad;
}

TEST(Batch, RefusesToMixRunsAndRecordsFailedImages)
{
    Fixture f(3);
    NullProgress progress;
    runBatch(f.options(), f.table, f.predictor(), progress);
    auto other = f.options();
    other.signature = "classes=car model=fake";
    try {
        runBatch(other, f.table, f.predictor(), progress);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("--overwrite"), std::string::npos) << e.what();
    }
    writeFileAtomic(f.in / "broken.png", "not an image");
    auto o = f.options();
    o.overwrite = true;
    const auto s = runBatch(o, f.table, f.predictor(), progress);
    ASSERT_EQ(s.failed.size(), 1u);
    EXPECT_EQ(s.failed[0].first, "broken.png");
    EXPECT_EQ(s.processed, 3);
    EXPECT_FALSE(s.cocoMerged);
}

TEST(Batch, WriteErrorStopsTheRunWithTheFileNamed)
{
    Fixture f(3);
    fs::create_directories(f.out);
    writeFileAtomic(f.out / "voc", "a file where the voc folder should be");
    NullProgress progress;
    try {
        runBatch(f.options({ExportFormat::Voc}), f.table, f.predictor(), progress);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("voc"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(f.out / ".zeromask-batch" / "done" / "img0.json"));
}
