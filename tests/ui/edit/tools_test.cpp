// Editing tools on an ImageDocument: strokes merge into one undo step that stores only the changed
// tiles, flood fill respects holes, polygon fill, accept, replace, eraser, people's pixels win.
#include "ui/document/imagedocument.h"
#include "ui/edit/accepttool.h"
#include "ui/edit/brushtool.h"
#include "ui/edit/editcommands.h"
#include "ui/edit/filltool.h"
#include "ui/edit/polygontool.h"
#include "ui/edit/replacetool.h"

#include <QSignalSpy>
#include <gtest/gtest.h>

using namespace zm;
using namespace zm::ui;

namespace {

constexpr auto kVoid = LabelMap::kVoid;

std::unique_ptr<ImageDocument> makeDoc(int w, int h)
{
    auto doc = std::make_unique<ImageDocument>(QStringLiteral("test.png"));
    doc->setImage(Image(w, h, 3));
    return doc;
}

std::size_t countId(const ImageDocument& d, std::uint16_t id)
{
    std::size_t n = 0;
    for (auto v : d.labels().ids)
        n += v == id;
    return n;
}

void stroke(Tool& t, std::initializer_list<QPointF> pts, Qt::MouseButton b = Qt::LeftButton,
            Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    auto it = pts.begin();
    t.press(*it, b, mods);
    for (++it; it != pts.end(); ++it)
        t.move(*it, b, mods);
    t.release(*(pts.end() - 1), b, mods);
}

} // namespace

TEST(BrushTool, OneStrokeIsOneUndoStepStoringOnlyTheChangedTiles)
{
    auto doc = makeDoc(1024, 1024);
    BrushTool brush;
    brush.setDocument(doc.get());
    brush.setClassId(4);
    brush.setSize(5);
    stroke(brush, {{100.5, 100.5}, {120.5, 100.5}, {140.5, 110.5}, {150.5, 130.5}});
    ASSERT_EQ(doc->undoStack()->count(), 1);
    const auto* cmd = dynamic_cast<const LabelEditCommand*>(doc->undoStack()->command(0));
    ASSERT_NE(cmd, nullptr);
    // The changed pixels span x 98..152, y 98..132; only the 64x64 tiles they touch are stored.
    EXPECT_EQ(cmd->delta().changedBounds(), QRect(QPoint(98, 98), QPoint(152, 132)));
    EXPECT_EQ(cmd->delta().bounds(), QRect(64, 64, 128, 128));
    const std::size_t raw = std::size_t(1024) * 1024 * 3;
    EXPECT_LT(cmd->bytes(), raw / 100);
    const std::size_t painted = countId(*doc, 4);
    EXPECT_GT(painted, 55u * 5);

    doc->undoStack()->undo();
    EXPECT_EQ(countId(*doc, 4), 0u);
    EXPECT_EQ(countId(*doc, kVoid), std::size_t(1024) * 1024);
    for (auto c : doc->confirmed())
        ASSERT_EQ(c, 0);
    doc->undoStack()->redo();
    EXPECT_EQ(countId(*doc, 4), painted);

    // A second stroke is a second step.
    stroke(brush, {{500.5, 500.5}, {510.5, 500.5}});
    EXPECT_EQ(doc->undoStack()->count(), 2);
    doc->undoStack()->undo();
    EXPECT_EQ(countId(*doc, 4), painted);
}

TEST(BrushTool, FastMoveLeavesNoGaps)
{
    auto doc = makeDoc(100, 20);
    BrushTool brush;
    brush.setDocument(doc.get());
    brush.setClassId(1);
    brush.setSize(1);
    stroke(brush, {{2.5, 10.5}, {90.5, 10.5}});
    for (int x = 2; x <= 90; ++x)
        EXPECT_EQ(doc->labels().at(x, 10), 1) << x;
    EXPECT_EQ(countId(*doc, 1), 89u);
}

TEST(BrushTool, StampHasTheBrushDiameter)
{
    auto doc = makeDoc(40, 40);
    BrushTool brush;
    brush.setDocument(doc.get());
    brush.setClassId(2);
    for (int d : {1, 2, 3, 7, 10}) {
        brush.setSize(d);
        brush.setClassId(std::uint16_t(d));
        stroke(brush, {{20.3, 20.3}});
        int minX = 99, maxX = -1;
        for (int x = 0; x < 40; ++x)
            for (int y = 0; y < 40; ++y)
                if (doc->labels().at(x, y) == d)
                    minX = std::min(minX, x), maxX = std::max(maxX, x);
        EXPECT_EQ(maxX - minX + 1, d) << "diameter " << d;
        doc->undoStack()->undo();
    }
}

