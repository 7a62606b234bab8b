// Metrics against hand-computed confusion matrices, both absent-class conventions.
#include "core/common/error.h"
#include "core/eval/confusionmatrix.h"
#include "core/eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace zm;

namespace {

// Rows = truth, columns = prediction.
//   t0: 5 1 0 0
//   t1: 2 3 1 0
//   t2: 1 0 4 0
//   t3: 0 0 0 0   (class 3: no ground truth, never predicted -> absent)
ConfusionMatrix handMatrix()
{
    ConfusionMatrix m(4);
    m.add(0, 0, 5);
    m.add(0, 1, 1);
    m.add(1, 0, 2);
    m.add(1, 1, 3);
    m.add(1, 2, 1);
    m.add(2, 0, 1);
    m.add(2, 2, 4);
    return m;
}

} // namespace

TEST(ConfusionMatrix, AccumulatesLabelMapsAndSkipsIgnore)
{
    LabelMap truth(3, 2), pred(3, 2);
    truth.ids = {0, 0, 1, 1, LabelMap::kVoid, 2};
    pred.ids = {0, 1, 1, LabelMap::kVoid, 2, 2};
    ConfusionMatrix m(3);
    m.add(truth, pred);
    EXPECT_EQ(m.at(0, 0), 1u);
    EXPECT_EQ(m.at(0, 1), 1u);
    EXPECT_EQ(m.at(1, 1), 1u);
    EXPECT_EQ(m.abstained(1), 1u); // abstention = false negative of class 1
    EXPECT_EQ(m.at(2, 2), 1u);
    EXPECT_EQ(m.total(), 5u);      // the ignore pixel is not counted, whatever was predicted there
    EXPECT_EQ(m.truthPixels(1), 2u);
    EXPECT_EQ(m.predictedPixels(2), 1u);
    // A second image accumulates into the same matrix.
    m.add(truth, pred);
    EXPECT_EQ(m.total(), 10u);
    EXPECT_EQ(m.at(0, 1), 2u);
}

TEST(ConfusionMatrix, RejectsBadInputWithoutChangingCounts)
{
    ConfusionMatrix m(2);
    LabelMap truth(2, 1), pred(2, 1), small(1, 1);
    truth.ids = {0, 1};
    pred.ids = {0, 5};
    EXPECT_THROW(m.add(truth, pred), Error);
    EXPECT_EQ(m.total(), 0u);
    EXPECT_THROW(m.add(truth, small), Error);
    truth.ids = {0, 7};
    pred.ids = {0, 1};
    EXPECT_THROW(m.add(truth, pred), Error);
    EXPECT_EQ(m.total(), 0u);
    EXPECT_THROW(m.add(2, 0), Error);
    EXPECT_THROW(ConfusionMatrix(0), Error);
}

TEST(ConfusionMatrix, JsonRoundTripAndMerge)
{
    const ConfusionMatrix m = handMatrix();
    const ConfusionMatrix back = ConfusionMatrix::fromJson(m.toJson());
    ASSERT_EQ(back.numClasses(), 4);
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            EXPECT_EQ(back.at(i, j), m.at(i, j));
    ConfusionMatrix sum = m;
    sum.merge(back);
    EXPECT_EQ(sum.total(), 2 * m.total());
    EXPECT_THROW(sum.merge(ConfusionMatrix(3)), Error);
    EXPECT_THROW(ConfusionMatrix::fromJson(Json{{"classes", 2}, {"counts", {{1, 2}}}}), Error);
}

TEST(Metrics, HandComputedSkipConvention)
{
    MetricOptions o;
    o.seen = {0, 1};
    o.unseen = {2, 3};
    o.absent = AbsentClassPolicy::Skip;
    const SegmentationMetrics r = computeMetrics(handMatrix(), o);
    ASSERT_EQ(r.classes.size(), 4u);
    EXPECT_DOUBLE_EQ(r.classes[0].iou, 5.0 / 9.0); // TP 5, FP 2+1, FN 1
    EXPECT_DOUBLE_EQ(r.classes[1].iou, 3.0 / 7.0); // TP 3, FP 1, FN 3
    EXPECT_DOUBLE_EQ(r.classes[2].iou, 4.0 / 6.0); // TP 4, FP 1, FN 1
    EXPECT_TRUE(r.classes[3].absent());
    const double s = (5.0 / 9.0 + 3.0 / 7.0) / 2.0;
    const double u = 4.0 / 6.0; // class 3 skipped
    EXPECT_DOUBLE_EQ(r.mIoUSeen, s);
    EXPECT_DOUBLE_EQ(r.mIoUUnseen, u);
    EXPECT_DOUBLE_EQ(r.hIoU, 2 * s * u / (s + u));
    EXPECT_DOUBLE_EQ(r.mIoU, (5.0 / 9.0 + 3.0 / 7.0 + 4.0 / 6.0) / 3.0);
    EXPECT_DOUBLE_EQ(r.pixelAccuracy, 12.0 / 17.0);
    EXPECT_DOUBLE_EQ(r.meanAccuracy, (5.0 / 6.0 + 3.0 / 6.0 + 4.0 / 5.0) / 3.0);
    EXPECT_DOUBLE_EQ(r.fwIoU, (6 * 5.0 / 9.0 + 6 * 3.0 / 7.0 + 5 * 4.0 / 6.0) / 17.0);
    EXPECT_EQ(r.seenCount, 2);
    EXPECT_EQ(r.unseenCount, 1);
}

