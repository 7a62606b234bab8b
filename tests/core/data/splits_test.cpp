// Split presets hold exactly the papers' class lists; the zero-shot stage views hide unseen pixels in
// training, hold out calibration images, and share one class space with the test stage.
#include "core/common/error.h"
#include "core/data/classlists.h"
#include "core/data/splitpresets.h"
#include "core/data/zeroshotdataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace zm;

namespace {

std::set<std::string> asSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// An in-memory data set: image i has labels that hold every class once plus an ignore pixel.
class MemoryDataset : public Dataset {
public:
    MemoryDataset(std::vector<std::string> names, int n) : mNames(std::move(names)), mN(n) {}
    std::string name() const override { return "memory"; }
    int size() const override { return mN; }
    const std::vector<std::string>& classNames() const override { return mNames; }
    Sample get(int i) const override
    {
        Sample s;
        s.id = std::to_string(i);
        const int w = int(mNames.size()) + 1;
        s.image = Image(w, 1, 3);
        s.labels = LabelMap(w, 1);
        for (int c = 0; c < int(mNames.size()); ++c)
            s.labels.at(c, 0) = std::uint16_t(c);
        return s;
    }

private:
    std::vector<std::string> mNames;
    int mN;
};

} // namespace

TEST(SplitPresets, VocSpnetMatchesThePaper)
{
    const ZeroShotSplit s = splitPreset("voc-spnet-15-5");
    EXPECT_EQ(asSet(s.unseen), asSet({"potted plant", "sheep", "sofa", "train", "tv monitor"}));
    EXPECT_EQ(s.seen.size(), 15u);
    EXPECT_FALSE(s.backgroundSeen);
    EXPECT_EQ(std::count(s.seen.begin(), s.seen.end(), "background"), 0);
    EXPECT_EQ(asSet(s.seenVal), asSet({"horse", "motorbike", "person"}));
    validateSplit(s, vocClassNames());
}

TEST(SplitPresets, Zs3NestedSetsVocAndContext)
{
    const std::vector<std::vector<std::string>> voc = {
        {"cow", "motorbike"},
        {"cow", "motorbike", "aeroplane", "sofa"},
        {"cow", "motorbike", "aeroplane", "sofa", "cat", "tv monitor"},
        {"cow", "motorbike", "aeroplane", "sofa", "cat", "tv monitor", "train", "bottle"},
        {"cow", "motorbike", "aeroplane", "sofa", "cat", "tv monitor", "train", "bottle", "chair", "potted plant"}};
    const std::vector<std::vector<std::string>> context = {
        {"cow", "motorbike"},
        {"cow", "motorbike", "sofa", "cat"},
        {"cow", "motorbike", "sofa", "cat", "boat", "fence"},
        {"cow", "motorbike", "sofa", "cat", "boat", "fence", "bird", "tv monitor"},
        {"cow", "motorbike", "sofa", "cat", "boat", "fence", "bird", "tv monitor", "keyboard", "aeroplane"}};
    for (int i = 0; i < 5; ++i) {
        const int k = 2 * (i + 1);
        const ZeroShotSplit v = splitPreset("voc-zs3-" + std::to_string(k));
        EXPECT_EQ(asSet(v.unseen), asSet(voc[std::size_t(i)]));
        EXPECT_TRUE(v.backgroundSeen);
        EXPECT_EQ(v.seen.size(), 21u - std::size_t(k)); // background is seen
        EXPECT_EQ(v.seen.front(), "background");
        const ZeroShotSplit c = splitPreset("context-zs3-" + std::to_string(k));
        EXPECT_EQ(asSet(c.unseen), asSet(context[std::size_t(i)]));
        EXPECT_EQ(c.seen.size(), 60u - std::size_t(k));
        validateSplit(c, context59ClassNames());
    }
}

TEST(SplitPresets, CocoStuffAndFashion)
{
    const ZeroShotSplit c = splitPreset("cocostuff-15");
    EXPECT_EQ(asSet(c.unseen), asSet({"cow", "giraffe", "suitcase", "frisbee", "skateboard", "carrot", "scissors",
                                      "cardboard", "clouds", "grass", "playingfield", "river", "road", "tree",
                                      "wall-concrete"}));
    EXPECT_EQ(c.seen.size(), 167u); // 155 seen + 12 seen-val
    EXPECT_EQ(c.seenVal.size(), 12u);
    EXPECT_EQ(splitPreset("cocostuff171-15").seen.size(), 156u);
    const ZeroShotSplit f2 = splitPreset("fashion-unseen-2"), f4 = splitPreset("fashion-unseen-4");
    EXPECT_EQ(asSet(f2.unseen), asSet({"sandal", "pullover"}));
    EXPECT_EQ(asSet(f4.unseen), asSet({"sandal", "pullover", "ankle boot", "dress"}));
    for (const auto& s : {f2, f4})
        for (const auto& v : s.seenVal)
            EXPECT_NE(std::find(s.seen.begin(), s.seen.end(), v), s.seen.end());
    const ZeroShotSplit oracle = splitPreset("fashion-oracle");
    EXPECT_TRUE(oracle.unseen.empty());
    EXPECT_TRUE(oracle.seenVal.empty());
    EXPECT_EQ(oracle.seen.size(), 11u); // background + the ten Fashion-MNIST classes
    EXPECT_EQ(splitPresetNames().size(), 20u); // + stamp-animals-4, stamp-objects-4, stamp-all-8, stamp-oracle
    for (const auto& n : splitPresetNames())
        EXPECT_NO_THROW(splitPreset(n)) << n;
}

