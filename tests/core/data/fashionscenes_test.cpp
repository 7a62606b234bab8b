// FashionScenes: deterministic output, labels that match the pasted masks, clear errors, and the
// generic-layout round trip. Hermetic tests use a tiny Fashion-MNIST and photos written here; one test
// uses the Debian packages when they are installed.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/data/fashionmnist.h"
#include "core/data/fashionscenes.h"
#include "core/data/folderdataset.h"
#include "core/data/pngfile.h"
#include "core/io/image_io.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

using namespace zm;
namespace fs = std::filesystem;

namespace {

void putBe32(std::string& s, std::uint32_t v)
{
    for (int k = 3; k >= 0; --k)
        s.push_back(char((v >> (8 * k)) & 255));
}

// A tiny uncompressed IDX pair: `perClass` items per class, each a filled ellipse whose size depends on
// class and index, on black (as Fashion-MNIST).
void writeFakeMnist(const fs::path& dir, const std::string& set, int perClass)
{
    fs::create_directories(dir);
    const int n = 10 * perClass;
    std::string img, lab;
    putBe32(img, 0x803);
    putBe32(img, std::uint32_t(n));
    putBe32(img, 28);
    putBe32(img, 28);
    putBe32(lab, 0x801);
    putBe32(lab, std::uint32_t(n));
    for (int i = 0; i < n; ++i) {
        const int cls = i % 10;
        const int rx = 5 + (cls + i) % 8, ry = 6 + (i * 3) % 7;
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x) {
                const double dx = (x - 13.5) / rx, dy = (y - 13.5) / ry;
                img.push_back(dx * dx + dy * dy <= 1.0 ? char(60 + (x * 7 + y * 5 + cls * 11) % 190) : char(0));
            }
        lab.push_back(char(cls));
    }
    std::ofstream(dir / (set + "-images-idx3-ubyte"), std::ios::binary) << img;
    std::ofstream(dir / (set + "-labels-idx1-ubyte"), std::ios::binary) << lab;
}

void writePhoto(const fs::path& path, int w, int h, int seed)
{
    Image im(w, h, 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                im.row(y)[x * 3 + c] = std::uint8_t((x * (c + 1) + y * (seed + 2) + seed * 40) % 256);
    writeImagePng(path, im);
}

struct Fixture {
    test::TempDir dir;
    FashionScenesOptions options;
    Fixture()
    {
        writeFakeMnist(dir / "mnist", "train", 3);
        writeFakeMnist(dir / "mnist", "t10k", 2);
        fs::create_directories(dir / "photos");
        // Names chosen so that both splits get photos under the fixed FNV rule (checked below).
        const char* names[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
        for (int i = 0; i < 8; ++i)
            writePhoto(dir / "photos" / (std::string(names[i]) + ".png"), 90 + 13 * i, 80 + 7 * i, i);
        options.fashionMnistDir = dir / "mnist";
        options.systemBackgrounds = false;
        options.backgroundDirs = {dir / "photos"};
        options.size = 64;
        options.minItemSize = 16;
        options.maxItemSize = 40;
        options.trainScenes = 6;
        options.testScenes = 3;
        options.unlabelledScenes = 2;
        options.seed = 7;
    }
};

std::map<std::string, std::string> readTree(const fs::path& root)
{
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file())
            files[fs::relative(e.path(), root).string()] = readFile(e.path());
    return files;
}

} // namespace

