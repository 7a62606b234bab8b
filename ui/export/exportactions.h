// ExportActions: the File-menu actions of this module (Export labels..., Import labels for this
// image..., Import labels for all images..., Statistics...), for the main window to add in one call.
// The window provides the context on demand (current document, project, classes).
//
//   auto* io = new ExportActions([this] { return editContext(); }, this);
//   fileMenu->addActions(io->actions());
#pragma once
#include "ui/export/editcontext.h"

#include <QList>
#include <QStringList>
#include <QObject>

#include <functional>

class QAction;
class QWidget;

namespace zm::ui {

class ExportActions : public QObject {
    Q_OBJECT
public:
    using ContextProvider = std::function<EditContext()>;
    /// `parent` widget hosts the dialogs.
    ExportActions(ContextProvider provider, QWidget* parent);

    QList<QAction*> actions() const { return mActions; }
    QAction* exportAction() const { return mExport; }
    QAction* importImageAction() const { return mImportImage; }
    QAction* importProjectAction() const { return mImportProject; }
    QAction* statisticsAction() const { return mStats; }

    /// Imports a label file into the current image (one undo step); a file that does not fit (size,
    /// ids) is refused with a message. Returns false on refusal.
    bool importForCurrentImage(const QString& file, QString* error = nullptr);
    /// Imports a folder of label PNGs or a COCO file into the whole project, with progress.
    bool importForProject(const QString& source, QString* error = nullptr);

Q_SIGNALS:
    /// A status-bar message ("Imported 1234 pixels").
    void message(const QString& text);
    /// Labels of these images (keys: file names) were written by an export.
    void exported(const QStringList& keys);

private:
    ContextProvider mProvider;
    QWidget* mHost;
    QAction* mExport;
    QAction* mImportImage;
    QAction* mImportProject;
    QAction* mStats;
    QList<QAction*> mActions;
};

} // namespace zm::ui
