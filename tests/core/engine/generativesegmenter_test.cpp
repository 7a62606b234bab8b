// The Segmenter scores models of the generative methods (zs3 / cagnet / vm) through their
// class-vector-conditioned classifier on backbone features, with the same up-sampling and calibration.
#include "enginefixture.h"

#include "core/engine/featuremapimpl.h"
#include "core/engine/generative/generative.h"
#include "core/engine/generative/generativemodel.h"
#include "core/engine/scoring.h"
#include "core/engine/segnet.h"
#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

#include <cmath>

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
    const TrainingData td = shapesData(data);
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
    // score() (fused row kernel on the classifier's weights) agrees with the model's own logits,
    // upsampled by the reference path, with and without a temperature; so do the kept probabilities.
    const auto model = generative::GenerativeModel::load(dir / "m" / "generative.pt");
    std::vector<std::vector<float>> rows;
    for (const auto& c : cs.classes)
        rows.push_back(c.vector);
    const auto m = normalizedRows(vectorsToTensor(rows, 16, "test"));
    const auto logits = model->logits(f->impl().features.unsqueeze(0), m).squeeze(0);
    for (double t : {std::nan(""), 3.0}) {
        ScoreOptions so;
        so.temperature = t;
        so.gamma = 0;
        so.keepProbabilities = true;
        const auto got = seg->score(*f, cs, so);
        const auto scaled = std::isnan(t) ? logits : logits * t;
        UpsampleArgmax p2;
        p2.outWidth = p2.outHeight = 64;
        p2.scaleX = p2.scaleY = double(f->impl().inputWidth) / (double(f->impl().stride) * 64);
        p2.offset.assign(4, 0.0f);
        p2.labelOf = {0, 1, 2, 3};
        p2.voidLabel = LabelMap::kVoid;
        std::vector<std::uint16_t> want(64 * 64);
        upsampleArgmax(scaled, p2, want.data(), nullptr);
        int mismatches = 0;
        for (std::size_t i = 0; i < want.size(); ++i)
            mismatches += got.labels.ids[i] != want[i];
        EXPECT_LE(mismatches, 2) << "temperature " << t;
        const auto probs = at::softmax(scaled, 0).contiguous();
        ASSERT_EQ(got.probabilities.size(), std::size_t(probs.numel()));
        const float* pp = probs.data_ptr<float>();
        float worst = 0;
        for (std::size_t i = 0; i < got.probabilities.size(); ++i)
            worst = std::max(worst, std::abs(got.probabilities[i] - pp[i]));
        EXPECT_LT(worst, 1e-4f) << "temperature " << t;
    }
    // Any new vector works too (the classifier is computed from the vector).
    cs.classes.push_back({"new", randomVectors(1, 16, 99)[0]});
    EXPECT_NO_THROW(seg->score(*f, cs));
}

} // namespace zm::test
