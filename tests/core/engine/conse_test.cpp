// ConSE among the unseen classes (core/engine/conse.h): a per-cell classifier written here as TorchScript
// (class 0 where the image is red, class 1 where it is not) relabels the pixels a tiny model gives to unseen
// classes, at the classifier's own stride and at any input scale; seen pixels are never touched. The label
// file readers and the label vectors' synonym handling; bad files are errors naming them.
#include "enginefixture.h"
#include "tfjsfixture.h"

#include "core/common/error.h"
#include "core/engine/checkpoint.h"
#include "core/engine/conse.h"
#include "core/engine/segnet.h"
#include "tests/support/redclassifier.h"
#include "tests/support/testdir.h"

#include <torch/script.h>

#include <cmath>
#include <fstream>
#include <map>

namespace zm::test {

namespace {

namespace fs = std::filesystem;

std::vector<float> axis(int dim, int i)
{
    std::vector<float> v(std::size_t(dim), 0.0f);
    v[std::size_t(i)] = 1.0f;
    return v;
}

/// A tiny model in a 4-d space whose card lists one seen class (axis 0).
fs::path saveModel4(const TempDir& dir)
{
    ModelCard card;
    card.name = "tiny";
    card.vectorSpace = testSpace(4);
    card.seenClasses = {"seen"};
    card.seenVectors = {axis(4, 0)};
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(4).scale(10.0));
    const auto path = dir / "model";
    saveModel(path, card, net);
    return path;
}

/// Left `split` columns red, the rest blue.
Image redBlue(int w, int h, int split)
{
    Image img(w, h, 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.row(y)[3 * x + (x < split ? 0 : 2)] = 255;
    return img;
}

ConseOptions redOptions(const fs::path& classifier)
{
    ConseOptions o;
    o.classifier = classifier;
    o.labels = {"redness", "blueness", "nothing"};
    o.labelVectors = {axis(4, 1), axis(4, 2), axis(4, 3)};
    return o;
}

} // namespace

TEST_F(EngineTest, ConseRelabelsUnseenPixelsWithTheClassifiersNearestUnseenClass)
{
    TempDir dir;
    const auto model = saveModel4(dir);
    const auto cls = saveRedClassifier(dir);
    ClassSet classes;
    classes.classes = {{"seen", axis(4, 0)}, {"red thing", axis(4, 1)}, {"blue thing", axis(4, 2)}};
    classes.classes[0].enabled = false; // every pixel goes to one of the two unseen classes
    for (const double scale : {1.0, 2.0}) {
        SCOPED_TRACE("input scale " + std::to_string(scale));
        auto options = redOptions(cls);
        options.inputScale = scale;
        auto seg = withConse(Segmenter::load(model), options);
        // 128 x 64, red up to column 64: the cells' cosines cross between the red and the blue cells' centres.
        const auto f = seg->encode(redBlue(128, 64, 64));
        const auto r = seg->score(*f, classes);
        int wrong = 0;
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 128; ++x)
                wrong += r.labels.at(x, y) != (x < 64 ? 1 : 2);
        EXPECT_EQ(wrong, 0);
    }
    // Without ConSE the tiny model's nearly constant embedding gives one class almost everywhere.
    auto plain = Segmenter::load(model);
    const auto r0 = plain->score(*plain->encode(redBlue(128, 64, 64)), classes);
    int left = 0, right = 0;
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 128; ++x)
            (x < 64 ? left : right) += r0.labels.at(x, y) == 1;
    EXPECT_FALSE(left == 64 * 64 && right == 0) << "the test needs a base model that does not already separate red from blue";
}