TEST(BrushTool, ConfirmedPixelsSurviveRePrediction)
{
    auto doc = makeDoc(50, 50);
    doc->setPrediction(LabelMap(50, 50, 1), {});
    BrushTool brush;
    brush.setDocument(doc.get());
    brush.setClassId(3);
    brush.setSize(4);
    stroke(brush, {{10, 10}, {40, 10}});
    const std::size_t painted = countId(*doc, 3);
    ASSERT_GT(painted, 0u);
    doc->setPrediction(LabelMap(50, 50, 2), {});
    EXPECT_EQ(countId(*doc, 3), painted);
    EXPECT_EQ(countId(*doc, 2), std::size_t(2500) - painted);
    EXPECT_EQ(countId(*doc, 1), 0u);
    // Undo after the re-prediction shows the new prediction, not the old one.
    doc->undoStack()->undo();
    EXPECT_EQ(countId(*doc, 2), 2500u);
}

TEST(BrushTool, EraserSetsVoidAndShiftHandsBackToTheModel)
{
    auto doc = makeDoc(30, 30);
    doc->setPrediction(LabelMap(30, 30, 1), {});
    BrushTool brush, eraser(BrushTool::Mode::Erase);
    for (BrushTool* t : {&brush, &eraser}) {
        t->setDocument(doc.get());
        t->setSize(3);
    }
    brush.setClassId(5);
    stroke(brush, {{5.5, 5.5}, {20.5, 5.5}});
    stroke(eraser, {{10.5, 5.5}, {12.5, 5.5}});
    EXPECT_EQ(doc->labels().at(11, 5), kVoid);
    EXPECT_EQ(doc->confirmed()[5 * 30 + 11], 1);
    EXPECT_EQ(doc->labels().at(5, 5), 5);
    // Erased pixels are a person's decision: a new prediction leaves them void.
    doc->setPrediction(LabelMap(30, 30, 2), {});
    EXPECT_EQ(doc->labels().at(11, 5), kVoid);
    // Shift+eraser returns pixels to the model.
    stroke(eraser, {{5.5, 5.5}}, Qt::LeftButton, Qt::ShiftModifier);
    EXPECT_EQ(doc->labels().at(5, 5), 2);
    EXPECT_EQ(doc->confirmed()[5 * 30 + 5], 0);
    EXPECT_EQ(doc->undoStack()->count(), 3);
}

TEST(FillTool, FloodFillRespectsHoles)
{
    // Class 0 background, a ring of class 1 (x,y in 5..14) around a hole of class 2 (8..11).
    auto doc = makeDoc(20, 20);
    LabelMap pred(20, 20, 0);
    for (int y = 5; y < 15; ++y)
        for (int x = 5; x < 15; ++x)
            pred.at(x, y) = (x >= 8 && x < 12 && y >= 8 && y < 12) ? 2 : 1;
    doc->setPrediction(pred, {});
    FillTool fill;
    fill.setDocument(doc.get());
    fill.setClassId(7);
    fill.press({6.5, 6.5}, Qt::LeftButton, Qt::NoModifier);
    EXPECT_EQ(countId(*doc, 7), 100u - 16u);
    EXPECT_EQ(countId(*doc, 2), 16u);
    EXPECT_EQ(countId(*doc, 0), 300u);
    EXPECT_EQ(doc->confirmed()[9 * 20 + 9], 0); // the hole is untouched
    // Filling the background does not leak into the ring or the hole.
    fill.setClassId(8);
    fill.press({0.5, 0.5}, Qt::LeftButton, Qt::NoModifier);
    EXPECT_EQ(countId(*doc, 8), 300u);
    EXPECT_EQ(countId(*doc, 7), 84u);
    EXPECT_EQ(doc->undoStack()->count(), 2);
    doc->undoStack()->undo();
    doc->undoStack()->undo();
    EXPECT_EQ(doc->labels(), pred);
}

TEST(PolygonTool, FillsPixelCentresInside)
{
    auto doc = makeDoc(20, 20);
    PolygonTool poly;
    poly.setDocument(doc.get());
    poly.setClassId(3);
    for (QPointF p : {QPointF(2, 2), QPointF(9, 2), QPointF(9, 9), QPointF(2, 9)})
        poly.press(p, Qt::LeftButton, Qt::NoModifier);
    EXPECT_EQ(poly.vertices().size(), 4);
    EXPECT_TRUE(poly.keyPress(Qt::Key_Return, Qt::NoModifier));
    EXPECT_EQ(countId(*doc, 3), 49u);
    for (int y = 2; y < 9; ++y)
        for (int x = 2; x < 9; ++x)
            EXPECT_EQ(doc->labels().at(x, y), 3);
    EXPECT_TRUE(poly.vertices().isEmpty());

    // A triangle closed by double click: pixel centres under the diagonal x + y < 20.
    poly.setClassId(4);
    poly.press({10, 10}, Qt::LeftButton, Qt::NoModifier);
    poly.press({20, 10}, Qt::LeftButton, Qt::NoModifier);
    poly.press({10, 20}, Qt::LeftButton, Qt::NoModifier);
    poly.doubleClick({10, 20}, Qt::LeftButton);
    std::size_t expected = 0;
    for (int y = 10; y < 20; ++y)
        for (int x = 10; x < 20; ++x)
            expected += (x + 0.5) + (y + 0.5) < 30;
    EXPECT_EQ(countId(*doc, 4), expected);
    EXPECT_EQ(doc->undoStack()->count(), 2);
    // Fewer than three vertices fill nothing.
    poly.press({1, 1}, Qt::LeftButton, Qt::NoModifier);
    poly.press({5, 1}, Qt::LeftButton, Qt::NoModifier);
    poly.keyPress(Qt::Key_Enter, Qt::NoModifier);
    EXPECT_EQ(doc->undoStack()->count(), 2);
    // A click next to the first vertex (within 6 screen pixels) closes the polygon.
    poly.setClassId(5);
    for (QPointF p : {QPointF(12, 0), QPointF(19, 0), QPointF(19, 4), QPointF(12.5, 0.5)})
        poly.press(p, Qt::LeftButton, Qt::NoModifier);
    EXPECT_TRUE(poly.vertices().isEmpty());
    EXPECT_EQ(doc->undoStack()->count(), 3);
    EXPECT_GT(countId(*doc, 5), 0u);
}

