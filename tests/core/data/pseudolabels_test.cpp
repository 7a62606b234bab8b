// ConSE pseudo-labels (core/data/pseudolabels.h): unlabelled regions found without the thin soft edges, each
// named by the region classifier among the unseen classes, the most confident share kept per class, written
// as a generic data set that opens and trains like any other; the check against the data set's own labels;
// refusals and cancellation. The classifier is the red/not-red TorchScript of tests/support/redclassifier.h.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/data/benchmarkdatasets.h"
#include "core/data/pngfile.h"
#include "core/data/pseudolabels.h"
#include "core/data/splitpresets.h"
#include "core/engine/conse.h"
#include "core/engine/modelcard.h"
#include "tests/support/redclassifier.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

using namespace zm;
namespace fs = std::filesystem;

namespace {

std::vector<float> axis(int i)
{
    std::vector<float> v(4, 0.0f);
    v[std::size_t(i)] = 1.0f;
    return v;
}

void fillBox(Image& img, LabelMap& labels, int x0, int y0, int size, const std::array<std::uint8_t, 3>& rgb, std::uint16_t id)
{
    for (int y = y0; y < y0 + size; ++y)
        for (int x = x0; x < x0 + size; ++x) {
            for (int c = 0; c < 3; ++c)
                img.row(y)[3 * x + c] = rgb[std::size_t(c)];
            labels.at(x, y) = id;
        }
}

/// Generic data set: classes background, box (seen), red thing, blue thing (unseen). Image i (128 x 128,
/// grey) holds a green box with a 1-px unlabelled ring (a soft edge), a red square and a blue square; the
/// red square is redder with i (up to 4 images), so the classifier is surer of the later ones.
void makeSet(const fs::path& root, int images)
{
    writeFileAtomic(root / "classes.txt", "background\nbox\nred thing\nblue thing\n");
    fs::create_directories(root / "images" / "train");
    fs::create_directories(root / "labels" / "train");
    for (int i = 0; i < images; ++i) {
        Image img(128, 128, 3);
        std::fill(img.pixels.begin(), img.pixels.end(), std::uint8_t(60));
        LabelMap labels(128, 128, 0);
        fillBox(img, labels, 8, 8, 30, {0, 200, 0}, 1);
        for (int y = 7; y <= 38; ++y)
            for (int x = 7; x <= 38; ++x)
                if (x == 7 || x == 38 || y == 7 || y == 38)
                    labels.at(x, y) = LabelMap::kVoid;
        fillBox(img, labels, 70, 10, 24, {std::uint8_t(150 + 35 * i), 0, 0}, 2);
        fillBox(img, labels, 20, 80, 30, {0, 0, 255}, 3);
        char stem[16];
        std::snprintf(stem, sizeof stem, "%03d", i);
        writeImagePng(root / "images" / "train" / (std::string(stem) + ".png"), img);
        writeLabelIds(root / "labels" / "train" / (std::string(stem) + ".png"), labels);
    }
}

struct Fixture {
    test::TempDir dir;
    std::shared_ptr<const Dataset> base;
    ZeroShotSplit split;
    std::unique_ptr<ConseRegionClassifier> classifier;
    std::vector<std::vector<float>> vectors{axis(1), axis(2)}; // red thing, blue thing

    explicit Fixture(int images = 4)
    {
        makeSet(dir / "data", images);
        base = openDataset("generic", dir / "data", "train");
        split = makeSplit("custom", base->classNames(), {"red thing", "blue thing"}, {}, true);
        ConseOptions co;
        co.classifier = test::saveRedClassifier(dir);
        co.labels = {"redness", "blueness", "nothing"};
        co.labelVectors = {axis(1), axis(2), axis(3)};
        const ModelCard card;
        classifier = std::make_unique<ConseRegionClassifier>(co, ConseRegionClassifier::Options{}, card.mean, card.stdev);
    }
    ZeroShotDataset train() const
    {
        ZeroShotOptions o;
        o.calibrationImages = 0;
        return ZeroShotDataset(base, split, ZeroShotStage::Train, o);
    }
};

} // namespace

