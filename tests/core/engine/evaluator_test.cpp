// evaluateSegmenter (what `zeromask-cli eval` runs) counts exactly what a hand-written loop over the
// same images counts: the Segmenter's labels against the ground truth with data-set classes outside the
// evaluation ignored.
#include "enginefixture.h"

#include "core/common/error.h"
#include "core/engine/checkpoint.h"
#include "core/engine/evaluator.h"
#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

namespace zm::test {

TEST_F(EngineTest, EvaluatorEqualsAHandLoopAndIgnoresClassesNotEvaluated)
{
    TempDir dir;
    const auto vectors = randomVectors(4, 16);
    ModelCard card;
    card.name = "random";
    card.vectorSpace = testSpace();
    card.seenClasses = {"background", "red"};
    card.seenVectors = {vectors[0], vectors[1]};
    card.gamma = 0.1f;
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(16).scale(10.0));
    saveModel(dir / "m", card, net);
    const auto seg = Segmenter::load(dir / "m");

    // Data-set classes: background 0, red 1, green 2, blue 3. Evaluated: red, background (seen), blue
    // (unseen); green pixels are ignored. The images hold red, green and blue squares.
    ShapesDataset data(5, 48, {"background", "red", "green", "blue"});
    ClassSet classes;
    classes.classes.push_back({"red", vectors[1]});
    classes.classes.push_back({"background", vectors[0]});
    classes.classes.push_back({"blue", vectors[3]});
    EvalOptions options;
    options.limit = 4;
    NullProgress quiet;
    const EvalResult r = evaluateSegmenter(*seg, data, classes, 2, options, quiet);

    ConfusionMatrix expected(3);
    const int evaluatedOf[4] = {1, 0, -1, 2}; // data-set id -> evaluated class
    std::uint64_t greenPixels = 0;
    for (int i = 0; i < 4; ++i) {
        const Sample s = data.get(i);
        const LabelMap pred = seg->score(*seg->encode(s.image), classes).labels;
        for (std::size_t p = 0; p < s.labels.ids.size(); ++p) {
            const int t = evaluatedOf[s.labels.ids[p]];
            if (t < 0) {
                ++greenPixels;
                continue;
            }
            expected.add(t, pred.ids[p] == LabelMap::kVoid ? -1 : int(pred.ids[p]));
        }
    }
    ASSERT_GT(greenPixels, 0u) << "the test images should hold a green square";
    EXPECT_EQ(r.images, 4);
    EXPECT_EQ(r.matrix.toJson(), expected.toJson());
    EXPECT_EQ(r.matrix.total(), 4u * 48u * 48u - greenPixels);
    EXPECT_EQ(r.classNames, (std::vector<std::string>{"red", "background", "blue"}));
    EXPECT_FLOAT_EQ(r.gamma, 0.1f);

    // A class the data set lacks, and an empty evaluation, are clear errors.
    ClassSet unknown = classes;
    unknown.classes.push_back({"pink", vectors[2]});
    EXPECT_THROW(evaluateSegmenter(*seg, data, unknown, 2, options, quiet), Error);
    ShapesDataset none(0, 48, {"background", "red", "green", "blue"});
    EXPECT_THROW(evaluateSegmenter(*seg, none, classes, 2, options, quiet), Error);
}

} // namespace zm::test