TEST(AcceptTool, ConfirmsThePredictedRegionUnderTheCursor)
{
    auto doc = makeDoc(30, 10);
    LabelMap pred(30, 10, 0);
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 30; ++x)
            if ((x >= 2 && x < 8) || (x >= 20 && x < 25))
                pred.at(x, y) = 3; // two separate regions of class 3
    doc->setPrediction(pred, {});
    doc->applyLabels(QRect(4, 4, 1, 1), {9}, {1}); // a person's pixel inside region A
    AcceptTool accept;
    accept.setDocument(doc.get());
    QSignalSpy messages(&accept, &Tool::message);
    accept.press({5.5, 1.5}, Qt::LeftButton, Qt::NoModifier);
    std::size_t confirmedA = 0, confirmedB = 0;
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 30; ++x) {
            const bool c = doc->confirmed()[std::size_t(y) * 30 + x];
            confirmedA += c && x >= 2 && x < 8;
            confirmedB += c && x >= 20;
            if (x < 2 || (x >= 8 && x < 20)) {
                EXPECT_FALSE(c);
            }
        }
    EXPECT_EQ(confirmedA, 60u);
    EXPECT_EQ(confirmedB, 0u);
    EXPECT_EQ(doc->labels().at(4, 4), 9); // people's pixels win over accept too
    EXPECT_EQ(doc->labels().at(5, 5), 3);
    // A new prediction no longer changes the accepted region.
    doc->setPrediction(LabelMap(30, 10, 1), {});
    EXPECT_EQ(doc->labels().at(5, 5), 3);
    EXPECT_EQ(doc->labels().at(22, 5), 1);
    // Ctrl+click accepts all of a predicted class.
    doc->setPrediction(pred, {});
    accept.press({22.5, 1.5}, Qt::LeftButton, Qt::ControlModifier);
    EXPECT_EQ(doc->confirmed()[5 * 30 + 22], 1);
    EXPECT_EQ(messages.count(), 0);
    doc->undoStack()->undo();
    EXPECT_EQ(doc->confirmed()[5 * 30 + 22], 0);
}

TEST(AcceptTool, WithoutPredictionSaysSo)
{
    auto doc = makeDoc(10, 10);
    AcceptTool accept;
    accept.setDocument(doc.get());
    QSignalSpy messages(&accept, &Tool::message);
    accept.press({5, 5}, Qt::LeftButton, Qt::NoModifier);
    EXPECT_EQ(messages.count(), 1);
    EXPECT_EQ(doc->undoStack()->count(), 0);
}

TEST(ReplaceTool, ReplacesOneClassInsideTheSelectionOnly)
{
    auto doc = makeDoc(20, 20);
    LabelMap pred(20, 20, 1);
    for (int x = 0; x < 20; ++x)
        pred.at(x, 10) = 2; // a line of class 2 across the image
    doc->setPrediction(pred, {});
    ReplaceTool rep;
    rep.setDocument(doc.get());
    rep.setClassId(5);
    // Drag from a class-1 pixel over x 0..9, y 5..14: class 1 there becomes 5, the class-2 line stays.
    stroke(rep, {{0.2, 5.2}, {5, 9}, {9.8, 14.8}});
    EXPECT_EQ(countId(*doc, 5), 90u);
    EXPECT_EQ(countId(*doc, 2), 20u);
    EXPECT_EQ(doc->labels().at(12, 7), 1);
    // Lasso (Shift): a triangle, replacing class 2 explicitly.
    rep.setFromClass(std::uint16_t(2));
    rep.setClassId(6);
    stroke(rep, {{0, 0}, {20, 0}, {20, 20}}, Qt::LeftButton, Qt::ShiftModifier);
    std::size_t expected = 0;
    for (int x = 0; x < 20; ++x)
        expected += (x + 0.5) >= 10.5; // centres on or right of the diagonal on row 10 (left edge is inside)
    EXPECT_EQ(countId(*doc, 6), expected);
    EXPECT_EQ(doc->undoStack()->count(), 2);
}
