// CanvasView: keys reach the active tool first (polygon Enter / Backspace / Escape), and the overlay
// draws confirmed and predicted pixels of one class differently when asked.
#include "ui/canvas/canvasview.h"
#include "ui/document/imagedocument.h"
#include "ui/edit/polygontool.h"
#include "ui/model/classlistmodel.h"

#include <QTest>
#include <gtest/gtest.h>

using namespace zm;
using namespace zm::ui;

namespace {

std::size_t countId(const ImageDocument& d, std::uint16_t id)
{
    std::size_t n = 0;
    for (auto v : d.labels().ids)
        n += v == id;
    return n;
}

} // namespace

TEST(CanvasView, KeysGoToTheActiveToolFirst)
{
    ImageDocument doc(QStringLiteral("keys.png"));
    doc.setImage(Image(20, 20, 3));
    CanvasView view;
    view.resize(200, 200);
    view.setDocument(&doc);
    PolygonTool poly;
    poly.setClassId(3);
    view.setTool(&poly);
    ASSERT_EQ(poly.document(), &doc);

    for (QPointF p : {QPointF(2, 2), QPointF(9, 2), QPointF(9, 9), QPointF(2, 9), QPointF(15, 15)})
        poly.press(p, Qt::LeftButton, Qt::NoModifier);
    ASSERT_EQ(poly.vertices().size(), 5);
    // Backspace drops the last vertex, Enter closes and fills: through the canvas's key handler.
    QTest::keyClick(&view, Qt::Key_Backspace);
    EXPECT_EQ(poly.vertices().size(), 4);
    QTest::keyClick(&view, Qt::Key_Return);
    EXPECT_TRUE(poly.vertices().isEmpty());
    EXPECT_EQ(countId(doc, 3), 49u);
    EXPECT_EQ(doc.undoStack()->count(), 1);

    // Escape abandons a polygon in progress: nothing is filled.
    for (QPointF p : {QPointF(12, 12), QPointF(18, 12), QPointF(18, 18)})
        poly.press(p, Qt::LeftButton, Qt::NoModifier);
    QTest::keyClick(&view, Qt::Key_Escape);
    EXPECT_TRUE(poly.vertices().isEmpty());
    QTest::keyClick(&view, Qt::Key_Enter);
    EXPECT_EQ(doc.undoStack()->count(), 1);

    // A key the tool does not use is not swallowed by it (the view scrolls, shortcuts still work).
    QKeyEvent other(QEvent::KeyPress, Qt::Key_X, Qt::NoModifier, QStringLiteral("x"));
    other.ignore();
    QCoreApplication::sendEvent(&view, &other);
    EXPECT_FALSE(other.isAccepted());

    // Without a tool the keys do nothing to the document.
    view.setTool(nullptr);
    QTest::keyClick(&view, Qt::Key_Return);
    EXPECT_EQ(doc.undoStack()->count(), 1);
}

TEST(CanvasView, OverlayDrawsConfirmedAndPredictedPixelsDifferently)
{
    ClassListModel classes;
    const std::uint16_t cat = classes.addClass(QStringLiteral("cat"), {1, 0});
    ImageDocument doc(QStringLiteral("styles.png"));
    doc.setImage(Image(8, 4, 3));
    // The model predicts "cat" everywhere; a person confirms the 2x2 top-left block as "cat" too.
    doc.setPrediction(LabelMap(8, 4, cat), std::vector<float>(32, 0.9f));
    doc.applyLabels(QRect(0, 0, 2, 2), std::vector<std::uint16_t>(4, cat), std::vector<std::uint8_t>(4, 1));
    ASSERT_EQ(doc.labels().at(0, 0), cat);
    ASSERT_EQ(doc.labels().at(5, 3), cat);

    CanvasView view;
    view.setClassModel(&classes);
    view.setDocument(&doc);
    const QRgb full = qPremultiply(classes.find(cat)->color.rgba());
    EXPECT_EQ(view.overlayImage().pixel(0, 0), view.overlayImage().pixel(5, 3)); // alike by default

    const quint64 renders = view.renderCount();
    view.setConfirmedStyle(OverlayRenderer::ConfirmedStyle::PredictedLighter);
    EXPECT_GT(view.renderCount(), renders); // the style change re-renders
    const QImage lighter = view.overlayImage();
    EXPECT_EQ(lighter.pixel(1, 1), qUnpremultiply(full) | 0xff000000u);
    EXPECT_NE(lighter.pixelColor(5, 3).rgba(), lighter.pixelColor(1, 1).rgba());
    EXPECT_LT(qAlpha(lighter.pixel(5, 3)), qAlpha(lighter.pixel(1, 1)));
    EXPECT_GT(qAlpha(lighter.pixel(5, 3)), 0);

    view.setConfirmedStyle(OverlayRenderer::ConfirmedStyle::ConfirmedOnly);
    EXPECT_GT(qAlpha(view.overlayImage().pixel(1, 1)), 0);
    EXPECT_EQ(qAlpha(view.overlayImage().pixel(5, 3)), 0);

    // An edit that confirms more pixels updates the overlay in that region.
    doc.applyLabels(QRect(6, 2, 2, 2), std::vector<std::uint16_t>(4, cat), std::vector<std::uint8_t>(4, 1));
    EXPECT_GT(qAlpha(view.overlayImage().pixel(7, 3)), 0);
    EXPECT_EQ(qAlpha(view.overlayImage().pixel(5, 3)), 0);
    view.setDocument(nullptr);
}