// The scopes on one scene: the model gives every pixel to the unseen "blue thing"; the red cells' ConSE vector
// is nearest the background's vector, then the seen class's. Unseen: nothing to choose (one unseen class).
// Objects: the red pixels go back to the seen class, never to the background. All: the same here, and the
// seen class's own pixels are relabelled too (below).
TEST_F(EngineTest, ConseScopesChooseWhichPixelsAndClasses)
{
    TempDir dir;
    const auto model = saveModel4(dir);
    const auto cls = saveRedClassifier(dir);
    auto options = redOptions(cls);
    const float a = 1.0f / std::sqrt(1.25f);
    options.labelVectors[0] = {0.5f * a, a, 0.0f, 0.0f}; // redness: background (axis 1) first, then the seen class (axis 0)
    ClassSet classes;
    classes.classes = {{"Background", axis(4, 1)}, {"seen", axis(4, 0)}, {"blue thing", axis(4, 2)}};
    classes.classes[0].bias = classes.classes[1].bias = -5.0f;
    const Image img = redBlue(128, 64, 64);
    // Pixels right of the red cells' centres and left of the blue cells' (columns 48..79) mix both cells'
    // cosines, whose crossing is not at the middle here: only the others are counted (96 x 64 of them).
    auto count = [&](const ScoreResult& r, std::uint16_t left, std::uint16_t right) {
        int ok = 0;
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 128; ++x)
                ok += (x < 48 || x >= 80) && r.labels.at(x, y) == (x < 64 ? left : right);
        return ok;
    };
    for (const auto scope : {ConseScope::Unseen, ConseScope::Objects, ConseScope::All}) {
        SCOPED_TRACE(conseScopeName(scope));
        options.scope = scope;
        auto seg = withConse(Segmenter::load(model), options);
        const auto f = seg->encode(img);
        const auto r = seg->score(*f, classes);
        EXPECT_EQ(count(r, scope == ConseScope::Unseen ? 2 : 1, 2), 96 * 64);
        if (scope == ConseScope::All) {
            // The seen class wins every pixel of the model (bias); All relabels them all, Objects none.
            ClassSet seenWins = classes;
            seenWins.classes[1].bias = 5.0f;
            EXPECT_EQ(count(seg->score(*f, seenWins), 1, 2), 96 * 64);
        }
    }
    options.scope = ConseScope::Objects;
    auto seg = withConse(Segmenter::load(model), options);
    ClassSet seenWins = classes;
    seenWins.classes[1].bias = 5.0f;
    EXPECT_EQ(count(seg->score(*seg->encode(img), seenWins), 1, 1), 96 * 64);
    EXPECT_EQ(parseConseScope(" Objects "), ConseScope::Objects);
    EXPECT_EQ(parseConseScope("all"), ConseScope::All);
    EXPECT_THROW(parseConseScope("some"), Error);
}

TEST_F(EngineTest, ConseNeverTouchesSeenPixelsNorALoneUnseenClass)
{
    TempDir dir;
    auto options = redOptions(saveRedClassifier(dir));
    options.scope = ConseScope::Unseen;
    auto seg = withConse(Segmenter::load(saveModel4(dir)), options);
    const auto f = seg->encode(redBlue(96, 64, 40));
    ClassSet classes;
    classes.classes = {{"seen", axis(4, 0)}, {"red thing", axis(4, 1)}, {"blue thing", axis(4, 2)}};
    classes.classes[0].bias = 5.0f; // the seen class wins every pixel
    auto r = seg->score(*f, classes);
    EXPECT_EQ(std::count(r.labels.ids.begin(), r.labels.ids.end(), std::uint16_t(0)), 96 * 64);
    // One unseen class: nothing to choose between, the base model's labels stand.
    ClassSet one;
    one.classes = {{"seen", axis(4, 0)}, {"blue thing", axis(4, 2)}};
    one.classes[0].enabled = false;
    r = seg->score(*f, one);
    EXPECT_EQ(std::count(r.labels.ids.begin(), r.labels.ids.end(), std::uint16_t(1)), 96 * 64);
}