TEST(PseudoLabels, RegionsLeaveThinSoftEdgesOutAndGrowBackInsideTheMask)
{
    LabelMap labels(64, 64, 0);
    for (int y = 10; y < 30; ++y) // a 20 x 20 unlabelled square
        for (int x = 10; x < 30; ++x)
            labels.at(x, y) = LabelMap::kVoid;
    for (int x = 0; x < 64; ++x) // a 2-px unlabelled line: a soft edge
        labels.at(x, 50) = labels.at(x, 51) = LabelMap::kVoid;
    for (int y = 40; y < 46; ++y) // a 6 x 6 square: too small after erosion for minPixels 10
        for (int x = 50; x < 56; ++x)
            labels.at(x, y) = LabelMap::kVoid;
    const auto regions = unlabelledRegions(labels, 2, 10);
    ASSERT_EQ(regions.size(), 1u);
    int inside = 0, outside = 0;
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x)
            (x >= 10 && x < 30 && y >= 10 && y < 30 ? inside : outside) += regions[0][std::size_t(y) * 64 + x] ? 1 : 0;
    EXPECT_EQ(inside, 400); // grown back to the whole square
    EXPECT_EQ(outside, 0);
    EXPECT_EQ(unlabelledRegions(labels, 0, 10).size(), 3u); // without erosion the line and the small square are regions too
    EXPECT_TRUE(unlabelledRegions(LabelMap(8, 8, 0), 2, 1).empty());
}

TEST(PseudoLabels, NamesEachUnlabelledRegionAndWritesATrainableSet)
{
    Fixture f;
    const auto train = f.train();
    PseudoLabelOptions o;
    o.minPixels = 20;
    o.keepFraction = 1.0;
    const auto out = f.dir / "pseudo";
    const auto report = writePseudoLabels(train, *f.base, *f.classifier, f.vectors, o, out, Json{{"test", true}});
    ASSERT_EQ(report.regions.size(), 8u); // a red and a blue square per image; the ring is no region
    EXPECT_TRUE(report.checked);
    for (const auto& r : report.regions) {
        EXPECT_TRUE(r.kept);
        EXPECT_EQ(report.classes[std::size_t(r.cls)], r.truth);
        EXPECT_DOUBLE_EQ(r.truthShare, 1.0);
        EXPECT_GT(r.score, r.runnerUp);
    }
    const Json j = loadJsonFile(out / "pseudolabels.json");
    EXPECT_DOUBLE_EQ(j["keptRegionAccuracy"].get<double>(), 1.0);
    EXPECT_EQ(j["provenance"]["test"], true);
    EXPECT_EQ(j["split"], "custom");
    EXPECT_FALSE(fs::exists(out / ".pseudolabels-incomplete"));

    // The written set: the data set's class order; seen labels kept, unseen regions named, the ring unlabelled.
    const auto written = openDataset("auto", out, "train");
    EXPECT_EQ(written->classNames(), f.base->classNames());
    ASSERT_EQ(written->size(), 4);
    const Sample s = written->get(0);
    EXPECT_EQ(s.labels.at(20, 20), 1);                 // box
    EXPECT_EQ(s.labels.at(7, 20), LabelMap::kVoid);    // its soft edge
    EXPECT_EQ(s.labels.at(75, 15), 2);                 // red thing
    EXPECT_EQ(s.labels.at(30, 90), 3);                 // blue thing
    EXPECT_EQ(s.labels.at(120, 120), 0);               // background
    EXPECT_EQ(s.image.pixels, f.base->get(0).image.pixels);
    // A second run into its own output folder is allowed.
    EXPECT_NO_THROW(writePseudoLabels(train, *f.base, *f.classifier, f.vectors, o, out, Json{}));
}

