// EncodeScheduler: runs the backbone (the expensive step) for the GUI. One encode at a time in its own
// pool (LibTorch already uses every core inside one forward pass); the current image first, then the
// images to pre-encode, in order, when nothing else runs. Switching images cancels stale work. Finished
// encodings are kept in an LRU bounded by bytes, keyed by image content (path + mtime + size). Part of
// SegmentationController, which wires it to scoring and the document.
#pragma once
#include "core/common/image.h"
#include "ui/engine/backend.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <deque>
#include <memory>

class QTimer;

namespace zm::ui {

class EncodeScheduler : public QObject {
    Q_OBJECT
public:
    explicit EncodeScheduler(QObject* parent = nullptr);
    /// What identifies an image's content: absolute path, modification time and size.
    static QString keyFor(const QString& path);
    ~EncodeScheduler() override; ///< cancels the running encode and waits for it

    /// Drops every encoding (they belong to the old model) and cancels the running encode.
    void setBackend(std::shared_ptr<const Backend> backend);
    /// While false (model and vectors do not fit), nothing is pre-encoded.
    void setPrefetchAllowed(bool allowed);

    /// The image to encode now (empty key: none). `pixels` (may be null: the file is read) are used only
    /// when the encoding is not cached. Returns the encoding when cached; else currentEncoded() follows.
    EncodingPtr setCurrent(const QString& key, const QString& path, std::shared_ptr<const zm::Image> pixels);
    /// Whether an encoding of `key` is cached (then setCurrent() needs no pixels).
    bool isCached(const QString& key) const;
    /// Image files to encode in the background, in order, when nothing else runs.
    void setPrefetch(const QStringList& paths);
    /// An image a prefetch already read (saves reading it again); empty when none.
    zm::Image takePrefetchedImage(const QString& path);

    bool isEncodingCurrent() const;
    bool isBusy() const { return mJob != nullptr; }
    /// The file being encoded (current or pre-encoded), empty when idle.
    QString runningPath() const;
    bool runningIsPrefetch() const;
    int cachedEncodings() const { return int(mCache.size()); }
    void setCacheBudget(std::size_t bytes) { mCacheBudget = bytes; }

Q_SIGNALS:
    /// The current image's encoding is ready (`milliseconds`: the encode time).
    void currentEncoded(const zm::ui::EncodingPtr& encoding, const QString& path, double milliseconds);
    /// A background encode finished (status "encoded" in the image list).
    void prefetched(const QString& path);
    void failed(const QString& message);
    /// Fraction of the current image's encode done (polled from the worker every 100 ms).
    void progress(double fraction);
    /// What runs changed (see isBusy(), runningPath()).
    void stateChanged();

private:
    class PolledProgress;
    struct Output {
        EncodingPtr encoding;
        zm::Image image; ///< what a prefetch read
        QString error;
        bool cancelled = false;
        double milliseconds = 0;
    };
    struct Job {
        QString key;
        QString path;
        bool prefetch = false;
        std::shared_ptr<const Backend> backend; ///< the model it encodes with
        std::shared_ptr<PolledProgress> progress;
    };

    void start(const QString& key, const QString& path, std::shared_ptr<const zm::Image> pixels, bool prefetch);
    void finished(Output out);
    void startNextPrefetch();
    void cache(const QString& key, EncodingPtr encoding);
    EncodingPtr cached(const QString& key);

    std::shared_ptr<const Backend> mBackend;
    bool mPrefetchAllowed = true;
    QString mKey, mPath;                      ///< the current image
    std::shared_ptr<const zm::Image> mPixels; ///< its pixels, when handed over
    bool mHaveCurrent = false;                ///< its encoding was delivered (or was cached)
    QThreadPool mPool;
    std::unique_ptr<Job> mJob;
    std::deque<QString> mPrefetch;
    QHash<QString, zm::Image> mPrefetchedImages;
    std::deque<std::pair<QString, EncodingPtr>> mCache; ///< least recently used first
    std::size_t mCacheBudget = std::size_t(768) << 20;
    QTimer* mProgressTimer;
};

} // namespace zm::ui
