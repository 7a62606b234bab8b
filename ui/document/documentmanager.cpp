// DocumentManager implementation.
#include "ui/document/documentmanager.h"

#include "ui/canvas/canvasview.h"
#include "ui/document/autosaver.h"
#include "ui/document/imagedocument.h"
#include "ui/util/runasync.h"

#include "core/io/image_io.h"
#include "core/io/project.h"

#include <QDateTime>
#include <QFileInfo>
#include <QUndoGroup>

#include <algorithm>

namespace zm::ui {

struct DocumentManager::Loaded {
    QString path;
    quint64 generation = 0;
    QString fileKey; ///< mtime + size of the file read
    zm::Image image;
    QImage display;                          ///< converted for painting in the worker (12 M pixels take ~50 ms)
    std::shared_ptr<const zm::Image> shared; ///< a copy made in the worker, for the encoder
    QString error;
};

DocumentManager::DocumentManager(Autosaver* autosaver, QObject* parent)
    : QObject(parent), mAutosaver(autosaver), mUndoGroup(new QUndoGroup(this))
{
}

DocumentManager::~DocumentManager()
{
    // Documents go before the undo group and the autosaver they are registered with.
    for (ImageDocument* doc : mDocuments) {
        if (mAutosaver)
            mAutosaver->unwatch(doc);
        delete doc;
    }
    mDocuments.clear();
}

bool DocumentManager::isReady(const QString& path) const
{
    const ImageDocument* doc = document(path);
    return doc && !doc->image().empty();
}

void DocumentManager::setProject(zm::Project* project)
{
    mProject = project;
    dropPendingLoads();
}

void DocumentManager::dropPendingLoads()
{
    ++mGeneration;
    mPending.clear();
    mWanted.clear();
}

namespace {

QString fileKeyOf(const QString& path)
{
    const QFileInfo fi(path);
    return QString::number(fi.lastModified().toMSecsSinceEpoch()) + QLatin1Char('|') + QString::number(fi.size());
}

} // namespace

void DocumentManager::load(const QString& path, zm::Image pixels)
{
    mWanted = path;
    if (mPending.value(path, ~quint64(0)) == mGeneration)
        return; // already being read
    mPending.insert(path, mGeneration);
    // Read the file in a worker: a 4000x3000 JPEG takes longer than a frame.
    runAsync(
        this, nullptr,
        [path, generation = mGeneration, img = std::move(pixels)]() mutable {
            Loaded r;
            r.path = path;
            r.generation = generation;
            try {
                r.fileKey = fileKeyOf(path);
                r.image = img.empty() ? zm::loadImageRgb(path.toStdString()) : std::move(img);
                r.display = CanvasView::displayImage(r.image);
                r.shared = std::make_shared<const zm::Image>(r.image);
            } catch (const std::exception& e) {
                r.error = QString::fromUtf8(e.what());
            }
            return r;
        },
        [this](Loaded r) { onLoaded(std::move(r)); });
}

ImageDocument* DocumentManager::create(const QString& path)
{
    auto* doc = new ImageDocument(path, this);
    mDocuments.insert(path, doc);
    mUndoGroup->addStack(doc->undoStack());
    if (mAutosaver)
        mAutosaver->watch(doc);
    // Loading saved work (setState) emits no edited(): only people's changes reach this.
    connect(doc, &ImageDocument::edited, this, [this, doc] { Q_EMIT edited(doc); });
    return doc;
}

void DocumentManager::onLoaded(Loaded r)
{
    if (r.generation != mGeneration)
        return; // asked for in another folder or project
    mPending.remove(r.path);
    if (!r.error.isEmpty()) {
        Q_EMIT loadFailed(r.path, r.error);
        return;
    }
    ImageDocument* doc = document(r.path);
    if (doc && !doc->image().empty()) {
        if (doc != mActive)
            Q_EMIT loaded(doc, r.display, r.shared);
        return;
    }
    if (doc && doc->hasLabels() && mFileKeys.value(r.path) != r.fileKey) {
        // The file changed on disk while only this document's labels were in memory: they may no longer
        // fit it. Unsaved work is kept as it is, not replaced; a document with nothing unsaved starts over.
        if (doc->isModified() || (mAutosaver && mAutosaver->isPending(doc))) {
            Q_EMIT loadFailed(r.path, tr("%1 changed on disk since it was opened; your unsaved labels for it are "
                                         "kept (and autosaved), not applied to the changed file")
                                          .arg(r.path));
            return;
        }
        close(doc);
        doc = nullptr;
    }
    if (!doc)
        doc = create(r.path);
    // A document whose pixels were released keeps its labels: only a new one takes the saved state.
    const bool fresh = !doc->hasLabels();
    doc->setImage(std::move(r.image));
    mFileKeys.insert(r.path, r.fileKey);
    if (r.path == mWanted)
        touch(r.path);
    else { // read but not asked for now: the first to give memory back
        mRecent.erase(std::remove(mRecent.begin(), mRecent.end(), r.path), mRecent.end());
        mRecent.push_front(r.path);
    }
    const std::string key = zm::Project::keyOf(r.path.toStdString());
    if (fresh && mProject && mProject->hasAnnotation(key)) {
        try {
            doc->setState(mProject->load(key));
            Q_EMIT restored(r.path, mProject->isExported(key));
        } catch (const std::exception& e) {
            Q_EMIT message(QString::fromUtf8(e.what()));
        }
    }
    Q_EMIT loaded(doc, r.display, r.shared);
    enforceBudget();
}

void DocumentManager::touch(const QString& path)
{
    mRecent.erase(std::remove(mRecent.begin(), mRecent.end(), path), mRecent.end());
    mRecent.push_back(path);
}

void DocumentManager::setActive(ImageDocument* document)
{
    mActive = document;
    setActiveStack(document);
    if (document)
        touch(document->path());
    enforceBudget();
}

void DocumentManager::setActiveStack(ImageDocument* document)
{
    mUndoGroup->setActiveStack(document ? document->undoStack() : nullptr);
}

void DocumentManager::setMemoryBudget(std::size_t bytes)
{
    mBudget = bytes;
    enforceBudget();
}

std::size_t DocumentManager::residentBytes() const
{
    std::size_t total = 0;
    for (const ImageDocument* doc : mDocuments)
        total += doc->memoryBytes();
    return total;
}

void DocumentManager::close(ImageDocument* doc)
{
    Q_EMIT closing(doc);
    const QString path = doc->path();
    mRecent.erase(std::remove(mRecent.begin(), mRecent.end(), path), mRecent.end());
    mDocuments.remove(path);
    mFileKeys.remove(path);
    if (mAutosaver)
        mAutosaver->unwatch(doc);
    mUndoGroup->removeStack(doc->undoStack());
    delete doc;
}

void DocumentManager::enforceBudget()
{
    std::size_t total = residentBytes();
    if (total <= mBudget)
        return;
    // Candidates, least recently shown first; the newest `mKeepRecent` and the active one are spared.
    std::vector<ImageDocument*> candidates;
    const std::size_t spare = std::size_t(std::max(0, mKeepRecent));
    for (std::size_t i = 0; i + spare < mRecent.size(); ++i)
        if (ImageDocument* doc = document(mRecent[i]); doc && doc != mActive && mRecent[i] != mWanted)
            candidates.push_back(doc);
    // 1. Pixels and confidences: the bulk of a document, and had again by reading the file.
    for (ImageDocument* doc : candidates) {
        if (total <= mBudget)
            return;
        const std::size_t before = doc->memoryBytes();
        doc->releasePixels();
        total -= before - doc->memoryBytes();
    }
    // 2. Whole documents with nothing unsaved: their state is in the project (or was a prediction).
    for (ImageDocument* doc : candidates) {
        if (total <= mBudget)
            return;
        if (doc->isModified() || (mAutosaver && mAutosaver->isPending(doc)))
            continue; // unsaved work stays in memory, whatever it costs
        total -= doc->memoryBytes();
        close(doc);
    }
}

} // namespace zm::ui
