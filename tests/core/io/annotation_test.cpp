// People's pixels win: re-prediction changes only unconfirmed pixels; class merges keep identity.
#include "core/common/error.h"
#include "core/io/annotation.h"

#include <gtest/gtest.h>

using namespace zm;

TEST(Annotation, ConfirmedPixelsSurviveRePrediction)
{
    AnnotationState s = stateFromPrediction(LabelMap(4, 3, 0));
    std::vector<std::uint8_t> mask(12, 0);
    mask[5] = mask[6] = 1;
    s = paint(s, mask, 2);
    const LabelMap next(4, 3, 1);
    const AnnotationState merged = mergePrediction(s, next);
    for (std::size_t i = 0; i < 12; ++i) {
        if (mask[i]) {
            EXPECT_EQ(merged.labels.ids[i], 2) << i;
            EXPECT_EQ(merged.confirmed[i], 1) << i;
        } else {
            EXPECT_EQ(merged.labels.ids[i], 1) << i;
            EXPECT_EQ(merged.confirmed[i], 0) << i;
        }
    }
    EXPECT_EQ(merged.predicted, next);
    EXPECT_EQ(s.labels.ids[0], 0); // pure: the input is unchanged
}

TEST(Annotation, ConfirmedVoidStaysVoid)
{
    AnnotationState s = stateFromPrediction(LabelMap(2, 1, 0));
    s = paint(s, {1, 0}, LabelMap::kVoid); // the eraser is a person's decision too
    const auto merged = mergePrediction(s, LabelMap(2, 1, 3));
    EXPECT_EQ(merged.labels.ids[0], LabelMap::kVoid);
    EXPECT_EQ(merged.labels.ids[1], 3);
}

TEST(Annotation, NewClassOrderDoesNotChangeConfirmedIdentity)
{
    // Classes re-ordered in the class set: index 0 is now id 5, index 1 is id 2. Stable ids map back.
    AnnotationState s = stateFromPrediction(LabelMap(2, 1, 2));
    s = paint(s, {1, 0}, 2);
    LabelMap indices(2, 1);
    indices.ids = {0, 1};
    const auto merged = mergePrediction(s, indicesToIds(indices, {5, 2}));
    EXPECT_EQ(merged.labels.ids[0], 2);
    EXPECT_EQ(merged.labels.ids[1], 2);
    EXPECT_THROW(indicesToIds(indices, {5}), Error);
}

TEST(Annotation, MergingClassesKeepsConfirmedPixels)
{
    AnnotationState s = stateFromPrediction(LabelMap(3, 1, 1));
    s = paint(s, {1, 1, 0}, 4);
    const auto merged = remapIds(s, {{4, 7}});
    EXPECT_EQ(merged.labels.ids, (std::vector<std::uint16_t>{7, 7, 1}));
    EXPECT_EQ(merged.confirmed, (std::vector<std::uint8_t>{1, 1, 0}));
    const auto deleted = remapIds(s, {{4, LabelMap::kVoid}});
    EXPECT_EQ(deleted.confirmed, (std::vector<std::uint8_t>{0, 0, 0}));
}

TEST(Annotation, SizeMismatchIsRefused)
{
    const AnnotationState s = stateFromPrediction(LabelMap(4, 3, 0));
    EXPECT_THROW(mergePrediction(s, LabelMap(3, 4, 0)), Error);
    EXPECT_EQ(mergePrediction(AnnotationState{}, LabelMap(3, 4, 0)).labels.width, 3);
}

TEST(Annotation, ImportConfirmsLabelledPixels)
{
    LabelMap m(2, 1, 0);
    m.ids[1] = LabelMap::kVoid;
    const auto s = stateFromImport(m);
    EXPECT_EQ(s.confirmed, (std::vector<std::uint8_t>{1, 0}));
}
