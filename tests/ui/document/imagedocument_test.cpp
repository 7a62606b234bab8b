// ImageDocument: people's pixels win over re-prediction; applyLabels keeps the invariant.
#include "ui/document/imagedocument.h"

#include "core/common/error.h"

#include <QSignalSpy>
#include <gtest/gtest.h>

using namespace zm;
using zm::ui::ImageDocument;

namespace {

zm::LabelMap filled(int w, int h, std::uint16_t id) { return zm::LabelMap(w, h, id); }

} // namespace

TEST(ImageDocument, NewImageIsVoidAndUnconfirmed)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(8, 6, 3));
    EXPECT_EQ(doc.labels().width, 8);
    EXPECT_EQ(doc.labels().height, 6);
    for (auto id : doc.labels().ids)
        EXPECT_EQ(id, LabelMap::kVoid);
    for (auto c : doc.confirmed())
        EXPECT_EQ(c, 0);
    EXPECT_FALSE(doc.isModified());
}

TEST(ImageDocument, ConfirmedPixelsSurviveRePrediction)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(4, 4, 3));
    doc.setPrediction(filled(4, 4, 1), {});
    EXPECT_EQ(doc.labels().at(2, 2), 1);
    // A person sets a 2x2 block to class 7.
    doc.applyLabels(QRect(1, 1, 2, 2), {7, 7, 7, 7}, {1, 1, 1, 1});
    EXPECT_EQ(doc.labels().at(1, 1), 7);
    // A new model predicts class 3 everywhere: only unconfirmed pixels follow it.
    doc.setPrediction(filled(4, 4, 3), std::vector<float>(16, 0.5f));
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            const bool inBlock = x >= 1 && x <= 2 && y >= 1 && y <= 2;
            EXPECT_EQ(doc.labels().at(x, y), inBlock ? 7 : 3) << x << "," << y;
            EXPECT_EQ(doc.confirmed()[std::size_t(y) * 4 + x], inBlock ? 1 : 0);
        }
}

TEST(ImageDocument, UnconfirmingRestoresCurrentPrediction)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(3, 1, 3));
    doc.applyLabels(QRect(0, 0, 3, 1), {5, 5, 5}, {1, 1, 1});
    doc.setPrediction(filled(3, 1, 2), {});
    doc.applyLabels(QRect(1, 0, 1, 1), {5}, {0});
    EXPECT_EQ(doc.labels().at(0, 0), 5);
    EXPECT_EQ(doc.labels().at(1, 0), 2);
}

TEST(ImageDocument, SignalsRegionAndRejectsBadInput)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(4, 4, 3));
    QSignalSpy spy(&doc, &ImageDocument::labelsChanged);
    const auto rev = doc.revision();
    doc.applyLabels(QRect(0, 1, 2, 1), {1, 2}, {1, 1});
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0).at(0).toRect(), QRect(0, 1, 2, 1));
    EXPECT_GT(doc.revision(), rev);
    EXPECT_THROW(doc.applyLabels(QRect(3, 3, 2, 2), {1, 1, 1, 1}, {1, 1, 1, 1}), zm::Error);
    EXPECT_THROW(doc.applyLabels(QRect(0, 0, 2, 1), {1}, {1}), zm::Error);
    EXPECT_THROW(doc.setPrediction(filled(5, 4, 0), {}), zm::Error);
}

TEST(ImageDocument, LoadingAStateIsNotAnEdit)
{
    // The main window marks an image "edited" (and drops its export mark) on edited(); loading saved
    // work must not look like an edit, so setState emits labelsChanged only.
    ImageDocument doc(QStringLiteral("load.png"));
    doc.setImage(zm::Image(4, 3, 3));
    zm::AnnotationState st;
    st.labels = filled(4, 3, 2);
    st.confirmed.assign(12, 1);
    QSignalSpy edited(&doc, &ImageDocument::edited);
    QSignalSpy changed(&doc, &ImageDocument::labelsChanged);
    const auto revision = doc.revision();
    doc.setState(st);
    EXPECT_EQ(edited.count(), 0);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_FALSE(doc.isModified());
    EXPECT_GT(doc.revision(), revision);
    EXPECT_EQ(doc.labels().at(3, 2), 2);
    // A person's change afterwards is one.
    doc.applyLabels(QRect(0, 0, 1, 1), {1}, {1});
    EXPECT_EQ(edited.count(), 1);
}