TEST(Metrics, HandComputedZeroConvention)
{
    MetricOptions o;
    o.seen = {0, 1};
    o.unseen = {2, 3};
    o.absent = AbsentClassPolicy::CountAsZero;
    const SegmentationMetrics r = computeMetrics(handMatrix(), o);
    const double s = (5.0 / 9.0 + 3.0 / 7.0) / 2.0;
    const double u = (4.0 / 6.0 + 0.0) / 2.0; // class 3 counts as 0
    EXPECT_DOUBLE_EQ(r.mIoUUnseen, u);
    EXPECT_DOUBLE_EQ(r.hIoU, 2 * s * u / (s + u));
    EXPECT_DOUBLE_EQ(r.mIoU, (5.0 / 9.0 + 3.0 / 7.0 + 4.0 / 6.0) / 4.0);
    EXPECT_DOUBLE_EQ(r.meanAccuracy, (5.0 / 6.0 + 3.0 / 6.0 + 4.0 / 5.0) / 4.0);
    EXPECT_DOUBLE_EQ(r.pixelAccuracy, 12.0 / 17.0); // unaffected by the convention
    EXPECT_EQ(r.unseenCount, 2);
}

TEST(Metrics, PredictedButAbsentClassIsZeroUnderBothConventions)
{
    // Class 2 has no ground truth but is predicted once: IoU = 0/1, defined, so nanmean keeps it.
    ConfusionMatrix m(3);
    m.add(0, 0, 4);
    m.add(1, 1, 3);
    m.add(1, 2, 1);
    for (auto policy : {AbsentClassPolicy::Skip, AbsentClassPolicy::CountAsZero}) {
        MetricOptions o;
        o.absent = policy;
        const auto r = computeMetrics(m, o);
        EXPECT_FALSE(r.classes[2].absent());
        EXPECT_DOUBLE_EQ(r.classes[2].iou, 0.0);
        EXPECT_DOUBLE_EQ(r.mIoU, (1.0 + 0.75 + 0.0) / 3.0);
        EXPECT_TRUE(std::isnan(r.mIoUUnseen)); // no unseen classes given
        EXPECT_TRUE(std::isnan(r.hIoU));
    }
}

TEST(Metrics, ExcludedClassesStayOutOfTheMeans)
{
    // SPNet protocol: background (id 0) is neither seen nor unseen.
    MetricOptions o;
    o.seen = {1};
    o.unseen = {2, 3};
    const auto r = computeMetrics(handMatrix(), o);
    EXPECT_EQ(r.classes[0].role, ClassRole::Excluded);
    EXPECT_DOUBLE_EQ(r.mIoUSeen, 3.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.mIoU, (3.0 / 7.0 + 4.0 / 6.0) / 2.0);
}

TEST(Metrics, HarmonicMeanAndBadOptions)
{
    EXPECT_DOUBLE_EQ(harmonicMean(0.78, 0.156), 2 * 0.78 * 0.156 / (0.78 + 0.156));
    EXPECT_DOUBLE_EQ(harmonicMean(0.5, 0.0), 0.0);
    EXPECT_DOUBLE_EQ(harmonicMean(0.0, 0.0), 0.0);
    MetricOptions o;
    o.seen = {0, 1};
    o.unseen = {1};
    EXPECT_THROW(computeMetrics(handMatrix(), o), Error);
    o.unseen = {9};
    EXPECT_THROW(computeMetrics(handMatrix(), o), Error);
    MetricOptions names;
    names.classNames = {"a", "b"};
    EXPECT_THROW(computeMetrics(handMatrix(), names), Error);
    EXPECT_EQ(parseAbsentPolicy("zero"), AbsentClassPolicy::CountAsZero);
    EXPECT_EQ(parseAbsentPolicy("skip"), AbsentClassPolicy::Skip);
    EXPECT_THROW(parseAbsentPolicy("maybe"), Error);
}

TEST(Metrics, ReportsNameTheConvention)
{
    MetricOptions o;
    o.classNames = {"background", "cat", "dog", "cow"};
    o.seen = {0, 1};
    o.unseen = {2, 3};
    o.absent = AbsentClassPolicy::CountAsZero;
    const auto r = computeMetrics(handMatrix(), o);
    const std::string table = metricsTable(r);
    EXPECT_NE(table.find("nan_to_num"), std::string::npos);
    EXPECT_NE(table.find("cow"), std::string::npos);
    EXPECT_NE(table.find("absent"), std::string::npos);
    const Json j = metricsToJson(r);
    EXPECT_EQ(j["absent_policy"], "zero");
    EXPECT_TRUE(j["classes"][3]["iou"].is_null());
    EXPECT_DOUBLE_EQ(j["miou_unseen"].get<double>(), (4.0 / 6.0) / 2.0);
    o.absent = AbsentClassPolicy::Skip;
    EXPECT_NE(metricsTable(computeMetrics(handMatrix(), o)).find("nanmean"), std::string::npos);
}