TEST(FashionScenes, ItemMaskThresholdFillsPinHolesKeepsBigHolesDropsSpecks)
{
    std::uint8_t g[28 * 28] = {};
    for (int y = 4; y < 24; ++y)
        for (int x = 4; x < 24; ++x)
            g[y * 28 + x] = 200;
    g[10 * 28 + 10] = 0;                       // pin hole: filled
    for (int y = 14; y < 20; ++y)              // 6x6 hole (a bag handle gap): kept
        for (int x = 14; x < 20; ++x)
            g[y * 28 + x] = 0;
    g[1 * 28 + 1] = 255;                       // isolated speck: removed
    g[5 * 28 + 26] = kFashionItemThreshold;    // at the threshold: not part of the item
    const auto m = fashionItemMask(g);
    EXPECT_EQ(m[10 * 28 + 10], 1);
    EXPECT_EQ(m[16 * 28 + 16], 0);
    EXPECT_EQ(m[1 * 28 + 1], 0);
    EXPECT_EQ(m[5 * 28 + 26], 0);
    EXPECT_EQ(m[5 * 28 + 5], 1);
    EXPECT_EQ(m[2 * 28 + 2], 0);
}

TEST(FashionScenes, LabelsMatchTheVisiblePastedMasks)
{
    Fixture f;
    f.options.minItems = 3;
    f.options.maxItems = 6;
    f.options.maxOverlap = 0.9;
    FashionScenesGenerator gen(f.options);
    int itemsSeen = 0, occluded = 0;
    for (auto split : {SceneSplit::Train, SceneSplit::Test})
        for (int i = 0; i < 5; ++i) {
            const Scene s = gen.compose(split, i);
            const int S = f.options.size;
            ASSERT_EQ(s.labels.width, S);
            ASSERT_EQ(s.image.width, S);
            for (int y = 0; y < S; ++y)
                for (int x = 0; x < S; ++x) {
                    int expected = 0, covering = 0;
                    for (const auto& it : s.items)
                        if (it.mask[std::size_t(y) * S + x]) {
                            expected = it.classId;
                            ++covering;
                        }
                    occluded += covering > 1;
                    ASSERT_EQ(s.labels.at(x, y), expected) << "scene " << i << " pixel " << x << "," << y;
                    if (expected == 0) { // background pixels are the photo crop, untouched
                        for (int c = 0; c < 3; ++c)
                            ASSERT_EQ(s.image.row(y)[x * 3 + c], s.background.row(y)[x * 3 + c]);
                    }
                }
            for (const auto& it : s.items) {
                EXPECT_GE(it.classId, 1);
                EXPECT_LE(it.classId, 10);
                ++itemsSeen;
            }
        }
    EXPECT_GT(itemsSeen, 20);
    EXPECT_GT(occluded, 0) << "no overlap at all: later pastes never occlude earlier ones";
}

TEST(FashionScenes, SameSeenSameBytesOtherSeedOtherScenes)
{
    Fixture f;
    FashionScenesGenerator gen(f.options);
    NullProgress quiet;
    gen.write(f.dir / "a", quiet);
    FashionScenesOptions twoThreads = f.options;
    twoThreads.threads = 3; // thread count must not change a byte
    FashionScenesGenerator(twoThreads).write(f.dir / "b", quiet);
    const auto a = readTree(f.dir / "a"), b = readTree(f.dir / "b");
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(a.size(), 1u + 1 + (6 + 3) * 2 + 2 + 3 + 3); // classes, dataset.json, labelled, unlabelled, splits, meta
    for (const auto& [name, bytes] : a) {
        ASSERT_TRUE(b.count(name)) << name;
        EXPECT_EQ(bytes, b.at(name)) << name << " differs between two runs with the same seed";
    }
    FashionScenesOptions other = f.options;
    other.seed = 8;
    FashionScenesGenerator(other).write(f.dir / "c", quiet);
    const auto c = readTree(f.dir / "c");
    EXPECT_NE(a.at("images/train/00000.png"), c.at("images/train/00000.png"));
    // Regenerating into an earlier FashionScenes folder replaces it cleanly.
    FashionScenesOptions fewer = f.options;
    fewer.trainScenes = 2;
    FashionScenesGenerator(fewer).write(f.dir / "a", quiet);
    EXPECT_FALSE(fs::exists(f.dir / "a" / "images" / "train" / "00005.png"));
}

