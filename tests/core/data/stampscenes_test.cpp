// StampScenes: stamps found and filtered as documented, labels that follow the stamps' alpha and paste order,
// deterministic bytes, disjoint train/test stamps and backgrounds, presets, clear errors. Hermetic tests use a
// tiny stamp folder and photos written here; one test uses tuxpaint-stamps-default when it is installed.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/data/benchmarkdatasets.h"
#include "core/data/folderdataset.h"
#include "core/data/pngfile.h"
#include "core/data/splitpresets.h"
#include "core/data/stampclasses.h"
#include "core/data/stampscenes.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace zm;
namespace fs = std::filesystem;

namespace {

// An ellipse cut-out of w x h: opaque inside, a soft alpha ramp 3 px wide at the edge, transparent outside;
// a small near-opaque (alpha 240) patch in the middle, as some real stamps have.
RgbaImage ellipseStamp(int w, int h, int seed)
{
    RgbaImage im;
    im.width = w;
    im.height = h;
    im.rgba.assign(std::size_t(w) * h * 4, 0);
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0, rx = w / 2.0 - 1, ry = h / 2.0 - 1;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double d = std::sqrt(((x - cx) / rx) * ((x - cx) / rx) + ((y - cy) / ry) * ((y - cy) / ry));
            const double edge = (1.0 - d) * std::min(rx, ry); // px inside the edge
            int a = edge >= 3 ? 255 : edge <= 0 ? 0 : int(std::lround(255 * edge / 3));
            if (std::abs(x - cx) < 2 && std::abs(y - cy) < 2)
                a = 240;
            std::uint8_t* p = im.rgba.data() + (std::size_t(y) * w + x) * 4;
            p[0] = std::uint8_t(40 + seed * 37 % 200);
            p[1] = std::uint8_t((x * 5 + seed * 11) % 256);
            p[2] = std::uint8_t((y * 7 + seed * 29) % 256);
            p[3] = std::uint8_t(a);
        }
    return im;
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

std::map<std::string, std::string> readTree(const fs::path& root)
{
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file())
            files[fs::relative(e.path(), root).string()] = readFile(e.path());
    return files;
}