TEST_F(EngineTest, ConseRefusesAClassifierThatDoesNotFitItsLabels)
{
    TempDir dir;
    const auto model = saveModel4(dir);
    auto has = [](const std::string& e, const std::string& what) {
        return e.find(what) != std::string::npos ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << e;
    };
    const auto two = saveRedClassifier(dir, 2);
    EXPECT_TRUE(has(errorOf([&] { withConse(Segmenter::load(model), redOptions(two)); }),
                    two.string() + ": a per-cell classifier must map [B,3,H,W] to [B,3,H/s,W/s]"));
    EXPECT_TRUE(has(errorOf([&] { withConse(Segmenter::load(model), redOptions(dir / "missing.pt")); }),
                    (dir / "missing.pt").string() + ": ConSE classifier not found"));
    std::ofstream(dir / "junk.pt") << "not a zip";
    EXPECT_TRUE(has(errorOf([&] { withConse(Segmenter::load(model), redOptions(dir / "junk.pt")); }), "not a loadable TorchScript file"));
    auto fewer = redOptions(saveRedClassifier(dir));
    fewer.labelVectors.pop_back();
    EXPECT_TRUE(has(errorOf([&] { withConse(Segmenter::load(model), fewer); }), "3 classifier labels but 2 label vectors"));
    auto scaled = redOptions(saveRedClassifier(dir));
    scaled.inputScale = 8;
    EXPECT_TRUE(has(errorOf([&] { withConse(Segmenter::load(model), scaled); }), "outside [0.25, 4]"));
}

TEST(ConseLabels, ReadsLabelsMapsArraysAndLines)
{
    TempDir dir;
    std::ofstream(dir / "map.json") << R"({"1": "goldfish, Carassius auratus", "0": "tench, Tinca tinca", "2": "great white shark"})";
    EXPECT_EQ(readClassifierLabels(dir / "map.json"),
              (std::vector<std::string>{"tench, Tinca tinca", "goldfish, Carassius auratus", "great white shark"}));
    std::ofstream(dir / "list.json") << R"(["cat", "dog"])";
    EXPECT_EQ(readClassifierLabels(dir / "list.json"), (std::vector<std::string>{"cat", "dog"}));
    std::ofstream(dir / "lines.txt") << "cat\r\n\n dog \n";
    EXPECT_EQ(readClassifierLabels(dir / "lines.txt"), (std::vector<std::string>{"cat", "dog"}));
    EXPECT_EQ(defaultClassifierLabels("/a/b/effnet.pt"), fs::path("/a/b/effnet.labels.json"));

    auto has = [](const std::string& e, const std::string& what) {
        return e.find(what) != std::string::npos ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << e;
    };
    std::ofstream(dir / "gap.json") << R"({"0": "a", "2": "c"})";
    EXPECT_TRUE(has(errorOf([&] { readClassifierLabels(dir / "gap.json"); }), (dir / "gap.json").string() + ": class index 1 has no label"));
    std::ofstream(dir / "key.json") << R"({"zero": "a"})";
    EXPECT_TRUE(has(errorOf([&] { readClassifierLabels(dir / "key.json"); }), "label key 'zero' is not a class index"));
    std::ofstream(dir / "bad.json") << R"({"0": "a")";
    EXPECT_TRUE(has(errorOf([&] { readClassifierLabels(dir / "bad.json"); }), "not valid JSON"));
    std::ofstream(dir / "empty.txt") << "\n\n";
    EXPECT_TRUE(has(errorOf([&] { readClassifierLabels(dir / "empty.txt"); }), "holds no class labels"));
    EXPECT_TRUE(has(errorOf([&] { readClassifierLabels(dir / "none.json"); }), "classifier labels not found"));
}