TEST(FashionScenes, WritesTheGenericLayoutThatReadsBack)
{
    Fixture f;
    FashionScenesGenerator gen(f.options);
    NullProgress quiet;
    const Json info = gen.write(f.dir / "out", quiet);
    EXPECT_EQ(info["format"], "fashionscenes");
    EXPECT_EQ(info["seed"], 7);
    EXPECT_EQ(info["generator_version"], kFashionScenesVersion);
    const Json onDisk = loadJsonFile(f.dir / "out" / "dataset.json");
    EXPECT_EQ(onDisk, info);
    // Train and test backgrounds never share a photo.
    for (const auto& t : info["backgrounds"]["test"])
        for (const auto& r : info["backgrounds"]["train"])
            EXPECT_NE(t, r);
    EXPECT_FALSE(info["backgrounds"]["test"].empty());
    EXPECT_FALSE(info["backgrounds"]["train"].empty());

    FolderDataset train(f.dir / "out", "train");
    ASSERT_EQ(train.size(), 6);
    const std::vector<std::string> expectedClasses = {"background", "t-shirt", "trouser", "pullover", "dress", "coat",
                                                      "sandal", "shirt", "sneaker", "bag", "ankle boot"};
    EXPECT_EQ(train.classNames(), expectedClasses);
    for (int i = 0; i < train.size(); ++i) {
        const Sample s = train.get(i);
        const Scene scene = gen.compose(SceneSplit::Train, i);
        EXPECT_EQ(s.id, "train/0000" + std::to_string(i));
        EXPECT_EQ(s.labels, scene.labels);
        EXPECT_EQ(s.image.pixels, scene.image.pixels);
    }
    FolderDataset test(f.dir / "out", "test");
    EXPECT_EQ(test.size(), 3);
    EXPECT_EQ(test.get(2).labels, gen.compose(SceneSplit::Test, 2).labels);
    EXPECT_THROW(FolderDataset(f.dir / "out", "unlabelled"), Error); // no labels there
    FolderDataset unlabelled(f.dir / "out", "unlabelled", false);
    EXPECT_EQ(unlabelled.size(), 2);
    EXPECT_TRUE(unlabelled.get(0).labels.empty());
}

TEST(FashionScenes, ClearErrors)
{
    Fixture f;
    FashionScenesOptions o = f.options;
    o.fashionMnistDir = f.dir / "nowhere";
    try {
        FashionScenesGenerator g(o);
        FAIL() << "missing Fashion-MNIST accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("dataset-fashion-mnist"), std::string::npos) << e.what();
    }
    o = f.options;
    o.backgroundDirs = {};
    try {
        FashionScenesGenerator g(o);
        FAIL() << "no backgrounds accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("background"), std::string::npos) << e.what();
    }
    o = f.options;
    o.minItems = 4;
    o.maxItems = 2;
    EXPECT_THROW(FashionScenesGenerator{o}, Error);
    // A non-empty folder that is not a FashionScenes output is never overwritten.
    fs::create_directories(f.dir / "mine");
    writeFileAtomic(f.dir / "mine" / "thesis.txt", "keep me");
    FashionScenesGenerator gen(f.options);
    NullProgress quiet;
    EXPECT_THROW(gen.write(f.dir / "mine", quiet), Error);
    EXPECT_EQ(readFile(f.dir / "mine" / "thesis.txt"), "keep me");
}

TEST(FashionScenes, CancelStopsWithoutDatasetJson)
{
    Fixture f;
    f.options.trainScenes = 200;
    FashionScenesGenerator gen(f.options);
    CancellableProgress p;
    p.cancel();
    EXPECT_THROW(gen.write(f.dir / "cancelled", p), Cancelled);
    EXPECT_FALSE(fs::exists(f.dir / "cancelled" / "dataset.json"));
}

