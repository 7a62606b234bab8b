// OverlayRenderer: colours from the table, hidden classes and void transparent, outline mode,
// partial updates touch only their region.
#include "ui/canvas/overlayrenderer.h"
#include "ui/model/classlistmodel.h"

#include <gtest/gtest.h>

using namespace zm;

namespace {

LabelMap halves(int w, int h, std::uint16_t left, std::uint16_t right)
{
    LabelMap m(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at(x, y) = x < w / 2 ? left : right;
    return m;
}

} // namespace

TEST(OverlayRenderer, FillsWithClassColoursAndLeavesVoidTransparent)
{
    ui::OverlayRenderer r;
    r.setColor(3, QColor(255, 0, 0));
    r.setColor(7, QColor(0, 0, 255));
    LabelMap m = halves(8, 4, 3, 7);
    m.at(0, 0) = LabelMap::kVoid;
    QImage out;
    r.render(m, out);
    ASSERT_EQ(out.size(), QSize(8, 4));
    EXPECT_EQ(out.format(), QImage::Format_ARGB32_Premultiplied);
    EXPECT_EQ(qAlpha(out.pixel(0, 0)), 0);
    EXPECT_EQ(out.pixel(1, 0), qRgb(255, 0, 0));
    EXPECT_EQ(out.pixel(7, 3), qRgb(0, 0, 255));
}

TEST(OverlayRenderer, HiddenClassesAreTransparent)
{
    ui::ClassListModel model;
    const auto a = model.addClass(QStringLiteral("a"), {1, 0});
    const auto b = model.addClass(QStringLiteral("b"), {0, 1});
    model.setVisible(a, false);
    ui::OverlayRenderer r;
    r.setClasses(model);
    QImage out;
    r.render(halves(6, 2, a, b), out);
    EXPECT_EQ(qAlpha(out.pixel(0, 0)), 0);
    EXPECT_EQ(QColor(out.pixel(5, 0)).rgb(), model.find(b)->color.rgb());
}

TEST(OverlayRenderer, OutlineDrawsOnlyBoundaries)
{
    ui::OverlayRenderer r;
    r.setColor(1, QColor(255, 0, 0));
    r.setColor(2, QColor(0, 255, 0));
    r.setOutline(true);
    QImage out;
    r.render(halves(10, 3, 1, 2), out);
    // Column 4 (left of the boundary) is drawn, interiors are not.
    for (int y = 0; y < 3; ++y) {
        EXPECT_EQ(out.pixel(4, y), qRgb(255, 0, 0)) << y;
        EXPECT_EQ(qAlpha(out.pixel(1, y)), 0);
        EXPECT_EQ(qAlpha(out.pixel(8, y)), 0);
    }
}

TEST(OverlayRenderer, RegionUpdateTouchesOnlyTheRegion)
{
    ui::OverlayRenderer r;
    r.setColor(1, QColor(255, 0, 0));
    r.setColor(2, QColor(0, 255, 0));
    LabelMap m(20, 20, 1);
    QImage out;
    r.render(m, out);
    // Change the whole map but render only a 4x4 region: only it follows.
    std::fill(m.ids.begin(), m.ids.end(), std::uint16_t(2));
    const QRect written = r.render(m, out, QRect(5, 5, 4, 4));
    EXPECT_EQ(written, QRect(5, 5, 4, 4));
    EXPECT_EQ(out.pixel(6, 6), qRgb(0, 255, 0));
    EXPECT_EQ(out.pixel(0, 0), qRgb(255, 0, 0));
    EXPECT_EQ(out.pixel(9, 9), qRgb(255, 0, 0));
}

TEST(OverlayRenderer, EmptyLabelsGiveNoImage)
{
    ui::OverlayRenderer r;
    QImage out(4, 4, QImage::Format_ARGB32_Premultiplied);
    r.render(LabelMap(), out);
    EXPECT_TRUE(out.isNull());
}

TEST(OverlayRenderer, ConfirmedAndPredictedPixelsOfOneClassDiffer)
{
    ui::OverlayRenderer r;
    r.setColor(1, QColor(200, 40, 40));
    const LabelMap m(6, 2, 1);                     // one class everywhere
    std::vector<std::uint8_t> confirmed(12, 0);
    confirmed[0] = confirmed[7] = 1;               // (0,0) and (1,1) set by a person
    QImage alike, lighter, only;
    r.render(m, alike, {}, &confirmed);
    EXPECT_EQ(alike.pixel(0, 0), alike.pixel(3, 0)); // default: no difference

    r.setConfirmedStyle(ui::OverlayRenderer::ConfirmedStyle::PredictedLighter);
    r.render(m, lighter, {}, &confirmed);
    EXPECT_EQ(lighter.pixel(0, 0), qRgb(200, 40, 40));
    EXPECT_EQ(lighter.pixel(1, 1), qRgb(200, 40, 40));
    const QRgb p = lighter.pixelColor(3, 0).rgba();
    EXPECT_NE(p, lighter.pixelColor(0, 0).rgba());
    EXPECT_NEAR(qAlpha(p), 255 * ui::OverlayRenderer::kPredictedAlpha, 1.0);
    // Same hue: lighter, not another colour.
    EXPECT_NEAR(qRed(p), 200, 2);
    EXPECT_NEAR(qGreen(p), 40, 2);

    r.setConfirmedStyle(ui::OverlayRenderer::ConfirmedStyle::ConfirmedOnly);
    r.render(m, only, {}, &confirmed);
    EXPECT_EQ(only.pixel(0, 0), qRgb(200, 40, 40));
    EXPECT_EQ(qAlpha(only.pixel(3, 0)), 0);
    EXPECT_EQ(qAlpha(only.pixel(5, 1)), 0);
    // A colour set after the style follows it.
    r.setColor(2, QColor(0, 0, 255));
    EXPECT_EQ(r.predictedColorOf(2), 0u);
    // Without confirmed bits (or with bits of the wrong size) every pixel counts as confirmed.
    QImage noBits;
    r.render(m, noBits);
    EXPECT_EQ(noBits.pixel(3, 0), qRgb(200, 40, 40));
    std::vector<std::uint8_t> wrong(5, 0);
    r.render(m, noBits, {}, &wrong);
    EXPECT_EQ(noBits.pixel(3, 0), qRgb(200, 40, 40));
}

TEST(OverlayRenderer, OutlineOfPredictedPixelsIsLighterToo)
{
    ui::OverlayRenderer r;
    r.setColor(1, QColor(255, 0, 0));
    r.setColor(2, QColor(0, 255, 0));
    r.setOutline(true);
    r.setConfirmedStyle(ui::OverlayRenderer::ConfirmedStyle::PredictedLighter);
    const LabelMap m = halves(10, 2, 1, 2);
    std::vector<std::uint8_t> confirmed(20, 0);
    confirmed[4] = 1; // (4,0) confirmed, (4,1) predicted: both on the boundary
    QImage out;
    r.render(m, out, {}, &confirmed);
    EXPECT_EQ(out.pixel(4, 0), qRgb(255, 0, 0));
    EXPECT_LT(qAlpha(out.pixel(4, 1)), 255);
    EXPECT_GT(qAlpha(out.pixel(4, 1)), 0);
}
