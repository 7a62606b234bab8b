// "Suggest names": the large void regions of a label map (4-connected, largest first, small ones
// left out), and the controller proposing words per region from a synthetic feature map (the fake
// colour model: a pixel's feature is its unit RGB vector).
#include "ui/engine/voidregions.h"
#include "ui/canvas/canvasview.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/document/imagedocument.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/classespanel.h"
#include "tests/ui/support/uitest.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>
#include <gtest/gtest.h>

using namespace zm;
using namespace zm::ui;

namespace {
constexpr auto V = LabelMap::kVoid;

/// 60x40: red everywhere except a green block (600 px) and a blue block (300 px), far apart, and a
/// green speck of 4 px (too small to suggest anything for).
Image suggestImage()
{
    Image img(60, 40, 3);
    auto paint = [&](int x0, int y0, int x1, int y1, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
                std::uint8_t* p = img.row(y) + x * 3;
                p[0] = r, p[1] = g, p[2] = b;
            }
    };
    paint(0, 0, 60, 40, 220, 10, 10);
    paint(2, 2, 32, 22, 10, 200, 10);
    paint(40, 20, 55, 40, 10, 10, 230);
    paint(50, 2, 52, 4, 10, 200, 10);
    return img;
}
} // namespace

TEST(VoidRegions, LargestFirstFourConnectedAndSmallOnesLeftOut)
{
    // 10x6: class 1 background; void regions: A (3x4 = 12 px, U-shaped merge case), B (2x3 = 6 px),
    // C (1 px), and D touching B only at a corner (2 px).
    LabelMap m(10, 6, 1);
    auto set = [&](int x, int y) { m.at(x, y) = V; };
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 3; ++x)
            set(x, y);
    m.at(1, 0) = 1; // A's top is a "U": its two arms meet lower down (union of two provisional labels)
    for (int y = 2; y < 5; ++y)
        for (int x = 6; x < 8; ++x)
            set(x, y);
    set(9, 0);            // C
    set(8, 5), set(9, 5); // D: touches B's (7,4) only diagonally
    const LabelRegions r = largeRegions(m, V, 2, 10);
    ASSERT_EQ(r.regions.size(), 3u); // C (1 px) is below the minimum
    EXPECT_EQ(r.regions[0].area, 11);
    EXPECT_EQ(r.regions[0].left, 0);
    EXPECT_EQ(r.regions[0].right, 2);
    EXPECT_EQ(r.regions[0].bottom, 3);
    EXPECT_EQ(r.regions[1].area, 6);
    EXPECT_NEAR(r.regions[1].cx, 6.5, 1e-9);
    EXPECT_NEAR(r.regions[1].cy, 3.0, 1e-9);
    EXPECT_EQ(r.regions[2].area, 2);
    // The map holds region indices, everything else void.
    EXPECT_EQ(r.map.at(0, 0), 0);
    EXPECT_EQ(r.map.at(2, 0), 0); // the other arm of the U: the same region
    EXPECT_EQ(r.map.at(7, 4), 1);
    EXPECT_EQ(r.map.at(9, 5), 2);
    EXPECT_EQ(r.map.at(9, 0), V);
    EXPECT_EQ(r.map.at(5, 5), V);
    // At most maxRegions, the largest ones.
    const LabelRegions two = largeRegions(m, V, 1, 2);
    ASSERT_EQ(two.regions.size(), 2u);
    EXPECT_EQ(two.regions[1].area, 6);
    EXPECT_EQ(two.map.at(9, 5), V);
    EXPECT_TRUE(largeRegions(LabelMap(4, 4, 1), V, 1, 5).regions.empty());
}