TEST(PseudoLabels, KeepsTheMostConfidentShareOfEachClass)
{
    Fixture f;
    PseudoLabelOptions o;
    o.minPixels = 20;
    o.keepFraction = 0.5;
    const auto report = writePseudoLabels(f.train(), *f.base, *f.classifier, f.vectors, o, f.dir / "half", Json{});
    std::map<int, std::vector<const PseudoRegion*>> byClass;
    for (const auto& r : report.regions)
        byClass[r.cls].push_back(&r);
    ASSERT_EQ(byClass.size(), 2u);
    for (const auto& [cls, list] : byClass) {
        int kept = 0;
        float lowestKept = 1e9f, highestDropped = -1e9f;
        for (const auto* r : list) {
            kept += r->kept;
            if (r->kept)
                lowestKept = std::min(lowestKept, r->score);
            else
                highestDropped = std::max(highestDropped, r->score);
        }
        EXPECT_EQ(kept, 2) << report.classes[std::size_t(cls)];
        EXPECT_GE(lowestKept, highestDropped);
    }
    // The red squares get redder with the image index: the two reddest (images 2 and 3) are the surest.
    for (const auto& r : report.regions) {
        if (report.classes[std::size_t(r.cls)] == "red thing") {
            EXPECT_EQ(r.kept, r.image >= 2) << "image " << r.image;
        }
    }
    // A dropped region stays unlabelled in the written set.
    const Sample s = openDataset("generic", f.dir / "half", "train")->get(0);
    EXPECT_EQ(s.labels.at(75, 15), LabelMap::kVoid);
}

TEST(PseudoLabels, ARegionNearestARivalClassStaysUnlabelled)
{
    Fixture f;
    PseudoLabelOptions o;
    o.minPixels = 20;
    o.keepFraction = 1.0;
    const float h = 1.0f / std::sqrt(2.0f);
    const std::vector<std::vector<float>> vectors{axis(1), {0, h, h, 0}}; // "blue thing" half-way to a label nothing has
    o.rivals = {axis(2)};                                                    // a seen class right on "blueness"
    const auto report = writePseudoLabels(f.train(), *f.base, *f.classifier, vectors, o, f.dir / "rivals", Json{});
    ASSERT_EQ(report.regions.size(), 8u);
    int rival = 0;
    for (const auto& r : report.regions) {
        if (r.truth == "blue thing") {
            EXPECT_EQ(r.cls, -1);
            EXPECT_FALSE(r.kept);
            ++rival;
        } else {
            EXPECT_EQ(report.classes[std::size_t(r.cls)], "red thing");
            EXPECT_TRUE(r.kept);
        }
    }
    EXPECT_EQ(rival, 4);
    EXPECT_EQ(report.toJson()["nearestARival"], 4);
    const Sample s = openDataset("generic", f.dir / "rivals", "train")->get(1);
    EXPECT_EQ(s.labels.at(30, 90), LabelMap::kVoid); // the blue square: unlabelled
    EXPECT_EQ(s.labels.at(75, 15), 2);
    // Without the rival the blue squares are named.
    o.rivals.clear();
    const auto plain = writePseudoLabels(f.train(), *f.base, *f.classifier, vectors, o, f.dir / "plain", Json{});
    for (const auto& r : plain.regions)
        EXPECT_EQ(report.classes[std::size_t(r.cls)], r.truth);
}

