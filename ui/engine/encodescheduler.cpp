// EncodeScheduler implementation. Workers get shared immutable data and return values; results arrive
// on the GUI thread (runAsync), where anything for an image that is no longer current is cached, not shown.
#include "ui/engine/encodescheduler.h"

#include "ui/util/runasync.h"

#include "core/common/error.h"
#include "core/io/image_io.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTimer>

#include <atomic>
#include <chrono>

namespace zm::ui {

/// Progress that the worker updates and the GUI polls (no cross-thread signal to a QObject that may be
/// gone by then).
class EncodeScheduler::PolledProgress : public zm::CancellableProgress {
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

EncodeScheduler::EncodeScheduler(QObject* parent) : QObject(parent), mProgressTimer(new QTimer(this))
{
    mPool.setMaxThreadCount(1);
    mProgressTimer->setInterval(100);
    connect(mProgressTimer, &QTimer::timeout, this, [this] {
        if (mJob && !mJob->prefetch)
            Q_EMIT progress(mJob->progress->fraction());
    });
}

QString EncodeScheduler::keyFor(const QString& path)
{
    const QFileInfo fi(path);
    return fi.absoluteFilePath() + QLatin1Char('|') + QString::number(fi.lastModified().toMSecsSinceEpoch()) +
           QLatin1Char('|') + QString::number(fi.size());
}

EncodeScheduler::~EncodeScheduler()
{
    if (mJob)
        mJob->progress->cancel();
    mPool.waitForDone();
}

void EncodeScheduler::setBackend(std::shared_ptr<const Backend> backend)
{
    if (mJob)
        mJob->progress->cancel();
    mBackend = std::move(backend);
    mCache.clear();
    mPrefetchedImages.clear();
    mHaveCurrent = false;
}

void EncodeScheduler::setPrefetchAllowed(bool allowed)
{
    mPrefetchAllowed = allowed;
    if (allowed && !mJob)
        startNextPrefetch();
}

bool EncodeScheduler::isCached(const QString& key) const
{
    for (const auto& e : mCache)
        if (e.first == key)
            return true;
    return false;
}

EncodingPtr EncodeScheduler::setCurrent(const QString& key, const QString& path,
                                        std::shared_ptr<const zm::Image> pixels)
{
    mKey = key;
    mPath = path;
    mPixels = std::move(pixels);
    mHaveCurrent = false;
    if (!mBackend || key.isEmpty()) {
        Q_EMIT stateChanged();
        return nullptr;
    }
    if (EncodingPtr enc = cached(key)) {
        mHaveCurrent = true;
        mPixels.reset();
        if (!mJob)
            startNextPrefetch();
        Q_EMIT stateChanged();
        return enc;
    }
    if (mJob) {
        if (mJob->key == key) {
            mJob->prefetch = false; // already being encoded in the background: adopt it
            mProgressTimer->start();
        } else {
            mJob->progress->cancel(); // stale: finished() starts the current image
            if (mJob->prefetch)       // a pre-encode waits its turn again rather than being lost
                mPrefetch.push_front(mJob->path);
        }
        Q_EMIT stateChanged();
        return nullptr;
    }
    start(key, path, mPixels, false);
    return nullptr;
}

void EncodeScheduler::setPrefetch(const QStringList& paths)
{
    mPrefetch.assign(paths.begin(), paths.end());
    if (!mJob)
        startNextPrefetch();
}

zm::Image EncodeScheduler::takePrefetchedImage(const QString& path)
{
    return mPrefetchedImages.take(path);
}

bool EncodeScheduler::isEncodingCurrent() const
{
    return mJob && !mJob->prefetch;
}
QString EncodeScheduler::runningPath() const
{
    return mJob ? mJob->path : QString();
}
bool EncodeScheduler::runningIsPrefetch() const
{
    return mJob && mJob->prefetch;
}

void EncodeScheduler::start(const QString& key, const QString& path, std::shared_ptr<const zm::Image> pixels,
                            bool prefetch)
{
    mJob = std::make_unique<Job>();
    mJob->key = key;
    mJob->path = path;
    mJob->prefetch = prefetch;
    mJob->backend = mBackend;
    mJob->progress = std::make_shared<PolledProgress>();
    runAsync(
        this, &mPool,
        [backend = mBackend, progress = mJob->progress, pixels = std::move(pixels), path]() -> Output {
            Output out;
            const auto t0 = std::chrono::steady_clock::now();
            try {
                zm::checkCancelled(*progress);
                if (!pixels)
                    out.image = zm::loadImageRgb(path.toStdString());
                zm::checkCancelled(*progress);
                out.encoding = backend->encode(pixels ? *pixels : out.image, progress.get());
                out.milliseconds =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            } catch (const zm::Cancelled&) {
                out.cancelled = true;
            } catch (const std::exception& e) {
                out.error = QString::fromUtf8(e.what());
            }
            return out;
        },
        [this](Output out) { finished(std::move(out)); });
    if (!prefetch)
        mProgressTimer->start();
    Q_EMIT stateChanged();
}

void EncodeScheduler::finished(Output out)
{
    const std::unique_ptr<Job> job = std::move(mJob);
    mProgressTimer->stop();
    const bool forCurrent = !mKey.isEmpty() && job->key == mKey;
    if (job->backend != mBackend)
        out.cancelled = true; // made by the model before this one: worthless now
    if (!out.cancelled && out.error.isEmpty() && out.encoding) {
        cache(job->key, out.encoding);
        if (!out.image.empty()) {
            // Keep only a few read images: they are large.
            if (mPrefetchedImages.size() >= 3)
                mPrefetchedImages.clear();
            mPrefetchedImages.insert(job->path, std::move(out.image));
        }
        if (job->prefetch && !forCurrent)
            Q_EMIT prefetched(job->path);
        if (forCurrent) {
            mHaveCurrent = true;
            mPixels.reset();
            Q_EMIT currentEncoded(out.encoding, job->path, out.milliseconds);
        }
    } else if (!out.error.isEmpty() && forCurrent) {
        mHaveCurrent = true; // failed: not retried until the image is shown again
        Q_EMIT failed(tr("Encoding failed: %1").arg(out.error));
    }
    // The current image first (it may have been asked for while stale work was stopping).
    if (mBackend && !mKey.isEmpty() && !mHaveCurrent) {
        if (EncodingPtr enc = cached(mKey)) {
            mHaveCurrent = true;
            mPixels.reset();
            Q_EMIT currentEncoded(enc, mPath, 0.0);
        } else {
            start(mKey, mPath, mPixels, false);
            return;
        }
    }
    startNextPrefetch();
    Q_EMIT stateChanged();
}

void EncodeScheduler::startNextPrefetch()
{
    if (mJob || !mBackend || !mPrefetchAllowed)
        return;
    while (!mPrefetch.empty()) {
        const QString path = mPrefetch.front();
        mPrefetch.pop_front();
        const QString key = keyFor(path);
        if (isCached(key) || key == mKey)
            continue;
        start(key, path, nullptr, true);
        return;
    }
}

EncodingPtr EncodeScheduler::cached(const QString& key)
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

void EncodeScheduler::cache(const QString& key, EncodingPtr encoding)
{
    for (auto it = mCache.begin(); it != mCache.end(); ++it)
        if (it->first == key) {
            mCache.erase(it);
            break;
        }
    mCache.emplace_back(key, std::move(encoding));
    std::size_t total = 0;
    for (const auto& e : mCache)
        total += e.second->bytes();
    while (mCache.size() > 1 && total > mCacheBudget) {
        total -= mCache.front().second->bytes();
        mCache.pop_front();
    }
}

} // namespace zm::ui
