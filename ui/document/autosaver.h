// Autosaver: writes each edited document's state to the project's autosave/ folder (zm::Project),
// debounced: 500 ms after the last edit, and at the latest 1 s after the first unsaved edit, so a
// crash or kill -9 loses at most about a second of work. Writes run in a worker thread on a snapshot
// taken on the GUI thread; they are atomic (Project writes temporary file + rename). A failed write
// (disk full, read-only folder) is reported once through failed() and retried; the work stays in
// memory. save() makes a document's state the saved annotation and drops its autosave.
#pragma once
#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "core/io/annotation.h"

#include <cstdint>
#include <map>

namespace zm {
class Project;
}

namespace zm::ui {

class ImageDocument;

class Autosaver : public QObject {
    Q_OBJECT
public:
    static constexpr int kDebounceMs = 500;
    static constexpr int kMaxDelayMs = 1000;
    static constexpr int kRetryMs = 5000;

    explicit Autosaver(QObject* parent = nullptr);
    ~Autosaver() override; ///< waits for a write in flight (never leaves a half-done write behind)

    /// The project to write into (not owned; nullptr stops autosaving). Pending work is written first.
    void setProject(zm::Project* project);
    zm::Project* project() const { return mProject; }

    /// Starts watching a document's edits. Documents are keyed by their file name (Project::keyOf).
    void watch(ImageDocument* doc);
    void unwatch(ImageDocument* doc);

    /// Documents with edits not yet autosaved.
    int pendingCount() const;
    /// Whether this document has edits not yet autosaved (or being written now).
    bool isPending(const ImageDocument* doc) const;
    /// Writes every pending autosave now and waits; false (message in `error`) when a write failed.
    bool flush(QString* error = nullptr);
    /// Saves the document as the project's annotation of its image (and drops the autosave); marks it
    /// saved. False with the message in `error` on failure; the document is unchanged.
    bool save(ImageDocument* doc, QString* error = nullptr);
    /// save() for every watched document that is modified or has a pending autosave.
    bool saveAll(QString* error = nullptr);

    static std::string keyFor(const ImageDocument& doc);

Q_SIGNALS:
    /// An autosave was written for these documents.
    void autosaved(int count);
    /// A write failed; shown once per distinct message (the status bar or a dialog).
    void failed(const QString& message);

private:
    void onEdited(ImageDocument* doc);
    void startWrite();
    void writeDone();
    void waitForWrite();

    struct Entry {
        QPointer<ImageDocument> doc;
        std::uint64_t written = 0; ///< revision last written (or saved)
        bool pending = false;
    };
    zm::Project* mProject = nullptr;
    std::map<ImageDocument*, Entry> mDocs;
    QTimer mDebounce;
    QTimer mMaxDelay;
    QTimer mRetry;
    QFuture<QString> mInFlight; ///< result: empty, or the error message
    bool mWriting = false;      ///< from startWrite() until writeDone() handled the result
    std::uint64_t mGeneration = 0; ///< numbers the writes, so a late watcher signal is ignored
    /// Snapshot per document, reused between writes: copying into allocated memory avoids the page
    /// faults of a fresh 60 MB copy (12 MP image) on the GUI thread. Only the worker reads them while a
    /// write is in flight, and the GUI thread refills them only when none is.
    std::map<ImageDocument*, zm::AnnotationState> mSnapshots;
    std::map<ImageDocument*, std::uint64_t> mInFlightRevisions;
    QString mLastError;
};

} // namespace zm::ui