TEST(PseudoLabels, BalancedOffsetsShareTheRowsOutInEqualParts)
{
    // Six rows that all prefer class 0; three of them only just (0.62 against 0.60): class 0 is a hub.
    const std::vector<float> scores{0.9f, 0.5f, 0.9f, 0.5f, 0.9f, 0.5f, 0.62f, 0.6f, 0.62f, 0.6f, 0.62f, 0.6f};
    for (const double t : {0.01, 0.05, 0.2}) {
        int iterations = 0;
        const auto off = balancedClassOffsets(scores, 6, 2, t, &iterations);
        ASSERT_EQ(off.size(), 2u);
        EXPECT_NEAR(off[0] + off[1], 0.0, 1e-6); // offsets average to zero
        EXPECT_LT(off[0], off[1]) << "the hub is lowered, t " << t;
        EXPECT_GT(iterations, 0);
        // The soft assignments at t sum to three rows per class.
        double col0 = 0;
        for (int k = 0; k < 6; ++k) {
            const double a = std::exp((scores[std::size_t(2 * k)] + off[0]) / t),
                         b = std::exp((scores[std::size_t(2 * k + 1)] + off[1]) / t);
            col0 += a / (a + b);
        }
        EXPECT_NEAR(col0, 3.0, 1e-4) << "t " << t << ", " << iterations << " iterations";
    }
    // At a low temperature the hard choice after the offsets is three and three: the weak rows move.
    const auto off = balancedClassOffsets(scores, 6, 2, 0.01);
    for (int k = 0; k < 6; ++k)
        EXPECT_EQ(scores[std::size_t(2 * k)] + off[0] > scores[std::size_t(2 * k + 1)] + off[1], k < 3) << "row " << k;
    // A set that is balanced already needs no offsets.
    int steps = -1;
    const auto none = balancedClassOffsets({0.9f, 0.1f, 0.1f, 0.9f, 0.8f, 0.3f, 0.3f, 0.8f}, 4, 2, 0.05, &steps);
    EXPECT_EQ(steps, 0);
    EXPECT_NEAR(none[0], 0.0, 1e-5);
    EXPECT_NEAR(none[1], 0.0, 1e-5);
    // Refusals: a wrong count, a bad temperature, a score that is not a number.
    EXPECT_THROW(balancedClassOffsets(scores, 5, 2, 0.05), Error);
    EXPECT_THROW(balancedClassOffsets(scores, 6, 2, 0.0), Error);
    EXPECT_THROW(balancedClassOffsets({0.5f, std::nanf("")}, 1, 2, 0.05), Error);
}

TEST(PseudoLabels, BalanceGivesAHubsLeastFirmRegionsToTheirRunnerUp)
{
    Fixture f;
    PseudoLabelOptions o;
    o.minPixels = 20;
    o.keepFraction = 1.0;
    // "red thing" leans towards "blueness" too, nearer it than "blue thing" (which leans on a label nothing
    // has): plainly, every square is a red thing.
    const float r = 1.0f / std::sqrt(1.64f), b = 1.0f / std::sqrt(1.25f);
    const std::vector<std::vector<float>> vectors{{0, r, 0.8f * r, 0}, {0, 0, 0.5f * b, b}};
    const auto plain = writePseudoLabels(f.train(), *f.base, *f.classifier, vectors, o, f.dir / "hub", Json{});
    ASSERT_EQ(plain.regions.size(), 8u);
    for (const auto& reg : plain.regions)
        EXPECT_EQ(plain.classes[std::size_t(reg.cls)], "red thing");
    EXPECT_EQ(plain.balanceIterations, -1); // not balanced
    o.balance = true;
    const auto balanced = writePseudoLabels(f.train(), *f.base, *f.classifier, vectors, o, f.dir / "balanced", Json{});
    ASSERT_EQ(balanced.regions.size(), 8u);
    for (const auto& reg : balanced.regions) {
        EXPECT_EQ(balanced.classes[std::size_t(reg.cls)], reg.truth);
        ASSERT_EQ(reg.cosines.size(), 2u);
        EXPECT_GT(reg.cosines[0], reg.cosines[1]); // the plain cosines still prefer the hub
    }
    ASSERT_EQ(balanced.balance.size(), 2u);
    EXPECT_LT(balanced.balance[0], balanced.balance[1]);
    EXPECT_GT(balanced.balanceIterations, 0);
    const Json j = loadJsonFile(f.dir / "balanced" / "pseudolabels.json");
    EXPECT_DOUBLE_EQ(j["keptRegionAccuracy"].get<double>(), 1.0);
    EXPECT_EQ(j["options"]["balance"], true);
    ASSERT_EQ(j["regionList"].size(), 8u);
    EXPECT_EQ(j["regionList"][0]["cosines"].size(), 2u);
    EXPECT_EQ(j["regionList"][0]["class"], j["regionList"][0]["truth"]);
    EXPECT_EQ(j["regionList"][0]["file"], "000"); // the first image's name in the written set
    const Sample s = openDataset("generic", f.dir / "balanced", "train")->get(0);
    EXPECT_EQ(s.labels.at(30, 90), 3); // the blue square, named blue thing
    // A bad temperature is refused before any region is classified.
    o.balanceTemperature = 0;
    EXPECT_THROW(writePseudoLabels(f.train(), *f.base, *f.classifier, vectors, o, f.dir / "bad", Json{}), Error);
    EXPECT_FALSE(fs::exists(f.dir / "bad"));
}

