// Undo memory cap: past the cap the oldest steps are dropped, the rest still undo and redo, the
// current state and the redo side are kept.
#include "ui/document/imagedocument.h"
#include "ui/edit/brushtool.h"
#include "ui/edit/undobudget.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QUndoStack>
#include <gtest/gtest.h>

#include <random>

using namespace zm;
using namespace zm::ui;

namespace {

// Noise labels compress badly, so every stroke costs real bytes.
void paintNoisyStroke(ImageDocument& doc, BrushTool& brush, int row, std::mt19937& rng)
{
    brush.setClassId(std::uint16_t(rng() % 200));
    brush.press(QPointF(5, row + 0.5), Qt::LeftButton, Qt::NoModifier);
    for (int x = 10; x < 250; x += 7) {
        brush.setClassId(std::uint16_t(rng() % 200)); // same stroke, varied ids
        brush.move(QPointF(x, row + 0.5), Qt::LeftButton, Qt::NoModifier);
    }
    brush.release(QPointF(250, row + 0.5), Qt::LeftButton, Qt::NoModifier);
}

} // namespace

TEST(UndoBudget, DropsOldestStepsPastTheCap)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(256, 256, 3));
    BrushTool brush;
    brush.setDocument(&doc);
    brush.setSize(9);
    std::mt19937 rng(1);
    UndoBudget& budget = *doc.undoBudget(); // every document owns one
    budget.setCap(1u << 30);
    for (int i = 0; i < 20; ++i)
        paintNoisyStroke(doc, brush, 6 + i * 12, rng);
    QCoreApplication::processEvents();
    ASSERT_EQ(doc.undoStack()->count(), 20);
    const std::size_t full = budget.bytes();
    ASSERT_GT(full, 0u);
    const std::vector<std::uint16_t> finalIds = doc.labels().ids;

    // Keep the state after step 15 as the saved point and undo two steps (redo side = 2).
    doc.undoStack()->setIndex(15);
    doc.markSaved();
    doc.undoStack()->setIndex(18);
    const std::vector<std::uint16_t> at18 = doc.labels().ids;

    QSignalSpy dropped(&budget, &UndoBudget::stepsDropped);
    budget.setCap(full / 2);
    EXPECT_EQ(dropped.count(), 1);
    EXPECT_GT(budget.droppedSteps(), 0u);
    EXPECT_LE(budget.bytes(), full / 2);
    const int drop = int(budget.droppedSteps());
    EXPECT_EQ(doc.undoStack()->count(), 20 - drop);
    EXPECT_EQ(doc.undoStack()->index(), 18 - drop);
    // Dropping changed no pixel, and the saved point moved with the steps.
    EXPECT_EQ(doc.labels().ids, at18);
    EXPECT_EQ(doc.undoStack()->cleanIndex(), 15 - drop);
    // Redo still reaches the final state; undo all the way stops at the oldest kept step.
    doc.undoStack()->setIndex(doc.undoStack()->count());
    EXPECT_EQ(doc.labels().ids, finalIds);
    doc.undoStack()->setIndex(0);
    std::size_t painted = 0;
    for (auto id : doc.labels().ids)
        painted += id != LabelMap::kVoid;
    EXPECT_GT(painted, 0u); // the dropped (oldest) strokes can no longer be undone
    // Row 6 held the first stroke (dropped), the last row's stroke is undone.
    EXPECT_NE(doc.labels().at(100, 6), LabelMap::kVoid);
    EXPECT_EQ(doc.labels().at(100, 6 + 19 * 12), LabelMap::kVoid);
}

TEST(UndoBudget, EnforcedAfterPushesAndKeepsTheNewestStep)
{
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(256, 256, 3));
    BrushTool brush;
    brush.setDocument(&doc);
    brush.setSize(9);
    std::mt19937 rng(2);
    UndoBudget& budget = *doc.undoBudget();
    budget.setCap(1); // absurdly small: only the newest step can stay
    for (int i = 0; i < 5; ++i) {
        paintNoisyStroke(doc, brush, 6 + i * 12, rng);
        QCoreApplication::processEvents(); // the check runs queued, after the push
    }
    EXPECT_EQ(doc.undoStack()->count(), 1);
    EXPECT_EQ(budget.droppedSteps(), 4u);
    doc.undoStack()->undo();
    EXPECT_EQ(doc.labels().at(100, 6 + 4 * 12), LabelMap::kVoid);
    EXPECT_NE(doc.labels().at(100, 6 + 3 * 12), LabelMap::kVoid);
}
