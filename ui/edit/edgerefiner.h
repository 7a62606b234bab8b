// EdgeRefiner: Edit > Refine edges (Ctrl+R). Snaps the current image's masks to the photograph's edges
// with core's GrabCut refinement (core/io/refine.h): each class's mask grows over background pixels and
// gives back to the background what does not look like the object. The refinement runs in a worker
// (0.3-1.5 s on a photo); the result is applied as ONE undo step (RefineCommand) on the labels the canvas
// shows, and only if the image and its labels are still those it started from (switching images, an
// edit, an undo or a new prediction meanwhile drops it, with a message). Pixels it changed become
// confirmed (people's) pixels, like any edit: the next prediction does not overwrite them and the
// document is edited, so autosave and Ctrl+S keep them.
//
//   auto* refiner = new EdgeRefiner(classes, this);
//   editMenu->addAction(refiner->action());
//   connect(window, &MainWindow::documentChanged, refiner, &EdgeRefiner::setDocument);
#pragma once
#include "core/io/refine.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <cstdint>

class QAction;

namespace zm::ui {

class ClassListModel;
class ImageDocument;

class EdgeRefiner : public QObject {
    Q_OBJECT
public:
    explicit EdgeRefiner(ClassListModel* classes, QObject* parent = nullptr);

    /// "Refine edges" (Ctrl+R, object name RefineEdgesAction): enabled while a document is shown and no
    /// refinement runs.
    QAction* action() const { return mAction; }

    /// The id of the class one of whose names is "background" (zm::backgroundIndex: any case, spaces
    /// ignored; a synonym counts too), or -1 when the list has none.
    static int backgroundId(const ClassListModel& classes);
    /// Why the current document cannot be refined now (empty when it can).
    QString problem() const;
    bool isRunning() const { return mRunning; }
    ImageDocument* document() const { return mDocument; }
    /// What the refinement is given (tests may make it faster or stricter).
    zm::RefineOptions& options() { return mOptions; }

public Q_SLOTS:
    /// The document the action works on (nullptr: none). A refinement still running for another document
    /// is dropped.
    void setDocument(zm::ui::ImageDocument* document);
    /// Starts refining the current document in a worker; says why in message() when it cannot.
    /// Returns whether it started.
    bool refine();

Q_SIGNALS:
    void runningChanged(bool running);
    /// The status-bar line: the result ("Refined 2 classes: +12,345 px, -1,234 px") or why nothing changed.
    void message(const QString& text);
    /// A refinement ended: `applied` when it pushed an undo step.
    void finished(bool applied);

private:
    struct Result;
    void apply(Result result);
    void setRunning(bool running);
    void updateAction();

    ClassListModel* mClasses;
    QAction* mAction;
    QPointer<ImageDocument> mDocument;
    zm::RefineOptions mOptions;
    bool mRunning = false;
    std::uint64_t mGeneration = 0; ///< a result whose generation is older is dropped
};

} // namespace zm::ui