TEST(PseudoLabels, AnIgnoredBackgroundIsLabelledNotARegion)
{
    Fixture f;
    f.split = makeSplit("custom", f.base->classNames(), {"red thing", "blue thing"}, {}, /*backgroundSeen=*/false);
    const auto train = f.train();
    ASSERT_EQ(train.get(0).labels.at(120, 120), LabelMap::kVoid); // the Train stage hides the background
    PseudoLabelOptions o;
    o.minPixels = 20;
    o.keepFraction = 1.0;
    const auto report = writePseudoLabels(train, *f.base, *f.classifier, f.vectors, o, f.dir / "nobg", Json{});
    EXPECT_EQ(report.regions.size(), 8u); // the background is not one more region
    const Sample s = openDataset("generic", f.dir / "nobg", "train")->get(0);
    EXPECT_EQ(s.labels.at(120, 120), 0); // written as the data set's background
    EXPECT_EQ(s.labels.at(75, 15), 2);
    EXPECT_EQ(s.labels.at(20, 20), 1);
}

TEST(PseudoLabels, RefusesWhatItCannotDoAndStopsWhenCancelled)
{
    Fixture f(2);
    PseudoLabelOptions o;
    o.minPixels = 20;
    writeFileAtomic(f.dir / "busy" / "notes.txt", "a person's file\n");
    try {
        writePseudoLabels(f.train(), *f.base, *f.classifier, f.vectors, o, f.dir / "busy", Json{});
        ADD_FAILURE() << "wrote into a foreign folder";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find((f.dir / "busy").string()), std::string::npos) << e.what();
    }
    EXPECT_TRUE(fs::exists(f.dir / "busy" / "notes.txt"));
    EXPECT_THROW(writePseudoLabels(f.train(), *f.base, *f.classifier, {axis(1)}, o, f.dir / "o1", Json{}), Error);
    o.keepFraction = 0;
    EXPECT_THROW(writePseudoLabels(f.train(), *f.base, *f.classifier, f.vectors, o, f.dir / "o2", Json{}), Error);
    o.keepFraction = 1;
    const auto noUnseen = makeSplit("none", f.base->classNames(), {}, {}, true);
    ZeroShotOptions zo;
    zo.calibrationImages = 0;
    const ZeroShotDataset all(f.base, noUnseen, ZeroShotStage::Train, zo);
    EXPECT_THROW(writePseudoLabels(all, *f.base, *f.classifier, {}, o, f.dir / "o3", Json{}), Error);

    CancellableProgress stop;
    stop.cancel();
    EXPECT_THROW(writePseudoLabels(f.train(), *f.base, *f.classifier, f.vectors, o, f.dir / "o4", Json{}, &stop), Cancelled);
    EXPECT_TRUE(fs::exists(f.dir / "o4" / ".pseudolabels-incomplete"));
    EXPECT_FALSE(fs::exists(f.dir / "o4" / "pseudolabels.json"));
    // A rerun finishes the job in the same folder.
    EXPECT_NO_THROW(writePseudoLabels(f.train(), *f.base, *f.classifier, f.vectors, o, f.dir / "o4", Json{}));
    EXPECT_TRUE(fs::exists(f.dir / "o4" / "pseudolabels.json"));
}
