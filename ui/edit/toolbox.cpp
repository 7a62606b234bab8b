// ToolBox implementation.
#include "ui/edit/toolbox.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/accepttool.h"
#include "ui/edit/brushtool.h"
#include "ui/edit/filltool.h"
#include "ui/edit/polygontool.h"
#include "ui/edit/replacetool.h"

#include <QAction>
#include <QActionGroup>

#include <cmath>

namespace zm::ui {

ToolBox::ToolBox(QObject* parent)
    : QObject(parent), mBrush(new BrushTool(BrushTool::Mode::Paint, this)),
      mEraser(new BrushTool(BrushTool::Mode::Erase, this)), mFill(new FillTool(this)), mPolygon(new PolygonTool(this)),
      mAccept(new AcceptTool(this)), mReplace(new ReplaceTool(this)), mGroup(new QActionGroup(this))
{
    mTools = {mBrush, mEraser, mFill, mPolygon, mAccept, mReplace};
    mGroup->setExclusive(true);
    auto* nav = addToolAction(nullptr, tr("Navigate"), QKeySequence(Qt::Key_V), QStringLiteral("NavigateToolAction"),
                              tr("Pan and zoom; no editing (V)"));
    nav->setChecked(true);
    addToolAction(mBrush, tr("Brush"), QKeySequence(Qt::Key_B), QStringLiteral("BrushToolAction"),
                  tr("Paint the selected class (B); right button erases; [ and ] change the size"));
    addToolAction(mEraser, tr("Eraser"), QKeySequence(Qt::Key_E), QStringLiteral("EraserToolAction"),
                  tr("Set pixels to void (E); Shift hands them back to the model"));
    addToolAction(mFill, tr("Flood fill"), QKeySequence(Qt::Key_G), QStringLiteral("FillToolAction"),
                  tr("Fill the connected region under the cursor (G)"));
    addToolAction(mPolygon, tr("Polygon"), QKeySequence(Qt::Key_P), QStringLiteral("PolygonToolAction"),
                  tr("Click vertices, double-click or Enter to fill (P); Esc cancels"));
    addToolAction(mAccept, tr("Accept prediction"), QKeySequence(Qt::Key_C), QStringLiteral("AcceptToolAction"),
                  tr("Confirm the model's region under the cursor (C); Ctrl: the whole class"));
    addToolAction(mReplace, tr("Replace class"), QKeySequence(Qt::Key_R), QStringLiteral("ReplaceToolAction"),
                  tr("Drag a rectangle (Shift: lasso) to replace the class under its start by the selected one (R)"));

    auto* sep = new QAction(this);
    sep->setSeparator(true);
    mActions << sep;
    auto* smaller = new QAction(tr("Smaller brush"), this);
    smaller->setShortcut(QKeySequence(Qt::Key_BracketLeft));
    smaller->setObjectName(QStringLiteral("BrushSmallerAction"));
    connect(smaller, &QAction::triggered, this, &ToolBox::shrinkBrush);
    auto* larger = new QAction(tr("Larger brush"), this);
    larger->setShortcut(QKeySequence(Qt::Key_BracketRight));
    larger->setObjectName(QStringLiteral("BrushLargerAction"));
    connect(larger, &QAction::triggered, this, &ToolBox::growBrush);
    mActions << smaller << larger;

    // Brush and eraser share one size, as people expect.
    connect(mBrush, &BrushTool::sizeChanged, this, &ToolBox::setBrushSize);
    connect(mEraser, &BrushTool::sizeChanged, this, &ToolBox::setBrushSize);
    for (Tool* t : mTools)
        connect(t, &Tool::message, this, &ToolBox::message);
}

QAction* ToolBox::addToolAction(Tool* tool, const QString& text, const QKeySequence& key, const QString& objectName,
                                const QString& tip)
{
    auto* a = new QAction(text, this);
    a->setCheckable(true);
    a->setShortcut(key);
    a->setObjectName(objectName);
    a->setToolTip(tip);
    a->setData(QVariant::fromValue(static_cast<QObject*>(tool)));
    mGroup->addAction(a);
    mActions << a;
    connect(a, &QAction::triggered, this, [this, tool] { activate(tool); });
    return a;
}

QAction* ToolBox::actionFor(Tool* tool) const
{
    for (QAction* a : mGroup->actions())
        if (a->data().value<QObject*>() == tool)
            return a;
    return nullptr;
}

void ToolBox::activate(Tool* tool)
{
    if (tool == mActive)
        return;
    if (mActive)
        mActive->cancel();
    mActive = tool;
    if (QAction* a = actionFor(tool))
        a->setChecked(true);
    Q_EMIT toolChanged(tool);
}

void ToolBox::setDocument(ImageDocument* doc)
{
    if (doc == mDocument)
        return;
    mDocument = doc;
    for (Tool* t : mTools) {
        t->cancel();
        t->setDocument(doc);
    }
}

void ToolBox::setClassId(std::uint16_t id)
{
    for (Tool* t : mTools)
        if (t != mEraser)
            t->setClassId(id);
}

int ToolBox::brushSize() const { return mBrush->size(); }

void ToolBox::setBrushSize(int diameter)
{
    const int before = mBrush->size();
    mBrush->setSize(diameter);
    mEraser->setSize(mBrush->size());
    if (mBrush->size() != before)
        Q_EMIT brushSizeChanged(mBrush->size());
}

void ToolBox::growBrush()
{
    const int s = brushSize();
    setBrushSize(std::max(s + 1, int(std::lround(s * 1.25))));
}

void ToolBox::shrinkBrush()
{
    const int s = brushSize();
    setBrushSize(std::min(s - 1, int(std::lround(s / 1.25))));
}

} // namespace zm::ui
