// ToolBox: shortcuts, exclusive activation, shared brush size, document and class forwarding.
#include "ui/document/imagedocument.h"
#include "ui/edit/brushtool.h"
#include "ui/edit/filltool.h"
#include "ui/edit/toolbox.h"

#include <QAction>
#include <QSignalSpy>
#include <QUndoGroup>
#include <QUndoStack>
#include <gtest/gtest.h>

using namespace zm;
using namespace zm::ui;

TEST(ToolBox, ActionsShortcutsAndActivation)
{
    ToolBox box;
    QSignalSpy changed(&box, &ToolBox::toolChanged);
    QStringList keys;
    for (QAction* a : box.actions())
        if (!a->isSeparator())
            keys << a->shortcut().toString();
    for (const char* k : {"V", "B", "E", "G", "P", "C", "R", "[", "]"})
        EXPECT_TRUE(keys.contains(QString::fromLatin1(k))) << k;
    EXPECT_EQ(box.activeTool(), nullptr);
    box.actionFor(box.fill())->trigger();
    EXPECT_EQ(box.activeTool(), box.fill());
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed.at(0).at(0).value<Tool*>(), box.fill());
    EXPECT_TRUE(box.actionFor(box.fill())->isChecked());
    box.actionFor(box.brush())->trigger();
    EXPECT_FALSE(box.actionFor(box.fill())->isChecked());
    EXPECT_EQ(box.activeTool(), box.brush());
}

TEST(ToolBox, BrushSizeIsSharedAndClamped)
{
    ToolBox box;
    box.setBrushSize(10);
    EXPECT_EQ(box.eraser()->size(), 10);
    box.growBrush();
    EXPECT_GT(box.brushSize(), 10);
    EXPECT_EQ(box.eraser()->size(), box.brushSize());
    box.setBrushSize(2);
    box.shrinkBrush();
    box.shrinkBrush();
    EXPECT_EQ(box.brushSize(), BrushTool::kMinSize);
    box.setBrushSize(100000);
    EXPECT_EQ(box.brushSize(), BrushTool::kMaxSize);
}

TEST(ToolBox, ForwardsDocumentAndClassButTheEraserStaysVoid)
{
    ToolBox box;
    ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(Image(10, 10, 3));
    box.setDocument(&doc);
    box.setClassId(3);
    EXPECT_EQ(box.brush()->document(), &doc);
    EXPECT_EQ(box.fill()->classId(), 3);
    EXPECT_EQ(box.eraser()->classId(), LabelMap::kVoid);
    box.fill()->press({1, 1}, Qt::LeftButton, Qt::NoModifier);
    EXPECT_EQ(doc.labels().at(9, 9), 3);
    box.setDocument(nullptr);
    EXPECT_EQ(box.fill()->document(), nullptr);
}

TEST(ToolBox, UndoHistoryStaysWithEachDocumentAcrossSwitches)
{
    ToolBox box;
    QUndoGroup group;
    ImageDocument a(QStringLiteral("a.png")), b(QStringLiteral("b.png"));
    for (ImageDocument* d : {&a, &b}) {
        d->setImage(Image(20, 20, 3));
        group.addStack(d->undoStack());
    }
    auto paintOn = [&](ImageDocument& d, std::uint16_t id, double y) {
        box.setDocument(&d);
        group.setActiveStack(d.undoStack());
        box.setClassId(id);
        box.brush()->setSize(3);
        box.brush()->press({2, y}, Qt::LeftButton, Qt::NoModifier);
        box.brush()->move({15, y}, Qt::LeftButton, Qt::NoModifier);
        box.brush()->release({15, y}, Qt::LeftButton, Qt::NoModifier);
    };
    paintOn(a, 1, 5);
    paintOn(b, 2, 5);
    paintOn(a, 3, 12);
    EXPECT_EQ(a.undoStack()->count(), 2);
    EXPECT_EQ(b.undoStack()->count(), 1);
    // Back on b: undo there leaves a alone.
    group.setActiveStack(b.undoStack());
    group.undo();
    EXPECT_EQ(b.labels().at(8, 5), LabelMap::kVoid);
    EXPECT_EQ(a.labels().at(8, 5), 1);
    group.setActiveStack(a.undoStack());
    group.undo();
    EXPECT_EQ(a.labels().at(8, 12), LabelMap::kVoid);
    EXPECT_EQ(a.labels().at(8, 5), 1);
    group.redo();
    EXPECT_EQ(a.labels().at(8, 12), 3);
}

TEST(BrushCursor, ShowsTheBrushSizeAtTheCurrentZoom)
{
    BrushTool brush;
    brush.setSize(10);
    EXPECT_EQ(brush.cursor(1.0).pixmap().width(), 13);  // 10 px + outline
    EXPECT_EQ(brush.cursor(4.0).pixmap().width(), 43);  // 40 screen px at 400 %
    EXPECT_EQ(brush.cursor(0.1).shape(), Qt::CrossCursor); // 1 screen px: the outline preview takes over
}