TEST(VoidRegions, ControllerSuggestsNamesPerRegionAndThePanelAddsOne)
{
    test::isolateSettings();
    const Image img = suggestImage();

    ClassListModel classes;
    SegmentationController c(&classes);
    c.setBackend(std::make_shared<test::FakeBackend>());
    c.setEmbedder(std::make_shared<test::FakeEmbedder>());
    c.setVoidThreshold(0.9f); // only "red" is a class: green and blue pixels stay void
    ImageDocument doc(QStringLiteral("suggest.png"));
    doc.setImage(img);
    c.setCurrent(&doc, QStringLiteral("suggest.png|1"));
    const std::uint16_t red = c.addClass(QStringLiteral("red"));
    ASSERT_TRUE(test::waitFor([&] { return !doc.predicted().empty() && !c.isBusy(); }));
    ASSERT_EQ(doc.labels().at(0, 0), red);
    ASSERT_EQ(doc.labels().at(10, 10), V);

    QSignalSpy spy(&c, &SegmentationController::voidSuggestions);
    c.suggestForVoid(3, 5, 0.01);
    ASSERT_TRUE(spy.wait(10000));
    const auto regions = spy.at(0).at(0).value<QList<VoidRegionSuggestion>>();
    ASSERT_EQ(regions.size(), 2); // the 4-pixel speck is below 1 % and 64 px
    EXPECT_EQ(regions[0].area, 600);
    EXPECT_EQ(regions[0].bounds, QRect(2, 2, 30, 20));
    EXPECT_NEAR(regions[0].share, 600.0 / 2400.0, 1e-9);
    EXPECT_EQ(regions[1].area, 300);
    ASSERT_EQ(regions[0].words.size(), 3);
    ASSERT_EQ(regions[0].cosines.size(), 3);
    // Nearest words to each region's mean feature: the green block -> green / grass, blue -> blue / sky.
    EXPECT_TRUE(regions[0].words.mid(0, 2).contains(QStringLiteral("green"))) << regions[0].words.join(',').toStdString();
    EXPECT_TRUE(regions[0].words.mid(0, 2).contains(QStringLiteral("grass")));
    EXPECT_TRUE(regions[1].words.mid(0, 2).contains(QStringLiteral("blue"))) << regions[1].words.join(',').toStdString();
    EXPECT_GE(regions[0].cosines[0], regions[0].cosines[1]);

    // The panel lists the regions with their words; clicking a word adds it as a class, which
    // then takes that region in the next prediction.
    ClassesPanel panel(&classes, &c);
    QSignalSpy shown(&panel, &ClassesPanel::regionActivated);
    panel.suggestButton()->click();
    QTreeWidget* tree = panel.suggestions();
    ASSERT_TRUE(test::waitFor([&] { return tree->topLevelItemCount() == 2; }));
    QTreeWidgetItem* second = tree->topLevelItem(1);
    ASSERT_GE(second->childCount(), 1);
    QTreeWidgetItem* blue = nullptr;
    for (int i = 0; i < second->childCount(); ++i)
        if (second->child(i)->text(0) == QStringLiteral("blue"))
            blue = second->child(i);
    ASSERT_NE(blue, nullptr);
    Q_EMIT tree->itemClicked(tree->topLevelItem(0), 0); // a region row shows the region
    ASSERT_EQ(shown.count(), 1);
    EXPECT_EQ(shown.at(0).at(0).toRect(), QRect(2, 2, 30, 20));
    Q_EMIT tree->itemClicked(blue, 0);
    ASSERT_EQ(classes.rowCount(), 2);
    EXPECT_EQ(classes.at(1).name, QStringLiteral("blue"));
    EXPECT_EQ(second->text(1), QStringLiteral("added"));
    const std::uint16_t blueId = classes.at(1).id;
    ASSERT_TRUE(test::waitFor([&] { return doc.labels().at(45, 30) == blueId && !c.isBusy(); }));
    EXPECT_EQ(doc.labels().at(10, 10), V); // the green region is still unnamed
}

TEST(VoidRegions, SwitchingImagesDropsPendingAndShownSuggestions)
{
    test::isolateSettings();
    ClassListModel classes;
    SegmentationController c(&classes);
    c.setBackend(std::make_shared<test::FakeBackend>());
    c.setEmbedder(std::make_shared<test::FakeEmbedder>());
    c.setVoidThreshold(0.9f);
    ImageDocument a(QStringLiteral("a.png")), b(QStringLiteral("b.png"));
    a.setImage(suggestImage());
    b.setImage(suggestImage());
    c.setCurrent(&a, QStringLiteral("a.png|1"));
    c.addClass(QStringLiteral("red"));
    ASSERT_TRUE(test::waitFor([&] { return !a.predicted().empty() && !c.isBusy(); }));

    ClassesPanel panel(&classes, &c);
    QTreeWidget* tree = panel.suggestions();
    QSignalSpy answers(&c, &SegmentationController::voidSuggestions);
    QSignalSpy dropped(&c, &SegmentationController::voidSuggestionsDropped);

    // Pending: the person asks on image A, then moves to B before the answer comes. A's regions are
    // never listed beside B, and the button is usable again.
    panel.suggestButton()->click();
    EXPECT_FALSE(panel.suggestButton()->isEnabled());
    c.setCurrent(&b, QStringLiteral("b.png|1"));
    ASSERT_TRUE(dropped.wait(10000));
    EXPECT_EQ(answers.count(), 0);
    EXPECT_EQ(tree->topLevelItemCount(), 0);
    EXPECT_TRUE(tree->isHidden());
    EXPECT_TRUE(panel.suggestButton()->isEnabled());

    // Shown: B's answer is listed; going back to A clears and hides it.
    ASSERT_TRUE(test::waitFor([&] { return !b.predicted().empty() && !c.isBusy(); }));
    panel.suggestButton()->click();
    ASSERT_TRUE(test::waitFor([&] { return tree->topLevelItemCount() == 2; }));
    EXPECT_FALSE(tree->isHidden());
    c.setCurrent(&a, QStringLiteral("a.png|1"));
    EXPECT_EQ(tree->topLevelItemCount(), 0);
    EXPECT_TRUE(tree->isHidden());
    EXPECT_TRUE(panel.suggestButton()->isEnabled());

    // A newer request supersedes an older one on the same image: only the last answer arrives.
    ASSERT_TRUE(test::waitFor([&] { return !c.isBusy(); }));
    answers.clear();
    dropped.clear();
    c.suggestForVoid();
    c.suggestForVoid();
    ASSERT_TRUE(answers.wait(10000));
    QTest::qWait(100);
    EXPECT_EQ(answers.count(), 1);
    EXPECT_EQ(dropped.count(), 0);
}

TEST(VoidRegions, CanvasForgetsTheRegionMarkOnAnotherImage)
{
    ImageDocument a(QStringLiteral("a.png")), b(QStringLiteral("b.png"));
    a.setImage(suggestImage());
    b.setImage(suggestImage());
    CanvasView canvas;
    canvas.resize(200, 150);
    canvas.setDocument(&a);
    canvas.showRegion(QRect(2, 2, 30, 20));
    EXPECT_TRUE(canvas.isRegionShown());
    canvas.setDocument(&b);
    EXPECT_FALSE(canvas.isRegionShown());
    canvas.showRegion(QRect(2, 2, 30, 20));
    EXPECT_TRUE(canvas.isRegionShown());
    canvas.setDocument(nullptr);
    EXPECT_FALSE(canvas.isRegionShown());
}
