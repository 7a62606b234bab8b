// ThumbnailCache: small previews of image files for the image list, made in a worker (one low-priority
// thread, so they never compete much with encoding) and cached in memory and on disk. A file's cache
// key is its absolute path, modification time and size, so an edited file gets a new thumbnail.
//
//   connect(cache, &ThumbnailCache::ready, this, [](const QString& path, const QImage& thumb) { ... });
//   cache->request(paths);          // in order; replaces the previous queue
//   QImage t = cache->cached(path); // null until ready
#pragma once
#include <QCache>
#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <deque>

namespace zm::ui {

class ThumbnailCache : public QObject {
    Q_OBJECT
public:
    /// `size`: the box thumbnails fit in (aspect kept). Disk cache: QStandardPaths::CacheLocation/thumbnails,
    /// pruned to kDiskBudget in the worker first.
    explicit ThumbnailCache(QSize size = QSize(96, 72), QObject* parent = nullptr);
    ~ThumbnailCache() override; ///< waits for the thumbnail being made

    QSize size() const { return mSize; }
    /// The disk cache's size budget: at start-up (in the worker, before any thumbnail) the least
    /// recently used files beyond it are deleted.
    static constexpr qint64 kDiskBudget = 256LL * 1024 * 1024;
    /// Deletes the least recently used thumbnail files (*.png, by modification time, which a cache
    /// hit refreshes) of `folder` until the rest fit in `budget` bytes. Returns how many were deleted.
    /// Pure file work: runs in the worker.
    static int pruneDiskCache(const QString& folder, qint64 budget);
    /// Folder for cached thumbnail files; empty turns the disk cache off.
    void setDiskCacheFolder(const QString& folder) { mDiskFolder = folder; }
    QString diskCacheFolder() const { return mDiskFolder; }

    /// Queues the files that have no thumbnail in memory yet, in this order, replacing what was
    /// queued before (opening another folder drops the old queue). Results arrive as ready()/failed().
    void request(const QStringList& paths);
    /// Queues one file first, keeping the rest of the queue: a thumbnail that was shown but has left
    /// the memory cache since (the disk cache makes it cheap). Nothing when it is in memory.
    void requestFirst(const QString& path);
    /// The thumbnail if it is in memory (null otherwise; request() it).
    QImage cached(const QString& path) const;
    /// Memory cache budget in KiB (default 64 MiB); the least recently used thumbnails leave first.
    void setMemoryBudget(int kib) { mMemory.setMaxCost(kib); }
    int memoryBudget() const { return int(mMemory.maxCost()); }
    bool isIdle() const { return mQueue.empty() && !mRunning; }
    /// Thumbnails decoded from image files (not from the disk cache): tests see what was cached.
    int decodedCount() const { return mDecoded; }

    /// Reads `path` scaled to fit `size` (JPEG decodes at reduced size; EXIF orientation applied;
    /// formats Qt cannot read go through core's reader). Pure: runs in the worker. Null + `error`.
    static QImage makeThumbnail(const QString& path, QSize size, QString* error);
    /// The cache key of a file (absolute path + modification time + size).
    static QString keyOf(const QString& path);

Q_SIGNALS:
    void ready(const QString& path, const QImage& thumbnail);
    void failed(const QString& path, const QString& error);

private:
    struct Result {
        QString path, key, error;
        QImage image;
        bool decoded = false;
    };
    void startNext();
    void finished(Result r);

    QSize mSize;
    QString mDiskFolder;
    QCache<QString, QImage> mMemory; ///< by key; cost in KiB
    std::deque<QString> mQueue;
    QThreadPool mPool;
    bool mRunning = false;
    int mDecoded = 0;
};

} // namespace zm::ui
