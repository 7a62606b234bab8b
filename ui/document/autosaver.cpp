// Autosaver implementation.
#include "ui/document/autosaver.h"

#include "ui/document/imagedocument.h"

#include "core/common/error.h"
#include "core/io/project.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>
#include <vector>

namespace zm::ui {

Autosaver::Autosaver(QObject* parent) : QObject(parent)
{
    mDebounce.setSingleShot(true);
    mDebounce.setInterval(kDebounceMs);
    mMaxDelay.setSingleShot(true);
    mMaxDelay.setInterval(kMaxDelayMs);
    mRetry.setSingleShot(true);
    mRetry.setInterval(kRetryMs);
    connect(&mDebounce, &QTimer::timeout, this, &Autosaver::startWrite);
    connect(&mMaxDelay, &QTimer::timeout, this, &Autosaver::startWrite);
    connect(&mRetry, &QTimer::timeout, this, &Autosaver::startWrite);
}

Autosaver::~Autosaver() { waitForWrite(); }

std::string Autosaver::keyFor(const ImageDocument& doc)
{
    return zm::Project::keyOf(QFileInfo(doc.path()).fileName().toStdString());
}

void Autosaver::setProject(zm::Project* project)
{
    if (project == mProject)
        return;
    if (mProject)
        flush();
    else
        waitForWrite();
    mProject = project;
    if (mProject && pendingCount() > 0)
        mDebounce.start();
}

void Autosaver::watch(ImageDocument* doc)
{
    if (!doc || mDocs.count(doc))
        return;
    mDocs[doc] = Entry{doc, doc->revision(), false};
    connect(doc, &ImageDocument::edited, this, [this, doc] { onEdited(doc); });
    connect(doc, &QObject::destroyed, this, [this, doc] { mDocs.erase(doc); });
}

void Autosaver::unwatch(ImageDocument* doc)
{
    if (!mDocs.count(doc))
        return;
    disconnect(doc, nullptr, this, nullptr);
    mDocs.erase(doc);
}

int Autosaver::pendingCount() const
{
    int n = 0;
    for (const auto& [d, e] : mDocs)
        n += e.pending && e.doc;
    return n;
}

bool Autosaver::isPending(const ImageDocument* doc) const
{
    auto* key = const_cast<ImageDocument*>(doc);
    const auto it = mDocs.find(key);
    return (it != mDocs.end() && it->second.pending) || mInFlightRevisions.count(key) > 0;
}

void Autosaver::onEdited(ImageDocument* doc)
{
    auto it = mDocs.find(doc);
    if (it == mDocs.end())
        return;
    it->second.pending = true;
    // Debounce restarts with every edit; the maximum delay does not, so steady painting is saved
    // at least once a second.
    mDebounce.start();
    if (!mMaxDelay.isActive())
        mMaxDelay.start();
}

void Autosaver::startWrite()
{
    if (!mProject || mWriting)
        return; // writeDone() starts the next round
    mDebounce.stop();
    mMaxDelay.stop();
    std::vector<std::pair<std::string, const zm::AnnotationState*>> batch;
    mInFlightRevisions.clear();
    for (auto& [d, e] : mDocs) {
        if (!e.pending || !e.doc || !e.doc->hasLabels())
            continue;
        // The snapshot is taken here, on the GUI thread; compression and the write run in the worker.
        zm::AnnotationState& snap = mSnapshots[d];
        snap.labels = e.doc->labels(); // copy-assignment reuses the buffers of the last snapshot
        snap.confirmed = e.doc->confirmed();
        snap.predicted = e.doc->predicted();
        batch.emplace_back(keyFor(*e.doc), &snap);
        mInFlightRevisions[d] = e.doc->revision();
        e.pending = false;
    }
    if (batch.empty())
        return;
    zm::Project* project = mProject;
    mWriting = true;
    const std::uint64_t generation = ++mGeneration;
    mInFlight = QtConcurrent::run([project, batch = std::move(batch)]() -> QString {
        for (const auto& [key, state] : batch) {
            try {
                project->autosave(key, *state);
            } catch (const zm::Error& e) {
                return QString::fromStdString(e.what());
            } catch (const std::exception& e) {
                return QString::fromStdString(key + ": " + e.what());
            }
        }
        return {};
    });
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == mGeneration) // else waitForWrite() handled this write already
            writeDone();
    });
    watcher->setFuture(mInFlight);
}

void Autosaver::writeDone()
{
    if (!mWriting)
        return; // already handled by waitForWrite()
    mWriting = false;
    // Keep the snapshot buffers of the documents just written (the ones being edited) for reuse; a
    // 12 MP image's snapshot is 60 MB, so buffers of other documents go.
    for (auto it = mSnapshots.begin(); it != mSnapshots.end();)
        it = mInFlightRevisions.count(it->first) && mDocs.count(it->first) ? std::next(it) : mSnapshots.erase(it);
    const QString error = mInFlight.result();
    if (error.isEmpty()) {
        for (const auto& [d, rev] : mInFlightRevisions)
            if (auto it = mDocs.find(d); it != mDocs.end())
                it->second.written = rev;
        const int n = int(mInFlightRevisions.size());
        mInFlightRevisions.clear();
        mLastError.clear();
        Q_EMIT autosaved(n);
    } else {
        // Keep the work pending: the next edit or the retry timer writes it again.
        for (const auto& [d, rev] : mInFlightRevisions)
            if (auto it = mDocs.find(d); it != mDocs.end())
                it->second.pending = true;
        mInFlightRevisions.clear();
        if (error != mLastError)
            Q_EMIT failed(tr("Autosave failed: %1. Your edits are kept in memory.").arg(error));
        mLastError = error;
        mRetry.start();
    }
    if (pendingCount() > 0 && mLastError.isEmpty() && !mDebounce.isActive())
        mDebounce.start();
}

void Autosaver::waitForWrite()
{
    if (mWriting) {
        mInFlight.waitForFinished();
        writeDone();
    }
}

bool Autosaver::flush(QString* error)
{
    if (!mProject)
        return true;
    waitForWrite();
    if (pendingCount() > 0) {
        mLastError.clear(); // a flush asks again, even after a failure
        startWrite();
        waitForWrite();
    }
    if (!mLastError.isEmpty()) {
        if (error)
            *error = mLastError;
        return false;
    }
    return true;
}

bool Autosaver::save(ImageDocument* doc, QString* error)
{
    if (!mProject || !doc || !doc->hasLabels())
        return true;
    waitForWrite(); // an autosave landing after the save would bring its file back
    try {
        mProject->save(keyFor(*doc), doc->state());
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
    doc->markSaved();
    if (auto it = mDocs.find(doc); it != mDocs.end()) {
        it->second.pending = false;
        it->second.written = doc->revision();
    }
    return true;
}

bool Autosaver::saveAll(QString* error)
{
    bool ok = true;
    for (auto& [d, e] : mDocs) {
        if (!e.doc || !(e.pending || e.doc->isModified()))
            continue;
        QString err;
        if (!save(e.doc, &err)) {
            ok = false;
            if (error && error->isEmpty())
                *error = err;
        }
    }
    return ok;
}

} // namespace zm::ui