TEST(FashionScenes, RealPackagesWhenInstalled)
{
    if (!fs::exists(defaultFashionMnistDir() / "t10k-images-idx3-ubyte.gz"))
        GTEST_SKIP() << "dataset-fashion-mnist not installed";
    FashionScenesOptions o;
    BackgroundList bg;
    try {
        bg = findBackgrounds(o);
    } catch (const Error&) {
        GTEST_SKIP() << "no background photo package installed";
    }
    ASSERT_FALSE(bg.train.empty());
    ASSERT_FALSE(bg.test.empty());
    const FashionMnist t = loadFashionMnist(defaultFashionMnistDir(), "t10k");
    EXPECT_EQ(t.count, 10000);
    o.size = 96;
    o.trainScenes = 3;
    o.testScenes = 2;
    o.unlabelledScenes = 0;
    o.minItemSize = 24;
    o.maxItemSize = 64;
    FashionScenesGenerator gen(o);
    const Scene s = gen.compose(SceneSplit::Test, 1);
    EXPECT_FALSE(s.items.empty());
    for (const auto& it : s.items)
        EXPECT_EQ(int(t.labels[std::size_t(it.sourceIndex)]) + 1, it.classId); // test scenes use t10k items
}

TEST(FashionScenes, InterruptedFolderCanBeRegenerated)
{
    Fixture f;
    f.options.trainScenes = 40;
    FashionScenesGenerator gen(f.options);
    CancellableProgress p;
    p.cancel();
    EXPECT_THROW(gen.write(f.dir / "x", p), Cancelled);
    EXPECT_TRUE(fs::exists(f.dir / "x" / ".fashionscenes-incomplete"));
    EXPECT_THROW(FolderDataset(f.dir / "x", "train"), Error); // no classes.txt yet: not readable as a data set
    NullProgress quiet;
    gen.write(f.dir / "x", quiet); // the rerun is accepted and completes
    EXPECT_FALSE(fs::exists(f.dir / "x" / ".fashionscenes-incomplete"));
    EXPECT_TRUE(fs::exists(f.dir / "x" / "dataset.json"));
    EXPECT_EQ(FolderDataset(f.dir / "x", "train").size(), 40);
}

TEST(FashionScenes, BackgroundGroupsKeepViewsOfOneSceneTogether)
{
    EXPECT_EQ(backgroundGroup("/x/aloeL.jpg"), backgroundGroup("/x/aloeR.jpg"));
    EXPECT_EQ(backgroundGroup("/x/leuvenA.jpg"), "leuven");
    EXPECT_EQ(backgroundGroup("/x/aero1.jpg"), backgroundGroup("/y/aero3.jpg"));
    EXPECT_EQ(backgroundGroup("/x/motorcycle_left.png"), backgroundGroup("/x/motorcycle_right.png"));
    EXPECT_EQ(backgroundGroup("/x/messi5.jpg"), "messi");
    EXPECT_EQ(backgroundGroup("/x/chelsea.png"), "chelsea");
    EXPECT_NE(backgroundGroup("/x/apple.jpg"), backgroundGroup("/x/orange.jpg"));
    // And the split honours the groups.
    test::TempDir dir;
    for (const char* n : {"aloeL", "aloeR", "leuvenA", "leuvenB", "pear", "plum", "fig", "kiwi"})
        writePhoto(dir / (std::string(n) + ".png"), 40, 40, 1);
    FashionScenesOptions o;
    o.systemBackgrounds = false;
    o.backgroundDirs = {dir.path()};
    const BackgroundList bg = findBackgrounds(o);
    EXPECT_EQ(bg.train.size() + bg.test.size(), 8u);
    for (const auto* side : {&bg.train, &bg.test}) {
        int aloe = 0, leuven = 0;
        for (const auto& p : *side) {
            aloe += backgroundGroup(p) == "aloe";
            leuven += backgroundGroup(p) == "leuven";
        }
        EXPECT_TRUE(aloe == 0 || aloe == 2);
        EXPECT_TRUE(leuven == 0 || leuven == 2);
    }
}
