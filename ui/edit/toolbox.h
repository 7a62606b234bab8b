// ToolBox: the editing tools and their actions (checkable, exclusive; shortcuts V navigate, B brush,
// E eraser, G fill, P polygon, C accept, R replace, [ and ] brush size), ready for the main window to
// add in one call. It keeps the tools attached to the current document and class.
//
//   auto* tools = new ToolBox(this);
//   addToolActions(tr("Tools"), tools->actions());
//   connect(tools, &ToolBox::toolChanged, this, &MainWindow::setActiveTool);
//   connect(this, &MainWindow::documentChanged, tools, &ToolBox::setDocument);
#pragma once
#include "ui/edit/tool.h"

#include <QList>
#include <QObject>

#include <cstdint>
#include <vector>

class QAction;
class QActionGroup;

namespace zm::ui {

class AcceptTool;
class BrushTool;
class FillTool;
class ImageDocument;
class PolygonTool;
class ReplaceTool;

class ToolBox : public QObject {
    Q_OBJECT
public:
    explicit ToolBox(QObject* parent = nullptr);

    /// Tool actions, a separator, then brush size down/up.
    QList<QAction*> actions() const { return mActions; }
    /// nullptr while "Navigate" is active.
    Tool* activeTool() const { return mActive; }
    const std::vector<Tool*>& tools() const { return mTools; }
    /// The action that activates `tool` (nullptr: the navigate action).
    QAction* actionFor(Tool* tool) const;

    BrushTool* brush() const { return mBrush; }
    BrushTool* eraser() const { return mEraser; }
    FillTool* fill() const { return mFill; }
    PolygonTool* polygon() const { return mPolygon; }
    AcceptTool* accept() const { return mAccept; }
    ReplaceTool* replace() const { return mReplace; }

    int brushSize() const;
    ImageDocument* document() const { return mDocument; }

public Q_SLOTS:
    void setDocument(zm::ui::ImageDocument* doc);
    /// The stable class id the tools paint with.
    void setClassId(std::uint16_t id);
    void setBrushSize(int diameter);
    void activate(zm::ui::Tool* tool);
    void growBrush();
    void shrinkBrush();

Q_SIGNALS:
    void toolChanged(zm::ui::Tool* tool);
    void brushSizeChanged(int diameter);
    /// A tool's status-bar message.
    void message(const QString& text);

private:
    QAction* addToolAction(Tool* tool, const QString& text, const QKeySequence& key, const QString& objectName,
                           const QString& tip);

    BrushTool* mBrush;
    BrushTool* mEraser;
    FillTool* mFill;
    PolygonTool* mPolygon;
    AcceptTool* mAccept;
    ReplaceTool* mReplace;
    std::vector<Tool*> mTools;
    QActionGroup* mGroup;
    QList<QAction*> mActions;
    Tool* mActive = nullptr;
    ImageDocument* mDocument = nullptr;
};

} // namespace zm::ui