TEST(SplitPresets, BackgroundConventionIsAnExplicitOption)
{
    const ZeroShotSplit seen = splitPreset("voc-spnet-15-5", BackgroundMode::Seen);
    EXPECT_TRUE(seen.backgroundSeen);
    EXPECT_EQ(seen.seen.size(), 16u);
    const ZeroShotSplit ignored = splitPreset("voc-zs3-2", BackgroundMode::Ignored);
    EXPECT_FALSE(ignored.backgroundSeen);
    EXPECT_EQ(ignored.seen.size(), 18u);
    EXPECT_THROW(splitPreset("cocostuff-15", BackgroundMode::Seen), Error);
    EXPECT_EQ(parseBackgroundMode("ignored"), BackgroundMode::Ignored);
    EXPECT_THROW(parseBackgroundMode("sometimes"), Error);
    try {
        splitPreset("voc-15-5");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("voc-spnet-15-5"), std::string::npos); // lists the names
    }
}

TEST(SplitPresets, ValidationAgainstClassNames)
{
    const std::vector<std::string> names = {"background", "cat", "dog", "cow"};
    const ZeroShotSplit s = makeSplit("custom", names, {"cow"}, {"dog"});
    EXPECT_EQ(s.seen, (std::vector<std::string>{"background", "cat", "dog"}));
    EXPECT_THROW(makeSplit("bad", names, {"horse"}), Error);
    EXPECT_THROW(makeSplit("bad", names, {"cow"}, {"cow"}), Error); // seen-val must be seen
    EXPECT_THROW(validateSplit(splitPreset("voc-spnet-15-5"), names), Error);
}

TEST(ZeroShotDataset, StagesRemapIntoOneClassSpace)
{
    // Data-set order: background, cat, dog, cow, sheep; split: unseen cow; seen-val dog; background ignored.
    const std::vector<std::string> names = {"background", "cat", "dog", "cow", "sheep"};
    auto base = std::make_shared<MemoryDataset>(names, 20);
    const ZeroShotSplit split = makeSplit("t", names, {"cow"}, {"dog"}, false);
    ZeroShotOptions opt;
    opt.calibrationImages = 4;

    ZeroShotDataset train(base, split, ZeroShotStage::Train, opt);
    ZeroShotDataset calib(base, split, ZeroShotStage::Calibration, opt);
    ZeroShotDataset test(base, split, ZeroShotStage::Test, opt);
    ZeroShotDataset target(base, split, ZeroShotStage::Unlabelled, opt);

    const ZeroShotClasses& c = train.classes();
    EXPECT_EQ(c.names, (std::vector<std::string>{"cat", "dog", "sheep", "cow"})); // seen first, then unseen
    EXPECT_EQ(c.seenCount, 3);
    EXPECT_EQ(c.seenVal, (std::vector<int>{1}));
    EXPECT_EQ(train.classNames(), (std::vector<std::string>{"cat", "dog", "sheep"}));
    EXPECT_EQ(test.classNames(), c.names);

    // Calibration = the last 4 training images, disjoint from training.
    EXPECT_EQ(train.size(), 16);
    EXPECT_EQ(calib.size(), 4);
    EXPECT_EQ(calib.baseIndex(0), 16);
    EXPECT_EQ(train.baseIndex(15), 15);
    EXPECT_EQ(test.size(), 20);

    const LabelMap tl = train.get(0).labels; // pixels: background, cat, dog, cow, sheep, void
    const auto V = LabelMap::kVoid;
    EXPECT_EQ(tl.ids, (std::vector<std::uint16_t>{V, 0, 1, V, 2, V})); // cow (unseen) and background ignored
    EXPECT_EQ(calib.get(0).labels.ids, tl.ids);
    EXPECT_EQ(test.get(0).labels.ids, (std::vector<std::uint16_t>{V, 0, 1, 3, 2, V}));
    EXPECT_TRUE(target.get(0).labels.empty());

    ZeroShotDataset zs3(base, split, ZeroShotStage::TestUnseenOnly, opt);
    EXPECT_EQ(zs3.size(), 20);
    EXPECT_EQ(zs3.classNames(), c.names);
    EXPECT_EQ(zs3.get(0).labels.ids, (std::vector<std::uint16_t>{V, V, V, 3, V, V})); // only cow stays
    const MetricOptions zm3 = c.zs3MetricOptions();
    EXPECT_TRUE(zm3.seen.empty());
    EXPECT_EQ(zm3.unseen, (std::vector<int>{3}));

    ZeroShotOptions hold = opt;
    hold.holdOutSeenVal = true;
    ZeroShotDataset trainNoVal(base, split, ZeroShotStage::Train, hold);
    EXPECT_EQ(trainNoVal.get(0).labels.ids, (std::vector<std::uint16_t>{V, 0, V, V, 2, V}));

    const MetricOptions tm = c.testMetricOptions();
    EXPECT_EQ(tm.seen, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(tm.unseen, (std::vector<int>{3}));
    const MetricOptions cm = c.calibrationMetricOptions(AbsentClassPolicy::CountAsZero);
    EXPECT_EQ(cm.seen, (std::vector<int>{0, 2}));
    EXPECT_EQ(cm.unseen, (std::vector<int>{1}));
    EXPECT_EQ(cm.classNames.size(), 3u);
    EXPECT_EQ(cm.absent, AbsentClassPolicy::CountAsZero);

    // Default hold-out: SPNet's 500 capped at a tenth of the set.
    EXPECT_EQ(calibrationImageCount(11685, {}), 500);
    EXPECT_EQ(calibrationImageCount(2000, {}), 200);
    EXPECT_THROW(ZeroShotDataset(base, splitPreset("voc-spnet-15-5"), ZeroShotStage::Train), Error);
}
