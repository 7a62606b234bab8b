// The one ground-truth remap and the one evaluation loop, against hand-computed confusion matrices.
#include "core/common/error.h"
#include "core/eval/evaluate.h"
#include "core/eval/labelremap.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace zm;

namespace {

constexpr std::uint16_t V = LabelMap::kVoid;

LabelMap map3x2(std::vector<std::uint16_t> ids)
{
    LabelMap m(3, 2);
    m.ids = std::move(ids);
    return m;
}

std::string messageOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Data-set classes bg=0, cat=1, dog=2, car=3. Sample "1" is unlabelled; sample "2" holds id 9, which no
// class has (a stray value in a label file). Every image is 3x2.
class Tiles : public Dataset {
public:
    std::string name() const override { return "tiles"; }
    int size() const override { return 4; }
    const std::vector<std::string>& classNames() const override { return mNames; }
    Sample get(int i) const override
    {
        Sample s;
        s.id = std::to_string(i);
        s.image = Image(3, 2, 3);
        static const std::vector<std::vector<std::uint16_t>> labels = {
            {0, 1, 1, 2, 2, V}, {}, {3, 3, 1, 2, 9, 1}, {2, 2, 2, 2, 2, 2}};
        if (!labels[std::size_t(i)].empty())
            s.labels = map3x2(labels[std::size_t(i)]);
        if (i == mOddSized)
            s.labels = LabelMap(2, 2, 1);
        return s;
    }
    int mOddSized = -1;

private:
    std::vector<std::string> mNames{"bg", "cat", "dog", "car"};
};

// Predictions in evaluated classes (dog = 0, cat = 1), kVoid = the model abstained.
const std::map<std::string, LabelMap>& predictions()
{
    static const std::map<std::string, LabelMap> p = {{"0", map3x2({0, 1, 0, 0, V, 1})},
                                                      {"1", map3x2({0, 0, 0, 0, 0, 0})},
                                                      {"2", map3x2({1, 1, 1, 1, 1, 0})},
                                                      {"3", map3x2({0, 0, 0, 1, 1, V})}};
    return p;
}

LabelRemap dogCat(const Dataset& d) { return LabelRemap::byNames(d.classNames(), {"dog", "cat"}, d.name()); }

/// Records every update.
class Recorder : public CancellableProgress {
public:
    bool update(double f, const std::string& m) override
    {
        fractions.push_back(f);
        messages.push_back(m);
        if (int(messages.size()) == cancelAfter)
            cancel();
        return !cancelled();
    }
    std::vector<double> fractions;
    std::vector<std::string> messages;
    int cancelAfter = -1;
};

} // namespace

// ---- the remap ----

TEST(LabelRemap, ByNameMapsEvaluatedClassesAndVoidsEverythingElse)
{
    Tiles d;
    const LabelRemap r = dogCat(d);
    EXPECT_EQ(r.numClasses(), 2);
    EXPECT_EQ(r.datasetClasses(), 4u);
    EXPECT_EQ(r.classOf(0), V); // bg: not evaluated
    EXPECT_EQ(r.classOf(1), 1); // cat
    EXPECT_EQ(r.classOf(2), 0); // dog
    EXPECT_EQ(r.classOf(3), V); // car: not evaluated
    EXPECT_EQ(r.classOf(V), V); // ignore stays ignore
    EXPECT_EQ(r.classOf(9), V); // unknown id: ignored, never a class
    const LabelMap out = r.apply(map3x2({3, 3, 1, 2, 9, V}));
    EXPECT_EQ(out.width, 3);
    EXPECT_EQ(out.height, 2);
    EXPECT_EQ(out.ids, (std::vector<std::uint16_t>{V, V, 1, 0, V, V}));
    EXPECT_TRUE(r.apply(LabelMap()).empty());
}

