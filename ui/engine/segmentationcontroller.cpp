// SegmentationController implementation. Workers never touch QObjects: they get copies (or shared
// immutable data) and return values; QFutureWatchers owned by the controller deliver the results
// on the GUI thread, where the generation counter drops anything that belongs to a stale image.
#include "ui/engine/segmentationcontroller.h"

#include "ui/document/imagedocument.h"
#include "ui/engine/voidregions.h"
#include "ui/model/classlistmodel.h"

#include "core/common/error.h"
#include "core/embed/embedder.h"
#include "core/embed/senses.h"
#include "core/io/image_io.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <chrono>
#include <cmath>

namespace zm::ui {

/// Progress that the worker updates and the GUI polls (no cross-thread signal to a QObject that
/// may be gone by then).
class SegmentationController::PolledProgress : public zm::CancellableProgress {
public:
    bool update(double fraction, const std::string&) override
    {
        mFraction.store(fraction);
        return !cancelled();
    }
    double fraction() const { return mFraction.load(); }

private:
    std::atomic<double> mFraction{-1.0};
};

namespace {

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

SegmentationController::SegmentationController(ClassListModel* classes, QObject* parent)
    : QObject(parent), mClasses(classes), mScoreWatcher(new QFutureWatcher<ScoreOutput>(this)),
      mProgressTimer(new QTimer(this))
{
    // One encode at a time: LibTorch already uses every core inside one forward pass.
    mEncodePool.setMaxThreadCount(1);
    mScorePool.setMaxThreadCount(1);
    connect(mScoreWatcher, &QFutureWatcher<ScoreOutput>::finished, this, &SegmentationController::scoreFinished);
    connect(mClasses, &ClassListModel::scoringChanged, this, &SegmentationController::requestScore);
    mProgressTimer->setInterval(100);
    connect(mProgressTimer, &QTimer::timeout, this, [this] {
        if (mEncodeJob && !mEncodeJob->prefetch)
            Q_EMIT progress(mEncodeJob->progress->fraction(), mBusyText);
    });
}

SegmentationController::~SegmentationController()
{
    if (mEncodeJob)
        mEncodeJob->progress->cancel();
    mEncodePool.waitForDone();
    mScorePool.waitForDone();
}

QString SegmentationController::keyFor(const QString& path)
{
    const QFileInfo fi(path);
    return fi.absoluteFilePath() + QLatin1Char('|') + QString::number(fi.lastModified().toMSecsSinceEpoch()) +
           QLatin1Char('|') + QString::number(fi.size());
}

void SegmentationController::setBackend(std::shared_ptr<const Backend> backend)
{
    if (mEncodeJob)
        mEncodeJob->progress->cancel();
    mBackend = std::move(backend);
    mCache.clear();
    mEncoding = nullptr;
    mPrefetchedImages.clear();
    updateMismatch();
    // Word senses are chosen against the model's classes: another model can read a name differently.
    if (rebuildNames())
        reembedAll();
    ++mGeneration;
    if (mDocument)
        setCurrent(mDocument, mKey);
}

void SegmentationController::setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder)
{
    mEmbedder = std::move(embedder);
    rebuildNames();
    updateMismatch();
    reembedAll();
}

void SegmentationController::setWordSenses(bool on)
{
    if (on == mWordSenses)
        return;
    mWordSenses = on;
    if (rebuildNames())
        reembedAll();
}

bool SegmentationController::wordSensesActive() const
{
    return dynamic_cast<const zm::SenseAwareEmbedder*>(mNames.get()) != nullptr;
}

bool SegmentationController::rebuildNames()
{
    const bool before = wordSensesActive();
    mNames = mEmbedder;
    if (mEmbedder && mBackend && mWordSenses) {
        try {
            mNames = zm::nameEmbedderFor(mEmbedder, mBackend->trainedClassVectors(), zm::SenseMode::Auto);
        } catch (const std::exception& e) {
            // A model of another space (shown as a mismatch) or an unreadable WordNet: plain word vectors.
            mNames = mEmbedder;
            bool sameSpace = true;
            try {
                zm::requireSameSpace(mBackend->vectorSpace(), mEmbedder->spaceId(), "The model");
            } catch (const std::exception&) {
                sameSpace = false; // already explained by mismatch()
            }
            if (sameSpace)
                Q_EMIT failed(tr("Word senses are off: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    return before || wordSensesActive();
}

void SegmentationController::updateMismatch()
{
    mMismatch.clear();
    if (!mBackend || !mEmbedder)
        return;
    try {
        zm::requireSameSpace(mBackend->vectorSpace(), mEmbedder->spaceId(), "The model");
    } catch (const std::exception& e) {
        mMismatch = QString::fromUtf8(e.what());
    }
}

std::vector<float> SegmentationController::embed(const QString& name, QString* problem) const
{
    if (!mEmbedder) {
        if (problem)
            *problem = tr("No word vectors loaded: choose a vectors file in Model > Choose model and vectors.");
        return {};
    }
    try {
        return mNames->embed(name.toStdString());
    } catch (const std::exception& e) {
        if (problem)
            *problem = QString::fromUtf8(e.what());
        return {};
    }
}

std::uint16_t SegmentationController::addClass(const QString& name)
{
    QString problem;
    std::vector<float> v = embed(name, &problem);
    const std::uint16_t id = mClasses->addClass(name, std::move(v), problem);
    requestNeighbors(id);
    return id;
}

void SegmentationController::renameClass(std::uint16_t id, const QString& name)
{
    QString problem;
    std::vector<float> v = embed(name, &problem);
    mClasses->rename(id, name, std::move(v), problem);
    requestNeighbors(id);
}

void SegmentationController::reembedAll()
{
    for (const ClassEntry& e : std::vector<ClassEntry>(mClasses->entries())) {
        QString problem;
        std::vector<float> v = embed(e.name, &problem);
        mClasses->setVector(e.id, std::move(v), problem);
        requestNeighbors(e.id);
    }
}

void SegmentationController::requestNeighbors(std::uint16_t id)
{
    const ClassEntry* e = mClasses->find(id);
    if (!mEmbedder || !e || e->vector.empty())
        return;
    // A vocabulary scan is too slow for the GUI thread on large vocabularies.
    struct Hint {
        QStringList words;
        QString sense;
    };
    auto* watcher = new QFutureWatcher<Hint>(this);
    connect(watcher, &QFutureWatcher<Hint>::finished, this, [this, watcher, id, vector = e->vector, names = mNames] {
        watcher->deleteLater();
        // A hint describes one vector read one way: after a rename, a re-embedding or a switch of word
        // senses a newer request is on its way, and this older answer must not overwrite it.
        const ClassEntry* now = mClasses->find(id);
        if (!now || now->vector != vector || names != mNames)
            return;
        mClasses->setNeighbors(id, watcher->result().words, watcher->result().sense);
    });
    watcher->setFuture(QtConcurrent::run([embedder = mEmbedder, names = mNames, v = e->vector, name = e->name.toStdString()] {
        Hint hint;
        try {
            for (const zm::Neighbor& n : embedder->neighbors(v, 8))
                hint.words << QStringLiteral("%1 %2").arg(QString::fromStdString(n.word)).arg(double(n.cosine), 0, 'f', 2);
            if (const auto* senses = dynamic_cast<const zm::SenseAwareEmbedder*>(names.get()))
                for (const zm::SenseReading& r : senses->read(name))
                    if (r.changed)
                        hint.sense += (hint.sense.isEmpty() ? QString() : QStringLiteral("; ")) +
                                      QStringLiteral("%1 = %2 (%3; WordNet)")
                                          .arg(QString::fromStdString(r.term), QString::fromStdString(r.chosenLemmas),
                                               QString::fromStdString(r.chosenDefinition));
        } catch (const std::exception&) {
            // Neighbours are a hint; a failure leaves the list empty.
        }
        return hint;
    }));
}

void SegmentationController::setGamma(float gamma)
{
    if ((std::isnan(gamma) && std::isnan(mOptions.gamma)) || gamma == mOptions.gamma)
        return;
    mOptions.gamma = gamma;
    requestScore();
}

void SegmentationController::setVoidThreshold(float threshold)
{
    if (threshold == mOptions.voidThreshold)
        return;
    mOptions.voidThreshold = threshold;
    requestScore();
}

EncodingPtr SegmentationController::cached(const QString& key)
{
    for (auto it = mCache.begin(); it != mCache.end(); ++it)
        if (it->first == key) {
            auto entry = *it;
            mCache.erase(it);
            mCache.push_back(entry); // most recently used last
            return entry.second;
        }
    return nullptr;
}

void SegmentationController::cacheEncoding(const QString& key, EncodingPtr enc)
{
    for (auto it = mCache.begin(); it != mCache.end(); ++it)
        if (it->first == key) {
            mCache.erase(it);
            break;
        }
    mCache.emplace_back(key, std::move(enc));
    std::size_t total = 0;
    for (const auto& e : mCache)
        total += e.second->bytes();
    while (mCache.size() > 1 && total > mCacheBudget) {
        total -= mCache.front().second->bytes();
        mCache.pop_front();
    }
}

std::shared_ptr<const zm::Image> SegmentationController::currentPixels()
{
    // The worker needs pixels that outlive the document: copy once, only when not handed over.
    if (!mPixels && mDocument)
        mPixels = std::make_shared<const zm::Image>(mDocument->image());
    return mPixels;
}

void SegmentationController::setCurrent(ImageDocument* document, const QString& key, std::shared_ptr<const zm::Image> pixels)
{
    ++mGeneration;
    const bool otherImage = document != mDocument.data() || key != mKey;
    mDocument = document;
    mKey = key;
    if (otherImage)
        Q_EMIT currentChanged(document);
    mPixels = std::move(pixels);
    mEncoding = nullptr;
    if (!mBackend || !mDocument || mDocument->image().empty()) {
        updateBusy();
        return;
    }
    if (EncodingPtr enc = cached(key)) {
        mEncoding = enc;
        requestScore();
        if (!mEncodeJob)
            startNextPrefetch();
        updateBusy();
        return;
    }
    if (mEncodeJob) {
        if (mEncodeJob->key == key) {
            mEncodeJob->prefetch = false; // already being encoded in the background: adopt it
            mBusyText = tr("Encoding %1").arg(QFileInfo(mDocument->path()).fileName());
            mProgressTimer->start();
            updateBusy();
            return;
        }
        // Stale work: stop it; encodeFinished() starts the current image.
        mEncodeJob->progress->cancel();
        updateBusy();
        return;
    }
    startEncode(key, mDocument->path(), currentPixels(), false);
}

void SegmentationController::setPrefetch(const QStringList& paths)
{
    mPrefetch.assign(paths.begin(), paths.end());
    if (!mEncodeJob)
        startNextPrefetch();
}

zm::Image SegmentationController::takePrefetchedImage(const QString& path)
{
    return mPrefetchedImages.take(path);
}

void SegmentationController::startEncode(const QString& key, const QString& path, std::shared_ptr<const zm::Image> pixels, bool prefetch)
{
    mEncodeJob = std::make_unique<EncodeJob>();
    mEncodeJob->key = key;
    mEncodeJob->path = path;
    mEncodeJob->prefetch = prefetch;
    mEncodeJob->progress = std::make_shared<PolledProgress>();
    mEncodeJob->watcher = new QFutureWatcher<EncodeOutput>(this);
    connect(mEncodeJob->watcher, &QFutureWatcher<EncodeOutput>::finished, this, &SegmentationController::encodeFinished);
    mEncodeJob->watcher->setFuture(QtConcurrent::run(
        &mEncodePool, [backend = mBackend, progress = mEncodeJob->progress, pixels, path]() -> EncodeOutput {
            EncodeOutput out;
            const auto t0 = std::chrono::steady_clock::now();
            try {
                zm::checkCancelled(*progress);
                if (!pixels)
                    out.image = zm::loadImageRgb(path.toStdString());
                zm::checkCancelled(*progress);
                out.encoding = backend->encode(pixels ? *pixels : out.image, progress.get());
                out.milliseconds = msSince(t0);
            } catch (const zm::Cancelled&) {
                out.cancelled = true;
            } catch (const std::exception& e) {
                out.error = QString::fromUtf8(e.what());
            }
            return out;
        }));
    if (!prefetch) {
        mBusyText = tr("Encoding %1").arg(QFileInfo(path).fileName());
        mProgressTimer->start();
    }
    updateBusy();
}

void SegmentationController::encodeFinished()
{
    std::unique_ptr<EncodeJob> job = std::move(mEncodeJob);
    job->watcher->deleteLater();
    mProgressTimer->stop();
    // Moved out, not copied: encodings and images are tens of MB.
    EncodeOutput out = job->watcher->future().takeResult();
    const bool forCurrent = mDocument && job->key == mKey;
    if (!out.cancelled && out.error.isEmpty() && out.encoding) {
        cacheEncoding(job->key, out.encoding);
        if (!out.image.empty()) {
            // Keep only a few loaded images: they are large.
            if (mPrefetchedImages.size() >= 3)
                mPrefetchedImages.clear();
            mPrefetchedImages.insert(job->path, std::move(out.image));
        }
        if (job->prefetch && !forCurrent)
            Q_EMIT prefetched(job->path);
        if (forCurrent) {
            mEncoding = out.encoding;
            Q_EMIT encoded(job->path, out.milliseconds);
            requestScore();
        }
    } else if (!out.error.isEmpty() && forCurrent) {
        Q_EMIT failed(tr("Encoding failed: %1").arg(out.error));
    }
    // The current image first (it may have been requested while stale work was stopping).
    if (mBackend && mDocument && !mEncoding && !mDocument->image().empty() && (out.cancelled || !forCurrent)) {
        if (EncodingPtr enc = cached(mKey)) {
            mEncoding = enc;
            requestScore();
        } else {
            startEncode(mKey, mDocument->path(), currentPixels(), false);
            return;
        }
    }
    startNextPrefetch();
    updateBusy();
}

void SegmentationController::startNextPrefetch()
{
    if (mEncodeJob || !mBackend || !mMismatch.isEmpty())
        return;
    while (!mPrefetch.empty()) {
        const QString path = mPrefetch.front();
        mPrefetch.pop_front();
        const QString key = keyFor(path);
        bool have = false;
        for (const auto& e : mCache)
            have = have || e.first == key;
        if (have || key == mKey)
            continue;
        startEncode(key, path, nullptr, true);
        return;
    }
    updateBusy();
}

void SegmentationController::requestScore()
{
    if (!mEncoding || !mDocument || !mBackend)
        return;
    if (mScoreRunning) {
        mScoreDirty = true;
        return;
    }
    if (!mMismatch.isEmpty()) {
        Q_EMIT failed(mMismatch);
        return;
    }
    std::vector<std::uint16_t> ids;
    zm::ClassSet set = mClasses->classSet(&ids);
    const int w = mDocument->image().width;
    const int h = mDocument->image().height;
    mScoreRunning = true;
    mScoreDirty = false;
    mScoreGeneration = mGeneration;
    mScoreDocument = mDocument;
    updateBusy();
    mScoreWatcher->setFuture(QtConcurrent::run(
        &mScorePool, [backend = mBackend, enc = mEncoding, set = std::move(set), ids = std::move(ids),
                      options = mOptions, w, h]() -> ScoreOutput {
            ScoreOutput out;
            const auto t0 = std::chrono::steady_clock::now();
            if (set.classes.empty()) {
                // Nothing typed yet: everything is void.
                out.labels = zm::LabelMap(w, h);
                return out;
            }
            try {
                zm::ScoreResult r = backend->score(*enc, set, options);
                if (r.labels.width != w || r.labels.height != h)
                    throw zm::Error("the model returned " + std::to_string(r.labels.width) + "x" +
                                    std::to_string(r.labels.height) + " labels for a " + std::to_string(w) + "x" +
                                    std::to_string(h) + " image");
                // ScoreResult indexes the ClassSet; documents store stable class ids.
                for (std::uint16_t& v : r.labels.ids)
                    if (v != zm::LabelMap::kVoid)
                        v = v < ids.size() ? ids[v] : zm::LabelMap::kVoid;
                out.labels = std::move(r.labels);
                out.confidence = std::move(r.confidence);
            } catch (const std::exception& e) {
                out.error = QString::fromUtf8(e.what());
            }
            out.milliseconds = msSince(t0);
            return out;
        }));
}

void SegmentationController::scoreFinished()
{
    mScoreRunning = false;
    ScoreOutput out = mScoreWatcher->future().takeResult();
    const bool fresh = mScoreGeneration == mGeneration && mScoreDocument && mScoreDocument == mDocument;
    if (fresh) {
        if (!out.error.isEmpty()) {
            Q_EMIT failed(out.error);
        } else {
            try {
                mDocument->setPrediction(std::move(out.labels), std::move(out.confidence));
                Q_EMIT scored(mDocument, out.milliseconds);
            } catch (const std::exception& e) {
                Q_EMIT failed(QString::fromUtf8(e.what()));
            }
        }
    }
    if (mScoreDirty || !fresh) {
        mScoreDirty = false;
        requestScore();
    }
    updateBusy();
}

void SegmentationController::suggestForVoid(int wordsPerRegion, int maxRegions, double minShare)
{
    using Result = QList<VoidRegionSuggestion>;
    const quint64 request = ++mSuggestRequest; // any answer still being made is superseded
    if (!mBackend || !mEmbedder || !mEncoding || !mDocument || mDocument->labels().empty()) {
        Q_EMIT voidSuggestions({});
        return;
    }
    // The answer belongs to this image: a switch (or a newer request) while the worker runs makes it
    // stale, and a stale answer is dropped, never shown beside another image.
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this,
            [this, watcher, request, generation = mGeneration, doc = mDocument.data(), key = mKey] {
                watcher->deleteLater();
                if (request != mSuggestRequest)
                    return; // a newer request answers instead
                if (generation != mGeneration || doc != mDocument.data() || key != mKey) {
                    Q_EMIT voidSuggestionsDropped();
                    return;
                }
                Q_EMIT voidSuggestions(watcher->result());
            });
    watcher->setFuture(QtConcurrent::run([backend = mBackend, embedder = mEmbedder, enc = mEncoding,
                                          labels = mDocument->labels(), wordsPerRegion, maxRegions, minShare] {
        Result out;
        const double pixels = double(labels.width) * labels.height;
        const int minArea = std::max(64, int(std::ceil(minShare * pixels)));
        const LabelRegions found = largeRegions(labels, zm::LabelMap::kVoid, minArea, maxRegions);
        for (std::size_t k = 0; k < found.regions.size(); ++k) {
            const LabelRegion& r = found.regions[k];
            VoidRegionSuggestion s;
            s.bounds = QRect(QPoint(r.left, r.top), QPoint(r.right, r.bottom));
            s.centroid = QPointF(r.cx, r.cy);
            s.area = r.area;
            s.share = r.area / pixels;
            try {
                const std::vector<float> v = backend->regionEmbedding(*enc, found.map, std::uint16_t(k));
                if (!v.empty())
                    for (const zm::Neighbor& n : embedder->neighbors(v, wordsPerRegion)) {
                        s.words << QString::fromStdString(n.word);
                        s.cosines << n.cosine;
                    }
            } catch (const std::exception&) {
                // A region the model cannot describe (e.g. smaller than a feature cell) has no words.
            }
            if (!s.words.isEmpty())
                out << s;
        }
        return out;
    }));
}

void SegmentationController::updateBusy()
{
    const bool busy = isBusy();
    QString what;
    if (mEncodeJob)
        what = mEncodeJob->prefetch ? tr("Pre-encoding %1").arg(QFileInfo(mEncodeJob->path).fileName()) : mBusyText;
    else if (mScoreRunning)
        what = tr("Scoring");
    Q_EMIT busyChanged(busy, what);
}

} // namespace zm::ui