// Three classes: cow (a folder of three train stamps among drawings and a mirrored copy, plus one test
// stamp), duck (both splits, one stamp that must not be mirrored), ball (one train, one test stamp).
struct Fixture {
    test::TempDir dir;
    StampScenesOptions options;
    fs::path stamps, table;
    Fixture()
    {
        stamps = dir / "stamps";
        for (const char* d : {"animals/cows/cartoon", "animals/cowtest", "birds", "sports"})
            fs::create_directories(stamps / d);
        writeRgbaPng(stamps / "animals/cows/c1.png", ellipseStamp(40, 30, 1));
        writeRgbaPng(stamps / "animals/cows/c2.png", ellipseStamp(36, 44, 2));
        writeRgbaPng(stamps / "animals/cows/c3.png", ellipseStamp(50, 24, 3));
        writeRgbaPng(stamps / "animals/cows/c1_mirror.png", ellipseStamp(40, 30, 4));  // pre-mirrored copy
        writeRgbaPng(stamps / "animals/cows/cartoon/c5.png", ellipseStamp(30, 30, 5)); // drawing folder
        writeRgbaPng(stamps / "animals/cows/drawn.png", ellipseStamp(30, 30, 6));      // raster of an SVG
        writeFileAtomic(stamps / "animals/cows/drawn.svg", "<svg/>");
        writeRgbaPng(stamps / "animals/cowtest/c9.png", ellipseStamp(44, 34, 9));
        writeRgbaPng(stamps / "birds/d1.png", ellipseStamp(30, 38, 11));
        writeRgbaPng(stamps / "birds/d2.png", ellipseStamp(26, 40, 12));
        writeFileAtomic(stamps / "birds/d2.dat", "noflip\nnomirror\n");
        writeRgbaPng(stamps / "sports/b1.png", ellipseStamp(30, 30, 21));
        writeRgbaPng(stamps / "sports/b2.png", ellipseStamp(28, 28, 22));
        table = dir / "table.tsv";
        writeFileAtomic(table, "# test table\n"
                               "cow\ttrain\tanimals/cows/\n"
                               "cow\ttest\tanimals/cowtest/c9.png\n"
                               "duck  both  birds/\n"
                               "ball\ttrain\tsports/b1.png\n"
                               "ball\ttest\tsports/b2.png\n");
        fs::create_directories(dir / "photos");
        // Names chosen so that both splits get photos under the FNV group rule.
        const char* names[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
        for (int i = 0; i < 8; ++i)
            writePhoto(dir / "photos" / (std::string(names[i]) + ".png"), 90 + 13 * i, 80 + 7 * i, i);
        options.stampsDir = stamps;
        options.tableFile = table;
        options.systemBackgrounds = false;
        options.backgroundDirs = {dir / "photos"};
        options.size = 72;
        options.minItemSize = 24;
        options.maxItemSize = 56;
        options.minItems = 2;
        options.maxItems = 4;
        options.trainScenes = 6;
        options.testScenes = 3;
        options.unlabelledScenes = 2;
        options.seed = 7;
    }
};

std::string errorOf(const StampScenesOptions& o)
{
    try {
        StampScenesGenerator g(o);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(StampScenes, FindsPhotoStampsSkipsDrawingsAndMirroredCopiesReadsDat)
{
    Fixture f;
    StampScenesGenerator gen(f.options);
    EXPECT_EQ(gen.classNames(), (std::vector<std::string>{"background", "cow", "duck", "ball"}));
    std::set<std::string> paths;
    for (const auto& s : gen.stamps())
        paths.insert(s.path);
    EXPECT_EQ(paths, (std::set<std::string>{"animals/cows/c1.png", "animals/cows/c2.png", "animals/cows/c3.png",
                                            "animals/cowtest/c9.png", "birds/d1.png", "birds/d2.png", "sports/b1.png",
                                            "sports/b2.png"}));
    for (const auto& s : gen.stamps())
        EXPECT_EQ(s.mirrorable, s.path != "birds/d2.png") << s.path;
    // Train and test pools: disjoint where the table says so, shared for "both".
    auto names = [&](StampSplit split, int cls) {
        std::set<std::string> n;
        for (int i : gen.pool(split, cls))
            n.insert(gen.stamps()[std::size_t(i)].path);
        return n;
    };
    EXPECT_EQ(names(StampSplit::Train, 1).size(), 3u);
    EXPECT_EQ(names(StampSplit::Test, 1), (std::set<std::string>{"animals/cowtest/c9.png"}));
    EXPECT_EQ(names(StampSplit::Train, 2), names(StampSplit::Test, 2));
    EXPECT_EQ(names(StampSplit::Unlabelled, 3), (std::set<std::string>{"sports/b1.png"}));
    // Background photos: both splits, never the same photo.
    ASSERT_FALSE(gen.backgrounds(StampSplit::Train).empty());
    ASSERT_FALSE(gen.backgrounds(StampSplit::Test).empty());
    for (const auto& a : gen.backgrounds(StampSplit::Train))
        for (const auto& b : gen.backgrounds(StampSplit::Test))
            EXPECT_NE(a, b);
}

TEST(StampScenes, ScalingKeepsAlphaAndColourAtOneToOneAndMirrors)
{
    const RgbaImage src = ellipseStamp(20, 14, 3);
    const RgbaImage same = scaleStamp(src, 20, 14, false);
    const RgbaImage mirrored = scaleStamp(src, 20, 14, true);
    for (int y = 0; y < 14; ++y)
        for (int x = 0; x < 20; ++x) {
            const std::uint8_t* s = src.rgba.data() + (y * 20 + x) * 4;
            const std::uint8_t* d = same.rgba.data() + (y * 20 + x) * 4;
            const std::uint8_t* m = mirrored.rgba.data() + (y * 20 + (19 - x)) * 4;
            ASSERT_EQ(d[3], s[3]);
            ASSERT_EQ(m[3], s[3]);
            if (s[3] > 0)
                for (int c = 0; c < 3; ++c) {
                    ASSERT_EQ(d[c], s[c]);
                    ASSERT_EQ(m[c], s[c]);
                }
        }
    // Halving: the alpha of a 2x2 box is its mean; an opaque interior stays opaque.
    const RgbaImage half = scaleStamp(src, 10, 7, false);
    EXPECT_EQ(half.rgba[(3 * 10 + 3) * 4 + 3], 255);
    EXPECT_EQ(half.rgba[3], 0); // corner: transparent
    // Enlarging 1.5x keeps the soft edge soft (partial alpha exists) and the interior opaque.
    const RgbaImage big = scaleStamp(src, 30, 21, false);
    int partial = 0;
    for (std::size_t i = 3; i < big.rgba.size(); i += 4)
        partial += big.rgba[i] > 0 && big.rgba[i] < 255;
    EXPECT_GT(partial, 0);
}

TEST(StampScenes, LabelsFollowTheTopStampsAlphaWithTheSoftEdgeIgnored)
{
    Fixture f;
    f.options.minItems = 3;
    f.options.maxItems = 6;
    f.options.maxOverlap = 0.9;
    StampScenesGenerator gen(f.options);
    const int S = f.options.size;
    long solid = 0, soft = 0, softOverObject = 0, occludedSolid = 0, maskPixels = 0;
    for (auto split : {StampSplit::Train, StampSplit::Test})
        for (int i = 0; i < 8; ++i) {
            const StampScene s = gen.compose(split, i);
            ASSERT_EQ(s.labels.width, S);
            ASSERT_EQ(s.image.width, S);
            for (int y = 0; y < S; ++y)
                for (int x = 0; x < S; ++x) {
                    const std::size_t p = std::size_t(y) * S + x;
                    // The last stamp with any alpha at this pixel decides (later stamps occlude earlier ones).
                    int top = -1, covering = 0, earlierObject = 0;
                    for (std::size_t k = 0; k < s.items.size(); ++k)
                        if (s.items[k].alpha[p] > 0) {
                            if (top >= 0 && s.items[std::size_t(top)].alpha[p] >= kStampMaskAlpha)
                                earlierObject = 1;
                            top = int(k);
                            ++covering;
                        }
                    std::uint16_t expected = 0;
                    if (top >= 0) {
                        const int a = s.items[std::size_t(top)].alpha[p];
                        maskPixels += a >= kStampMaskAlpha;
                        expected =
                            a >= kStampSolidAlpha ? std::uint16_t(s.items[std::size_t(top)].classId) : LabelMap::kVoid;
                        if (expected == LabelMap::kVoid) {
                            ++soft;
                            softOverObject += earlierObject;
                        } else {
                            ++solid;
                            occludedSolid += covering > 1;
                        }
                    }
                    ASSERT_EQ(s.labels.ids[p], expected) << "scene " << i << " pixel " << x << "," << y;
                    if (top < 0) { // background pixels are the photo crop, untouched
                        for (int c = 0; c < 3; ++c)
                            ASSERT_EQ(s.image.row(y)[x * 3 + c], s.background.row(y)[x * 3 + c]);
                    }
                }
            for (const auto& it : s.items) {
                EXPECT_GE(it.classId, 1);
                EXPECT_LE(it.classId, 3);
                EXPECT_LE(std::max(it.width, it.height), f.options.maxItemSize);
            }
        }
    EXPECT_GT(solid, 1000);
    EXPECT_GT(soft, 100);         // the soft edges are ignore
    EXPECT_GT(occludedSolid, 0);  // a later stamp covers an earlier one and takes its pixels
    EXPECT_GT(softOverObject, 0); // a later stamp's soft edge over an earlier object is ignore too
    EXPECT_GT(maskPixels, solid); // alpha 128..223 is object (mask) but labelled ignore
}

TEST(StampScenes, StampsNeverEnlargedBeyondTheLimit)
{
    Fixture f;
    f.options.minItemSize = 70;
    f.options.maxItemSize = 72;
    f.options.maxUpscale = 1.5;
    StampScenesGenerator gen(f.options);
    int items = 0;
    for (int i = 0; i < 6; ++i)
        for (const auto& it : gen.compose(StampSplit::Train, i).items) {
            const auto& st = gen.stamps()[std::size_t(it.stampIndex)];
            EXPECT_LE(std::max(it.width, it.height), int(std::floor(1.5 * std::max(st.width, st.height))));
            ++items;
        }
    EXPECT_GT(items, 0);
}

TEST(StampScenes, TestScenesUseTestStampsAndBackgroundsOnly)
{
    Fixture f;
    StampScenesGenerator gen(f.options);
    std::set<std::string> testBg, trainBg;
    for (const auto& p : gen.backgrounds(StampSplit::Test))
        testBg.insert(p.filename().string());
    for (const auto& p : gen.backgrounds(StampSplit::Train))
        trainBg.insert(p.filename().string());
    for (auto split : {StampSplit::Train, StampSplit::Test, StampSplit::Unlabelled})
        for (int i = 0; i < 20; ++i) {
            const StampScene s = gen.compose(split, i);
            EXPECT_TRUE((split == StampSplit::Test ? testBg : trainBg).count(s.backgroundName)) << s.backgroundName;
            for (const auto& it : s.items) {
                const auto& pl = gen.pool(split, it.classId);
                EXPECT_NE(std::find(pl.begin(), pl.end(), it.stampIndex), pl.end());
                const std::string& path = gen.stamps()[std::size_t(it.stampIndex)].path;
                if (split == StampSplit::Test) {
                    EXPECT_NE(path.rfind("animals/cows/", 0), 0u) << path; // train-only cows never in test
                } else {
                    EXPECT_NE(path, "animals/cowtest/c9.png");
                }
                if (path == "birds/d2.png") {
                    EXPECT_FALSE(it.mirrored); // its .dat says nomirror
                }
            }
        }
}

TEST(StampScenes, SameSeedSameBytesOtherSeedOtherScenes)
{
    Fixture f;
    NullProgress quiet;
    StampScenesGenerator(f.options).write(f.dir / "a", quiet);
    StampScenesOptions threads = f.options;
    threads.threads = 1; // the thread count must not change a byte
    StampScenesGenerator(threads).write(f.dir / "b", quiet);
    const auto a = readTree(f.dir / "a"), b = readTree(f.dir / "b");
    EXPECT_EQ(a.size(), 1u + 1 + (6 + 3) * 2 + 2 + 3 + 3); // classes, dataset.json, labelled, unlabelled, splits, meta
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, bytes] : a) {
        ASSERT_TRUE(b.count(name)) << name;
        EXPECT_EQ(bytes, b.at(name)) << name << " differs between two runs with the same seed";
    }
    StampScenesOptions other = f.options;
    other.seed = 8;
    StampScenesGenerator(other).write(f.dir / "c", quiet);
    const auto c = readTree(f.dir / "c");
    int differ = 0;
    for (int i = 0; i < 6; ++i) {
        const std::string n = "images/train/0000" + std::to_string(i) + ".png";
        differ += a.at(n) != c.at(n);
    }
    EXPECT_EQ(differ, 6);
    // Regenerating into an earlier StampScenes folder replaces it cleanly.
    StampScenesOptions fewer = f.options;
    fewer.trainScenes = 2;
    StampScenesGenerator(fewer).write(f.dir / "a", quiet);
    EXPECT_FALSE(fs::exists(f.dir / "a" / "images" / "train" / "00005.png"));
    EXPECT_TRUE(fs::exists(f.dir / "a" / "images" / "train" / "00001.png"));
}

TEST(StampScenes, WritesTheGenericLayoutThatReadsBack)
{
    Fixture f;
    StampScenesGenerator gen(f.options);
    NullProgress quiet;
    const Json info = gen.write(f.dir / "out", quiet);
    EXPECT_EQ(info["format"], "stampscenes");
    EXPECT_EQ(info["generator_version"], kStampScenesVersion);
    EXPECT_EQ(loadJsonFile(f.dir / "out" / "dataset.json"), info);
    EXPECT_EQ(info["stamps"].size(), 8u);
    EXPECT_EQ(detectDatasetFormat(f.dir / "out"), "stampscenes");
    EXPECT_EQ(standardSubsets("auto", f.dir / "out").test, "test");

    FolderDataset train(f.dir / "out", "train");
    ASSERT_EQ(train.size(), 6);
    EXPECT_EQ(train.classNames(), gen.classNames());
    std::uint64_t ignore = 0;
    for (int i = 0; i < train.size(); ++i) {
        const Sample s = train.get(i);
        const StampScene scene = gen.compose(StampSplit::Train, i);
        EXPECT_EQ(s.labels, scene.labels); // ignore (255 on disk) reads back as kVoid
        EXPECT_EQ(s.image.pixels, scene.image.pixels);
        ignore += std::count(s.labels.ids.begin(), s.labels.ids.end(), LabelMap::kVoid);
    }
    EXPECT_GT(ignore, 0u);
    EXPECT_EQ(info["pixels"]["train"]["ignore"].get<std::uint64_t>(), ignore);
    EXPECT_EQ(FolderDataset(f.dir / "out", "test").size(), 3);
    FolderDataset unlabelled(f.dir / "out", "unlabelled", false);
    EXPECT_EQ(unlabelled.size(), 2);
    EXPECT_TRUE(unlabelled.get(0).labels.empty());
}

TEST(StampScenes, ClearErrors)
{
    Fixture f;
    StampScenesOptions o = f.options;
    o.stampsDir = f.dir / "nowhere";
    std::string e = errorOf(o);
    EXPECT_NE(e.find("apt install tuxpaint-stamps-default"), std::string::npos) << e;
    EXPECT_NE(e.find("nowhere"), std::string::npos) << e;

    // A corrupt PNG (PNG signature, then garbage) and a file that is no PNG at all: named, never a crash.
    writeFileAtomic(f.stamps / "sports/b1.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(40, '\x07'));
    e = errorOf(f.options);
    EXPECT_NE(e.find("sports/b1.png"), std::string::npos) << e;
    EXPECT_NE(e.find("corrupt PNG"), std::string::npos) << e;
    writeFileAtomic(f.stamps / "sports/b1.png", "not an image");
    e = errorOf(f.options);
    EXPECT_NE(e.find("not a PNG"), std::string::npos) << e;
    // A truncated PNG (the first half of a real one).
    const std::string good = readFile(f.stamps / "sports/b2.png");
    writeFileAtomic(f.stamps / "sports/b1.png", good.substr(0, good.size() / 2));
    e = errorOf(f.options);
    EXPECT_NE(e.find("sports/b1.png"), std::string::npos) << e;
    writeRgbaPng(f.stamps / "sports/b1.png", ellipseStamp(30, 30, 21));

    // A class with no stamp for a split, a missing stamp, a drawing listed by name, bad table lines.
    auto withTable = [&](const std::string& text) {
        writeFileAtomic(f.dir / "t2.tsv", text);
        StampScenesOptions t = f.options;
        t.tableFile = f.dir / "t2.tsv";
        return errorOf(t);
    };
    e = withTable("cow\ttrain\tanimals/cows/\nball\tboth\tsports/b1.png\n");
    EXPECT_NE(e.find("class 'cow' has no stamp for test scenes"), std::string::npos) << e;
    e = withTable("cow\tboth\tanimals/cows/cartoon/\n");
    EXPECT_NE(e.find("class 'cow' has no stamp"), std::string::npos) << e; // only drawings there
    e = withTable("cow\tboth\tanimals/cows/c7.png\n");
    EXPECT_NE(e.find("c7.png"), std::string::npos) << e;
    EXPECT_NE(e.find("not found"), std::string::npos) << e;
    e = withTable("cow\tboth\tanimals/cows/drawn.png\n");
    EXPECT_NE(e.find(".svg"), std::string::npos) << e;
    e = withTable("cow\tboth\tanimals/cows/c1_mirror.png\n");
    EXPECT_NE(e.find("pre-mirrored"), std::string::npos) << e;
    e = withTable("# ok\ncow\tsometimes\tanimals/cows/c1.png\n");
    EXPECT_NE(e.find(":2: use 'sometimes'"), std::string::npos) << e;
    e = withTable("cow\tanimals/cows/c1.png\n");
    EXPECT_NE(e.find(":1: expected 3 fields"), std::string::npos) << e;
    e = withTable("cow\tboth\t../x.png\n");
    EXPECT_NE(e.find("relative"), std::string::npos) << e;
    e = withTable("cow\tboth\tanimals/cows/\ncow\ttest\tanimals/cows/c1.png\n");
    EXPECT_NE(e.find("listed more than once"), std::string::npos) << e;
    o = f.options;
    o.tableFile = f.dir / "no-table.tsv";
    e = errorOf(o);
    EXPECT_NE(e.find("no-table.tsv"), std::string::npos) << e;
    o = f.options;
    o.backgroundDirs = {};
    e = errorOf(o);
    EXPECT_NE(e.find("background"), std::string::npos) << e;
    o = f.options;
    o.minItems = 4;
    o.maxItems = 2;
    EXPECT_THROW(StampScenesGenerator{o}, Error);

    // A non-empty folder that is not a StampScenes output is never overwritten.
    fs::create_directories(f.dir / "mine");
    writeFileAtomic(f.dir / "mine" / "thesis.txt", "keep me");
    StampScenesGenerator gen(f.options);
    NullProgress quiet;
    EXPECT_THROW(gen.write(f.dir / "mine", quiet), Error);
    EXPECT_EQ(readFile(f.dir / "mine" / "thesis.txt"), "keep me");
}

TEST(StampScenes, CancelLeavesAMarkerAndTheRerunCompletes)
{
    Fixture f;
    f.options.trainScenes = 40;
    StampScenesGenerator gen(f.options);
    CancellableProgress p;
    p.cancel();
    EXPECT_THROW(gen.write(f.dir / "x", p), Cancelled);
    EXPECT_TRUE(fs::exists(f.dir / "x" / ".stampscenes-incomplete"));
    EXPECT_FALSE(fs::exists(f.dir / "x" / "dataset.json"));
    EXPECT_THROW(FolderDataset(f.dir / "x", "train"), Error); // no classes.txt yet
    NullProgress quiet;
    gen.write(f.dir / "x", quiet);
    EXPECT_FALSE(fs::exists(f.dir / "x" / ".stampscenes-incomplete"));
    EXPECT_EQ(FolderDataset(f.dir / "x", "train").size(), 40);
}

TEST(StampScenes, BuiltinTableHasThreeOrMorePhotoStampsPerClassAndDisjointSplits)
{
    const auto table = parseStampTable(builtinStampTable(), "built-in");
    EXPECT_EQ(table.size(), 104u);
    const auto classes = stampSceneClassNames();
    ASSERT_EQ(classes.size(), 25u);
    EXPECT_EQ(classes[0], "background");
    std::map<std::string, std::map<StampUse, int>> uses;
    for (const auto& e : table) {
        EXPECT_NE(e.path.back(), '/') << "the built-in table lists exact files: " << e.path;
        EXPECT_EQ(e.path.find("cartoon"), std::string::npos) << e.path;
        ++uses[e.className][e.use];
    }
    for (const auto& [cls, u] : uses) {
        const int n = u.count(StampUse::Both) ? u.at(StampUse::Both) : 0;
        const int tr = u.count(StampUse::Train) ? u.at(StampUse::Train) : 0;
        const int te = u.count(StampUse::Test) ? u.at(StampUse::Test) : 0;
        EXPECT_GE(n + tr + te, 3) << cls;
        if (n + tr + te >= 4) {
            EXPECT_EQ(n, 0) << cls << ": 4 or more stamps, so train and test stamps must be disjoint";
            EXPECT_GE(tr, 3) << cls;
            EXPECT_GE(te, 1) << cls;
        }
    }
    // The preset groups cover every class once.
    std::vector<std::string> groups = {"background"};
    for (const auto* g : {&stampAnimalsSeen(), &stampAnimalsUnseen(), &stampObjectsSeen(), &stampObjectsUnseen()})
        groups.insert(groups.end(), g->begin(), g->end());
    EXPECT_EQ(groups, classes);
    // Train and test background photos are disjoint.
    std::set<std::string> train, test;
    for (const auto* list : {&stampSystemBackgrounds(), &stampWallpaperBackgrounds()})
        for (const auto& b : *list)
            (b.use == StampUse::Test ? test : train).insert(b.path);
    EXPECT_EQ(train.size() + test.size(), stampSystemBackgrounds().size() + stampWallpaperBackgrounds().size());
    EXPECT_EQ(stampWallpaperBackgrounds().size(), 19u);
    for (const auto& t : test)
        EXPECT_FALSE(train.count(t));
}

TEST(StampScenes, PresetsChooseSeenAndUnseen)
{
    const auto classes = stampSceneClassNames();
    for (const auto& n : {"stamp-animals-4", "stamp-objects-4", "stamp-all-8", "stamp-oracle"}) {
        const auto names = splitPresetNames();
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
        EXPECT_EQ(splitPresetFormat(n), "stampscenes");
        const ZeroShotSplit s = splitPreset(n);
        validateSplit(s, classes);
        EXPECT_TRUE(s.backgroundSeen);
        EXPECT_EQ(s.seen.size() + s.unseen.size(), classes.size()) << n; // every class is seen or unseen
    }
    const auto a = splitPreset("stamp-animals-4"), o = splitPreset("stamp-objects-4"), all = splitPreset("stamp-all-8");
    EXPECT_EQ(a.unseen, (std::vector<std::string>{"antelope", "rodent", "duck", "penguin"}));
    EXPECT_EQ(o.unseen, (std::vector<std::string>{"truck", "orange", "drum", "tank"}));
    EXPECT_EQ(all.unseen.size(), 8u);
    auto seen = [](const ZeroShotSplit& s, const std::string& c) {
        return std::find(s.seen.begin(), s.seen.end(), c) != s.seen.end();
    };
    EXPECT_TRUE(seen(a, "truck")); // the other group's unseen classes are seen
    EXPECT_TRUE(seen(o, "penguin"));
    // Each unseen class keeps its seen relative.
    for (const auto& rel : {"deer", "rabbit", "chicken", "car", "apple", "guitar"})
        EXPECT_TRUE(seen(all, rel)) << rel;
    EXPECT_EQ(all.seenVal, (std::vector<std::string>{"pig", "ball"}));
    EXPECT_TRUE(splitPreset("stamp-oracle").unseen.empty());
    EXPECT_TRUE(splitPreset("stamp-oracle").seenVal.empty());
    const auto ignored = splitPreset("stamp-all-8", BackgroundMode::Ignored);
    EXPECT_FALSE(seen(ignored, "background"));
}

TEST(StampScenes, RealPackageWhenInstalled)
{
    if (!fs::is_directory(defaultStampsDir()))
        GTEST_SKIP() << "tuxpaint-stamps-default not installed";
    StampScenesOptions o;
    o.trainScenes = 2;
    o.testScenes = 2;
    std::unique_ptr<StampScenesGenerator> gen;
    try {
        gen = std::make_unique<StampScenesGenerator>(o);
    } catch (const Error& e) {
        if (std::string(e.what()).find("no background photographs") != std::string::npos)
            GTEST_SKIP() << "no background photo package installed";
        throw;
    }
    EXPECT_EQ(gen->stamps().size(), 104u);
    EXPECT_EQ(gen->classNames(), stampSceneClassNames());
    for (const auto& s : gen->stamps()) {
        EXPECT_GE(std::max(s.width, s.height), 22) << s.path;
        if (s.path == "hobbies/music/string/guitar_classical.png") {
            EXPECT_FALSE(s.mirrorable); // its .dat says nomirror
        }
    }
    const StampScene s = gen->compose(StampSplit::Test, 1);
    EXPECT_EQ(s.image.width, 320);
    EXPECT_FALSE(s.items.empty());
    for (const auto& it : s.items) {
        const auto& pl = gen->pool(StampSplit::Test, it.classId);
        EXPECT_NE(std::find(pl.begin(), pl.end(), it.stampIndex), pl.end());
    }
}

TEST(StampScenes, WallpapersJoinTheBackgroundsUnlessLeftOut)
{
    if (!fs::is_directory(defaultStampsDir()))
        GTEST_SKIP() << "tuxpaint-stamps-default not installed";
    std::size_t installed = 0;
    for (const auto& b : stampWallpaperBackgrounds())
        installed += fs::is_regular_file(b.path);
    if (installed == 0)
        GTEST_SKIP() << "plasma-workspace-wallpapers and mate-backgrounds not installed";
    auto backgrounds = [](bool wallpapers) {
        test::TempDir dir;
        StampScenesOptions o;
        o.trainScenes = 1;
        o.testScenes = 1;
        o.threads = 1;
        o.wallpaperBackgrounds = wallpapers;
        NullProgress p;
        const Json info = StampScenesGenerator(o).write(dir / "ss", p);
        std::set<std::string> all;
        for (const char* split : {"train", "test"})
            for (const auto& b : info["backgrounds"][split])
                all.insert(b.get<std::string>());
        return all;
    };
    const auto with = backgrounds(true), without = backgrounds(false);
    EXPECT_EQ(with.size(), without.size() + installed);
    for (const auto& b : stampWallpaperBackgrounds()) {
        EXPECT_FALSE(without.count(b.path)) << b.path;
        if (fs::is_regular_file(b.path)) {
            EXPECT_TRUE(with.count(b.path)) << b.path;
        }
    }
}