TEST(ConseLabels, VectorsAverageTheSynonymsWhoseWordsAreKnown)
{
    const std::map<std::string, std::vector<float>> words{
        {"tench", {1, 0, 0}}, {"goldfish", {0, 1, 0}}, {"great white shark", {0, 0, 1}}, {"white shark", {0, 1, 1}}};
    std::vector<std::string> embedded;
    auto embed = [&](const std::string& n) {
        embedded.push_back(n);
        const auto it = words.find(n);
        return it != words.end() ? it->second : std::vector<float>{0.6f, 0.8f, 0.0f}; // "subwords" for the unknown
    };
    auto known = [](const std::string& w) { return w == "tench" || w == "goldfish" || w == "great" || w == "white" || w == "shark"; };
    const auto v = conseLabelVectors({"tench, Tinca tinca", "great white shark, white shark, man-eater", "Carassius auratus"}, embed, known);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0], (std::vector<float>{1, 0, 0}));     // the Latin name is left out
    const float s = 1.0f / std::sqrt(1.0f + 4.0f);       // (0,1,2) normalised: the two known synonyms
    EXPECT_NEAR(v[1][0], 0.0f, 1e-6);
    EXPECT_NEAR(v[1][1], s, 1e-6);
    EXPECT_NEAR(v[1][2], 2 * s, 1e-6);
    EXPECT_EQ(v[2], (std::vector<float>{0.6f, 0.8f, 0.0f})); // nothing known: the first synonym as it is
    EXPECT_EQ(std::count(embedded.begin(), embedded.end(), "man-eater"), 0);
    EXPECT_THROW(conseLabelVectors({" , "}, embed, known), Error);
}

// ConSE for one region: the classifier sees the region's box; with the context masked it names the region,
// not what surrounds it. A small red square in a large blue field, its box widened by a margin of 2 (the crop
// is five times the square's side): with the context kept, blue cells outvote the red one; masked, the
// blue cells become neutral and the region's own red decides.
TEST(ConseRegion, NamesTheRegionNotItsSurroundings)
{
    TempDir dir;
    const auto cls = saveRedClassifier(dir);
    Image img(160, 160, 3);
    std::vector<std::uint8_t> mask(160 * 160, 0), blue(160 * 160, 0);
    for (int y = 0; y < 160; ++y)
        for (int x = 0; x < 160; ++x) {
            const bool red = x >= 64 && x < 96 && y >= 64 && y < 96;
            img.row(y)[3 * x + (red ? 0 : 2)] = 255;
            mask[std::size_t(y) * 160 + x] = red;
            blue[std::size_t(y) * 160 + x] = !red && x < 40;
        }
    const ModelCard card;
    ConseRegionClassifier::Options o;
    o.margin = 2.0;
    o.inputSide = 160;
    const ConseRegionClassifier masked(redOptions(cls), o, card.mean, card.stdev);
    EXPECT_EQ(masked.labelCount(), 3);
    const auto p = masked.regionProbabilities(img, mask);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_GT(p[0], p[1]);
    EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-5);
    const auto e = masked.regionVector(img, mask);
    ASSERT_EQ(e.size(), 4u);
    EXPECT_GT(e[1], e[2]); // nearer "redness" (axis 1) than "blueness" (axis 2)
    EXPECT_NEAR(e[0] * e[0] + e[1] * e[1] + e[2] * e[2] + e[3] * e[3], 1.0, 1e-5);
    const auto b = masked.regionVector(img, blue);
    ASSERT_EQ(b.size(), 4u);
    EXPECT_GT(b[2], b[1]);

    o.maskContext = false;
    const ConseRegionClassifier context(redOptions(cls), o, card.mean, card.stdev);
    const auto pc = context.regionProbabilities(img, mask);
    ASSERT_EQ(pc.size(), 3u);
    EXPECT_GT(pc[1], pc[0]) << "the test needs a region its surroundings outvote";

    EXPECT_TRUE(masked.regionVector(img, std::vector<std::uint8_t>(160 * 160, 0)).empty());
    EXPECT_THROW(masked.regionVector(img, std::vector<std::uint8_t>(10, 1)), Error);
    auto wrong = redOptions(cls);
    wrong.labelVectors.pop_back();
    EXPECT_THROW(ConseRegionClassifier(wrong, o, card.mean, card.stdev), Error);
    auto missing = redOptions(dir / "none.pt");
    EXPECT_THROW(ConseRegionClassifier(missing, o, card.mean, card.stdev), Error);
}

} // namespace zm::test
