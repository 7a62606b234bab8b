// The Segmenter scores models of the generative methods (zs3 / cagnet / vm) through their
// class-vector-conditioned classifier on backbone features, with the same up-sampling and calibration.
#include "enginefixture.h"

#include "core/engine/featuremapimpl.h"
#include "core/engine/generative/generative.h"
#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

namespace zm::test {

TEST_F(EngineTest, SegmenterScoresGenerativeModels)
{
    generative::GenerativeOptions g;
    g.noiseDim = 8;
    g.generatorHidden = 16;
    g.generatorSteps = 4;
    g.classifierSteps = 4;
    g.classifierHidden = 8;
    g.samplesPerClass = 16;
    g.maxRealPixels = 128;
    g.checkpointEvery = 0;
    generative::registerGenerativeMethods(g);
    ShapesDataset data(6, 64, {"background", "red", "green", "blue"});
    TrainingData td;
    td.labelled = &data;
    td.split.name = "shapes";
    td.split.seen = {"background", "red", "green"};
    td.split.unseen = {"blue"};
    td.classVectors = randomVectors(4, 16);
    td.space = testSpace();
    TempDir dir;
    TrainerOptions o;
    o.method = "zs3";
    o.backboneOverrides = tinyOverrides();
    o.iterations = 3;
    o.batchSize = 2;
    o.cropSize = 64;
    o.calibrate = false;
    o.device = "cpu";
    o.outDir = dir / "m";
    NullProgress p;
    trainModel(td, o, p);
    auto seg = Segmenter::load(dir / "m");
    EXPECT_EQ(seg->card().method, "zs3");
    auto f = seg->encode(data.get(0).image);
    ASSERT_TRUE(f->impl().features.defined());
    EXPECT_EQ(f->impl().features.size(0), tinyBackbone().featureDim());
    ClassSet cs;
    for (int i = 0; i < 4; ++i)
        cs.classes.push_back({data.classNames()[std::size_t(i)], td.classVectors[std::size_t(i)]});
    const auto r = seg->score(*f, cs);
    EXPECT_EQ(r.labels.width, 64);
    for (auto id : r.labels.ids)
        ASSERT_LT(id, 4);
    // Any new vector works too (the classifier is computed from the vector).
    cs.classes.push_back({"new", randomVectors(1, 16, 99)[0]});
    EXPECT_NO_THROW(seg->score(*f, cs));
}

} // namespace zm::test