TEST(LabelRemap, ByIdsIsTheSameRemapAndEveryBadInputIsAClearError)
{
    Tiles d;
    const LabelRemap byName = dogCat(d), byId = LabelRemap::byIds(4, {2, 1});
    for (std::uint16_t id : {std::uint16_t(0), std::uint16_t(1), std::uint16_t(2), std::uint16_t(3), std::uint16_t(9), V})
        EXPECT_EQ(byName.classOf(id), byId.classOf(id)) << id;
    EXPECT_TRUE(has(messageOf([&] { LabelRemap::byNames(d.classNames(), {"dog", "horse"}, d.name()); }),
                    "class 'horse' is not a class of data set 'tiles'"));
    EXPECT_TRUE(has(messageOf([] { LabelRemap::byIds(4, {2, 4}); }), "class id 4 is outside the data set's 4 classes"));
    EXPECT_THROW(LabelRemap::byIds(4, {-1}), Error);
    EXPECT_THROW(LabelRemap({0, 2}, 2), Error);  // class 2 of 2
    EXPECT_THROW(LabelRemap({0, -2}, 2), Error); // below "not evaluated"
    EXPECT_THROW(LabelRemap({}, -1), Error);
    EXPECT_NO_THROW(LabelRemap({-1, -1}, 0));
}

TEST(LabelRemap, UnknownIdsCanBeRefused)
{
    const LabelRemap strict({0, -1, 1, -1}, 2, LabelRemap::Unknown::Throw);
    EXPECT_EQ(strict.classOf(2), 1);
    EXPECT_EQ(strict.classOf(V), V); // ignore is never "unknown"
    EXPECT_TRUE(has(messageOf([&] { strict.apply(map3x2({0, 1, 2, 3, 9, V})); }), "label id 9 outside its 4 classes"));
}

// ---- the loop ----

TEST(EvalLoop, ConfusionMatrixEqualsTheHandComputedOne)
{
    Tiles d;
    NullProgress quiet;
    std::vector<std::string> predicted;
    const ConfusionMatrix m = accumulateConfusion(
        d, dogCat(d),
        [&](const Sample& s) {
            predicted.push_back(s.id);
            return predictions().at(s.id);
        },
        quiet);
    EXPECT_EQ(predicted, (std::vector<std::string>{"0", "2", "3"})); // the unlabelled sample is skipped
    // (truth, prediction) per counted pixel, truth remapped (dog 0, cat 1; bg, car, void, id 9 ignored):
    //   sample 0: (1,1) (1,0) (0,0) (0,abstained)
    //   sample 2: (1,1) (0,1) (1,0)
    //   sample 3: (0,0) x3, (0,1) x2, (0,abstained)
    ASSERT_EQ(m.numClasses(), 2);
    EXPECT_EQ(m.at(0, 0), 4u);
    EXPECT_EQ(m.at(0, 1), 3u);
    EXPECT_EQ(m.at(1, 0), 2u);
    EXPECT_EQ(m.at(1, 1), 2u);
    EXPECT_EQ(m.abstained(0), 2u);
    EXPECT_EQ(m.abstained(1), 0u);
    EXPECT_EQ(m.truthPixels(0), 9u);
    EXPECT_EQ(m.truthPixels(1), 4u);
    EXPECT_EQ(m.predictedPixels(1), 5u);
}

TEST(EvalLoop, ChosenSamplesInOrderWithALimit)
{
    Tiles d;
    NullProgress quiet;
    std::vector<std::string> predicted;
    const auto predict = [&](const Sample& s) {
        predicted.push_back(s.id);
        return predictions().at(s.id);
    };
    EvalSamples which;
    which.indices = std::vector<int>{3, 0};
    ConfusionMatrix m = accumulateConfusion(d, dogCat(d), predict, quiet, which);
    EXPECT_EQ(predicted, (std::vector<std::string>{"3", "0"}));
    EXPECT_EQ(m.at(0, 0), 4u); // samples 3 and 0 only
    EXPECT_EQ(m.at(0, 1), 2u);
    EXPECT_EQ(m.at(1, 0), 1u);
    EXPECT_EQ(m.at(1, 1), 1u);
    EXPECT_EQ(m.abstained(0), 2u);

    which.limit = 1;
    EXPECT_EQ(which.count(d), 1);
    m = accumulateConfusion(d, dogCat(d), predict, quiet, which);
    EXPECT_EQ(m.total(), 6u); // sample 3: six dog pixels
    EXPECT_EQ(m.at(0, 0), 3u);

    which.indices = std::vector<int>{}; // an empty choice visits nothing (not everything)
    predicted.clear();
    m = accumulateConfusion(d, dogCat(d), predict, quiet, which);
    EXPECT_TRUE(predicted.empty());
    EXPECT_EQ(m.total(), 0u);

    which.indices = std::vector<int>{0, 7};
    which.limit = 0;
    EXPECT_TRUE(has(messageOf([&] { accumulateConfusion(d, dogCat(d), predict, quiet, which); }), "sample 7 out of range"));
}

