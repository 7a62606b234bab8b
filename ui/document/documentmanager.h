// DocumentManager: owns the open images' ImageDocuments, their undo group, the reading of image files
// (in a worker) and the bound on the memory they hold. Browsing a folder of thousands of images must not
// keep every image's pixels: after each switch, the least recently shown documents give memory back until
// the total is under the budget, in two steps:
//   1. their pixels and confidences go (read again / predicted again when shown; labels, confirmed bits,
//      prediction and undo history stay), then
//   2. documents with nothing unsaved (the undo stack at its saved point, no autosave pending) are closed:
//      their state is in the project (or was only a prediction), and showing them again reads it back.
// The `keepRecent` most recently shown documents (the current one among them), the current one and the
// one being opened are never touched; a document with unsaved work is never closed. So memory stays bounded over any
// number of images viewed, and nothing a person did is lost.
#pragma once
#include "core/common/image.h"

#include <QHash>
#include <QImage>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <deque>
#include <memory>

class QUndoGroup;

namespace zm {
class Project;
}

namespace zm::ui {

class Autosaver;
class ImageDocument;

class DocumentManager : public QObject {
    Q_OBJECT
public:
    static constexpr std::size_t kDefaultBudget = std::size_t(1) << 30; ///< 1 GiB
    static constexpr int kDefaultKeepRecent = 3;

    explicit DocumentManager(Autosaver* autosaver, QObject* parent = nullptr);
    ~DocumentManager() override;

    QUndoGroup* undoGroup() const { return mUndoGroup; }
    /// The project saved states are read from when a document is created (nullptr: none). Reads still
    /// running are dropped: a file of the old folder must not take the new project's state.
    void setProject(zm::Project* project);

    /// The document of `path`, or nullptr when none is open (never shown, or closed to save memory).
    ImageDocument* document(const QString& path) const { return mDocuments.value(path, nullptr); }
    QList<ImageDocument*> documents() const { return mDocuments.values(); }
    /// True when `path` has a document whose pixels are in memory (it can be shown at once).
    bool isReady(const QString& path) const;

    /// Reads `path` in a worker (`pixels`: already read, e.g. by a prefetch) and delivers loaded() or
    /// loadFailed(). A new document takes the project's saved state of the image, if any. The latest path
    /// asked for is the one wanted: the budget spares it until it is shown. A path already being read is
    /// not read twice.
    void load(const QString& path, zm::Image pixels = {});
    /// Reads still running belong to another folder or project: their results are dropped.
    void dropPendingLoads();

    /// The document shown now: it becomes the most recently used, and the budget is applied to the others.
    void setActive(ImageDocument* document);
    ImageDocument* active() const { return mActive; }
    void setActiveStack(ImageDocument* document);

    void setMemoryBudget(std::size_t bytes);
    std::size_t memoryBudget() const { return mBudget; }
    void setKeepRecent(int count) { mKeepRecent = count; }
    /// Bytes all open documents hold now (ImageDocument::memoryBytes()).
    std::size_t residentBytes() const;
    int documentCount() const { return int(mDocuments.size()); }
    /// Gives memory back until under the budget (also runs after every setActive()).
    void enforceBudget();

Q_SIGNALS:
    /// A file was read into `document` (new, or one whose pixels had been released). `display` is the image
    /// converted for painting in the worker; `pixels` a shared copy for the encoder.
    void loaded(zm::ui::ImageDocument* document, const QImage& display, std::shared_ptr<const zm::Image> pixels);
    void loadFailed(const QString& path, const QString& error);
    /// A new document took the project's saved state (`exported`: the project marks it exported).
    void restored(const QString& path, bool exported);
    /// A person changed a document (not loading, not predictions).
    void edited(zm::ui::ImageDocument* document);
    /// A document was closed to save memory (its pointer is gone after this signal).
    void closing(zm::ui::ImageDocument* document);
    void message(const QString& text);

private:
    struct Loaded;
    void onLoaded(Loaded r);
    ImageDocument* create(const QString& path);
    void touch(const QString& path);
    void close(ImageDocument* document);

    Autosaver* mAutosaver;
    QUndoGroup* mUndoGroup;
    zm::Project* mProject = nullptr;
    QHash<QString, ImageDocument*> mDocuments;
    std::deque<QString> mRecent; ///< paths of open documents, least recently shown first
    QPointer<ImageDocument> mActive;
    QString mWanted;                   ///< the path asked for last (spared until it is shown)
    QHash<QString, quint64> mPending;  ///< paths being read -> the generation they were asked in
    QHash<QString, QString> mFileKeys; ///< path -> the file's identity (mtime, size) when it was read
    quint64 mGeneration = 0;
    std::size_t mBudget = kDefaultBudget;
    int mKeepRecent = kDefaultKeepRecent;
};

} // namespace zm::ui
