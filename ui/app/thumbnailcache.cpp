// ThumbnailCache implementation.
#include "ui/app/thumbnailcache.h"

#include "ui/util/runasync.h"

#include "ui/canvas/canvasview.h"

#include "core/io/image_io.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QSaveFile>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace zm::ui {

ThumbnailCache::ThumbnailCache(QSize size, QObject* parent) : QObject(parent), mSize(size)
{
    // 64 MiB (cost in KiB): about 2,400 thumbnails of 96x72 RGB32 (27 KiB), about 600 at twice the
    // pixel density (192x144, 108 KiB). The image list keeps icons only for the rows painted lately;
    // what leaves this cache is asked for again (from the disk cache) when a row must be redrawn.
    mMemory.setMaxCost(64 * 1024);
    mPool.setMaxThreadCount(1);
    mPool.setThreadPriority(QThread::LowestPriority);
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (!cache.isEmpty())
        mDiskFolder = cache + QStringLiteral("/thumbnails");
    // The disk cache would otherwise grow for ever (every folder ever opened): trimmed once per start,
    // in the worker (one thread, so before any thumbnail is read or written there).
    if (!mDiskFolder.isEmpty())
        (void)QtConcurrent::run(&mPool, [folder = mDiskFolder] { pruneDiskCache(folder, kDiskBudget); });
}

ThumbnailCache::~ThumbnailCache()
{
    mQueue.clear();
    mPool.waitForDone(); // the job in flight runs in this pool (a watcher with no future would wait forever)
}

QString ThumbnailCache::keyOf(const QString& path)
{
    const QFileInfo fi(path);
    return QStringLiteral("%1|%2|%3")
        .arg(fi.absoluteFilePath())
        .arg(fi.lastModified().toMSecsSinceEpoch())
        .arg(fi.size());
}

QImage ThumbnailCache::cached(const QString& path) const
{
    const QImage* img = mMemory.object(keyOf(path));
    return img ? *img : QImage();
}

void ThumbnailCache::request(const QStringList& paths)
{
    mQueue.clear();
    for (const QString& p : paths)
        if (!mMemory.contains(keyOf(p)))
            mQueue.push_back(p);
    startNext();
}

void ThumbnailCache::requestFirst(const QString& path)
{
    if (mMemory.contains(keyOf(path)))
        return;
    mQueue.push_front(path); // a second entry later in the queue is skipped once this one is cached
    startNext();
}

int ThumbnailCache::pruneDiskCache(const QString& folder, qint64 budget)
{
    QFileInfoList files = QDir(folder).entryInfoList({QStringLiteral("*.png")}, QDir::Files | QDir::NoSymLinks);
    qint64 total = 0;
    for (const QFileInfo& f : files)
        total += f.size();
    if (total <= budget)
        return 0;
    std::sort(files.begin(), files.end(),
              [](const QFileInfo& a, const QFileInfo& b) { return a.lastModified() < b.lastModified(); });
    int removed = 0;
    for (const QFileInfo& f : files) {
        if (total <= budget)
            break;
        if (QFile::remove(f.absoluteFilePath())) {
            total -= f.size();
            ++removed;
        }
    }
    return removed;
}

QImage ThumbnailCache::makeThumbnail(const QString& path, QSize box, QString* error)
{
    QImageReader reader(path);
    reader.setAutoTransform(true); // EXIF orientation
    QImage img;
    const QSize full = reader.size();
    if (full.isValid()) {
        // Decode at about twice the box (JPEG scales in the decoder), then scale smoothly. The box is
        // made square first: a 90-degree EXIF rotation swaps width and height after decoding.
        const int side = std::max(box.width(), box.height()) * 2;
        if (full.width() > side || full.height() > side)
            reader.setScaledSize(full.scaled(side, side, Qt::KeepAspectRatio));
    }
    if (!reader.read(&img) || img.isNull()) {
        // Formats or bit depths Qt's plugins do not read: core's reader (OpenCV), at full size.
        try {
            img = toQImage(zm::loadImageRgb(path.toStdString()));
        } catch (const std::exception& e) {
            if (error)
                *error = QString::fromUtf8(e.what());
            return {};
        }
    }
    if (img.isNull()) {
        if (error)
            *error = QObject::tr("cannot read %1").arg(path);
        return {};
    }
    return img.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation).convertToFormat(QImage::Format_RGB32);
}

void ThumbnailCache::startNext()
{
    if (mRunning)
        return;
    while (!mQueue.empty()) {
        const QString path = mQueue.front();
        mQueue.pop_front();
        const QString key = keyOf(path);
        if (mMemory.contains(key))
            continue;
        mRunning = true;
        runAsync(
            this, &mPool,
            [path, key, size = mSize, disk = mDiskFolder] {
                Result r;
                r.path = path;
                r.key = key;
                QString file;
                if (!disk.isEmpty()) {
                    const QByteArray h = QCryptographicHash::hash(
                        (key + QStringLiteral("|%1x%2").arg(size.width()).arg(size.height())).toUtf8(),
                        QCryptographicHash::Sha1);
                    file = disk + QLatin1Char('/') + QString::fromLatin1(h.toHex()) + QStringLiteral(".png");
                    if (QFileInfo::exists(file) && r.image.load(file)) {
                        // Used now: the last to go when the cache is pruned.
                        QFile f(file);
                        if (f.open(QIODevice::ReadWrite))
                            f.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
                        return r;
                    }
                }
                r.image = makeThumbnail(path, size, &r.error);
                r.decoded = true;
                if (!r.image.isNull() && !file.isEmpty() && QDir().mkpath(disk)) {
                    // Best effort: a cache that cannot be written only costs decoding again next time.
                    QSaveFile out(file);
                    if (out.open(QIODevice::WriteOnly) && r.image.save(&out, "PNG"))
                        out.commit();
                }
                return r;
            },
            [this](Result r) { finished(std::move(r)); });
        return;
    }
}

void ThumbnailCache::finished(Result r)
{
    mRunning = false;
    if (r.decoded)
        ++mDecoded;
    if (r.image.isNull()) {
        Q_EMIT failed(r.path, r.error);
    } else {
        mMemory.insert(r.key, new QImage(r.image), std::max<qsizetype>(1, r.image.sizeInBytes() / 1024));
        Q_EMIT ready(r.path, r.image);
    }
    startNext();
}

} // namespace zm::ui