TEST(EvalLoop, BadSamplesAndPredictionsAreErrorsNamingTheSample)
{
    Tiles d;
    NullProgress quiet;
    const auto predict = [](const Sample& s) { return predictions().at(s.id); };
    EvalSamples strict;
    strict.requireLabels = true;
    EXPECT_TRUE(has(messageOf([&] { accumulateConfusion(d, dogCat(d), predict, quiet, strict); }),
                    "sample '1' of 'tiles' has no labels"));
    const LabelRemap refusing({-1, 1, 0, -1}, 2, LabelRemap::Unknown::Throw);
    EXPECT_TRUE(has(messageOf([&] { accumulateConfusion(d, refusing, predict, quiet); }),
                    "tiles, sample '2': label id 9 outside its 4 classes"));
    EXPECT_TRUE(has(messageOf([&] { accumulateConfusion(d, dogCat(d), [](const Sample&) { return LabelMap(1, 1, 0); }, quiet); }),
                    "tiles, sample '0': confusion matrix: prediction is 1x1"));
    EXPECT_TRUE(has(messageOf([&] { accumulateConfusion(d, dogCat(d), [](const Sample&) { return map3x2({0, 0, 5, 0, 0, 0}); }, quiet); }),
                    "tiles, sample '0': confusion matrix: predicted id 5"));
    EXPECT_TRUE(has(messageOf([&] { accumulateConfusion(d, LabelRemap::byIds(3, {1}), predict, quiet); }),
                    "the label remap knows 3 classes, the data set has 4"));
    d.mOddSized = 3;
    EXPECT_TRUE(has(messageOf([&] { accumulateConfusion(d, dogCat(d), predict, quiet); }),
                    "tiles, sample '3': label map 2x2 differs from the image size 3x2"));
}

TEST(EvalLoop, ReportsEachSampleAndStopsWhenCancelled)
{
    Tiles d;
    int calls = 0;
    const auto predict = [&](const Sample& s) {
        ++calls;
        return predictions().at(s.id);
    };
    Recorder all;
    accumulateConfusion(d, dogCat(d), predict, all);
    EXPECT_EQ(all.messages, (std::vector<std::string>{"image 1/4", "image 2/4", "image 3/4", "image 4/4"}));
    EXPECT_DOUBLE_EQ(all.fractions.back(), 1.0);

    calls = 0;
    Recorder stopAfterFirst;
    stopAfterFirst.cancelAfter = 1;
    EXPECT_THROW(accumulateConfusion(d, dogCat(d), predict, stopAfterFirst), Cancelled);
    EXPECT_EQ(calls, 1);

    calls = 0;
    CancellableProgress stopped;
    stopped.cancel();
    EXPECT_THROW(accumulateConfusion(d, dogCat(d), predict, stopped), Cancelled);
    EXPECT_EQ(calls, 0);
    CancelOnlyProgress nested(stopped); // what the trainer hands the loop: the outer task's cancellation
    EXPECT_THROW(accumulateConfusion(d, dogCat(d), predict, nested), Cancelled);
    EXPECT_EQ(calls, 0);
}

TEST(EvalLoop, VisitorSeesTheSampleWithItsRemappedTruth)
{
    Tiles d;
    NullProgress quiet;
    std::vector<LabelMap> truths;
    const int visited = forEachEvalSample(d, dogCat(d), {}, quiet, [&](const Sample& s, const LabelMap& truth) {
        EXPECT_EQ(truth.width, s.image.width);
        truths.push_back(truth);
    });
    EXPECT_EQ(visited, 3);
    ASSERT_EQ(truths.size(), 3u);
    EXPECT_EQ(truths[0].ids, (std::vector<std::uint16_t>{V, 1, 1, 0, 0, V}));
    EXPECT_EQ(truths[1].ids, (std::vector<std::uint16_t>{V, V, 1, 0, V, 1}));
    EXPECT_EQ(truths[2].ids, (std::vector<std::uint16_t>(6, 0)));
}
