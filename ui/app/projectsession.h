// ProjectSession: the project (zm::Project, <image folder>/zeromask-project or the per-user fallback) of
// the open folder, seen from the window. Opens or creates it for a list of files, keeps its class table
// (labelmap.json) in step with the class list (every change is written, debounced, not only on Ctrl+S:
// an autosave or a crash never leaves labels whose ids the project does not know), and says so loudly
// when that write fails: classesSaveFailed() until a write succeeds again (the list stays in memory).
#pragma once
#include "core/io/classtable.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <filesystem>
#include <functional>
#include <memory>

class QTimer;

namespace zm {
class Project;
}

namespace zm::ui {

class ClassListModel;
class SegmentationController;

class ProjectSession : public QObject {
    Q_OBJECT
public:
    ProjectSession(ClassListModel* classes, SegmentationController* controller, QObject* parent = nullptr);
    ~ProjectSession() override;

    zm::Project* project() const { return mProject.get(); }
    bool isFallback() const { return mFallback; }
    /// Why the project is in the per-user folder (empty when it is beside the images).
    QString fallbackReason() const { return mFallbackReason; }
    /// Tests: replaces the "can this folder be written" check.
    void setWritableCheck(std::function<bool(const QString&)> check) { mWritable = std::move(check); }
    /// The model path recorded in the class table (which model made the predictions).
    void setModelPath(const QString& path) { mModelPath = path; }

    /// Opens (or creates) the project of the folder of `files`. The old project's classes are written first.
    /// The project's classes replace the list (they are what its labels mean); a new project takes the list.
    /// False when no project could be opened (autosave is off; message() says why).
    bool openFor(const QStringList& files);
    /// Closes the project after writing its classes.
    void close();

    /// Writes the class list into the project now. False with the message in `error` (and
    /// classesSaveFailed()) when it cannot be written; true when there is no project.
    bool syncClasses(QString* error = nullptr);
    /// The class table the list stands for, with what the list does not know taken from the project.
    zm::ClassTable classTable() const;
    /// The last class-list write failed (empty when it succeeded).
    QString classesProblem() const { return mClassesProblem; }

Q_SIGNALS:
    /// A project was opened (nullptr: none could be).
    void opened(zm::Project* project);
    /// The project is about to close (finish writing into it).
    void closing(zm::Project* project);
    void message(const QString& text, int milliseconds);
    /// Writing the class list failed: shown until classesSaved().
    void classesSaveFailed(const QString& message);
    void classesSaved();

private:
    ClassListModel* mClasses;
    SegmentationController* mController;
    std::unique_ptr<zm::Project> mProject;
    bool mFallback = false;
    QString mFallbackReason;
    std::function<bool(const QString&)> mWritable;
    QString mModelPath;
    QTimer* mSync;
    QString mClassesProblem;
};

} // namespace zm::ui
