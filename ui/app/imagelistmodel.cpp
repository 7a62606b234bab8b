// ImageListModel implementation.
#include "ui/app/imagelistmodel.h"

#include "ui/app/thumbnailcache.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace zm::ui {

namespace {

/// The row's icon: the thumbnail (when there is one) with the status dot in its corner, or the dot alone.
/// Drawn at the device pixel ratio, so it stays sharp on HiDPI screens.
QIcon statusIcon(const QColor& c, const QImage& thumbnail, QSize box, qreal dpr)
{
    QPixmap pm((QSizeF(box) * dpr).toSize());
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    if (thumbnail.isNull()) {
        const qreal d = std::min(box.width(), box.height()) * 0.45;
        p.setBrush(c);
        p.setPen(Qt::NoPen);
        p.drawEllipse(QRectF((box.width() - d) / 2, (box.height() - d) / 2, d, d));
        return QIcon(pm);
    }
    const QSize t = thumbnail.size().scaled(box, Qt::KeepAspectRatio);
    const QRectF r((box.width() - t.width()) / 2.0, (box.height() - t.height()) / 2.0, t.width(), t.height());
    p.drawImage(r, thumbnail);
    // A frame in the status colour and a dot with a white ring: readable on any photo.
    p.setPen(QPen(c, 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r.adjusted(1, 1, -1, -1));
    const qreal d = std::max(10.0, box.height() * 0.22);
    p.setPen(QPen(Qt::white, 1.5));
    p.setBrush(c);
    p.drawEllipse(QRectF(r.right() - d - 2, r.bottom() - d - 2, d, d));
    return QIcon(pm);
}

} // namespace

ImageListModel::ImageListModel(ThumbnailCache* thumbnails, QObject* parent)
    : QAbstractListModel(parent), mThumbnails(thumbnails)
{
}

QColor ImageListModel::statusColor(Status s)
{
    // Grey = to do, blue = encoded, green = predicted, orange = edited, violet = exported, red = unreadable.
    switch (s) {
    case Status::NotPredicted:
        return QColor(150, 150, 150);
    case Status::Encoded:
        return QColor(67, 99, 216);
    case Status::Predicted:
        return QColor(60, 180, 75);
    case Status::Edited:
        return QColor(245, 130, 49);
    case Status::Exported:
        return QColor(145, 30, 180);
    case Status::Unreadable:
        return QColor(220, 30, 40);
    }
    return {};
}

QString ImageListModel::statusText(Status s)
{
    switch (s) {
    case Status::NotPredicted:
        return tr("not yet predicted");
    case Status::Encoded:
        return tr("encoded, not yet shown");
    case Status::Predicted:
        return tr("predicted");
    case Status::Edited:
        return tr("edited");
    case Status::Exported:
        return tr("exported");
    case Status::Unreadable:
        return tr("unreadable");
    }
    return {};
}

int ImageListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(mPaths.size());
}

QVariant ImageListModel::data(const QModelIndex& index, int role) const
{
    const int row = index.row();
    if (!index.isValid() || row < 0 || row >= mPaths.size())
        return {};
    const Status s = mStatus[std::size_t(row)];
    switch (role) {
    case Qt::DisplayRole:
        return QFileInfo(mPaths[row]).fileName();
    case Qt::DecorationRole:
        return icon(row);
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1\n%2").arg(mPaths[row], statusText(s));
        if (s == Status::Unreadable)
            tip += QStringLiteral("\n") + mProblems.value(mPaths[row]);
        return tip;
    }
    case Qt::AccessibleDescriptionRole:
        return statusText(s);
    case Qt::ForegroundRole:
        return s == Status::Unreadable ? QVariant(QBrush(QColor(200, 30, 30))) : QVariant();
    case PathRole:
        return mPaths[row];
    case StatusRole:
        return int(s);
    case ProblemRole:
        return mProblems.value(mPaths[row]);
    default:
        return {};
    }
}

void ImageListModel::setPaths(const QStringList& paths)
{
    beginResetModel();
    mPaths = paths;
    mRows.clear();
    mRows.reserve(paths.size());
    for (int i = 0; i < paths.size(); ++i)
        mRows.insert(paths[i], i);
    mStatus.assign(std::size_t(paths.size()), Status::NotPredicted);
    mProblems.clear();
    mThumbnailShown.clear();
    mIcons.clear();
    endResetModel();
}

ImageListModel::Status ImageListModel::status(int row) const
{
    return row >= 0 && row < int(mStatus.size()) ? mStatus[std::size_t(row)] : Status::NotPredicted;
}

void ImageListModel::setStatus(int row, Status status)
{
    if (row < 0 || row >= int(mStatus.size()) || mStatus[std::size_t(row)] == status)
        return;
    mStatus[std::size_t(row)] = status;
    changed(row);
}

void ImageListModel::setProblem(int row, const QString& problem)
{
    if (row < 0 || row >= mPaths.size())
        return;
    mProblems.insert(mPaths[row], problem);
    mStatus[std::size_t(row)] = Status::Unreadable;
    changed(row);
}

QString ImageListModel::problem(int row) const
{
    return row >= 0 && row < mPaths.size() ? mProblems.value(mPaths[row]) : QString();
}

void ImageListModel::setThumbnails(bool on)
{
    if (on == mShowThumbnails)
        return;
    mShowThumbnails = on;
    mIcons.clear();
    if (!mPaths.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(mPaths.size()) - 1), {Qt::DecorationRole});
}

void ImageListModel::setIconBox(QSize box, qreal devicePixelRatio)
{
    mBox = box;
    mDpr = devicePixelRatio;
    mIcons.clear();
    if (!mPaths.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(mPaths.size()) - 1), {Qt::DecorationRole});
}

void ImageListModel::thumbnailReady(const QString& path, const QImage& thumbnail)
{
    const int row = rowOf(path);
    if (row < 0 || !mShowThumbnails)
        return;
    // The fresh thumbnail is drawn now: the memory cache may already have let it go again.
    mThumbnailShown.insert(path);
    mIcons.insert(row, new QIcon(statusIcon(statusColor(mStatus[std::size_t(row)]), thumbnail, mBox, mDpr)));
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {Qt::DecorationRole});
}

void ImageListModel::changed(int row)
{
    mIcons.remove(row);
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i,
                       {Qt::DecorationRole, Qt::ToolTipRole, Qt::AccessibleDescriptionRole, Qt::ForegroundRole,
                        StatusRole, ProblemRole});
}

QIcon ImageListModel::icon(int row) const
{
    if (const QIcon* cached = mIcons.object(row))
        return *cached;
    const Status s = mStatus[std::size_t(row)];
    const QString& path = mPaths[row];
    const QImage thumbnail = mShowThumbnails && mThumbnails ? mThumbnails->cached(path) : QImage();
    if (!thumbnail.isNull()) {
        mThumbnailShown.insert(path);
        auto* made = new QIcon(statusIcon(statusColor(s), thumbnail, mBox, mDpr));
        const QIcon copy = *made;
        mIcons.insert(row, made);
        return copy;
    }
    // A thumbnail shown before but evicted from the memory cache since: asked for again (from the disk
    // cache), it replaces the dot when it comes back instead of being lost for good.
    if (mShowThumbnails && mThumbnails && s != Status::Unreadable && mThumbnailShown.contains(path))
        mThumbnails->requestFirst(path);
    // Dot-only rows share one icon per status: no pixmap per row.
    const QString key = QStringLiteral("%1|%2x%3|%4").arg(int(s)).arg(mBox.width()).arg(mBox.height()).arg(mDpr);
    auto it = mDotIcons.find(key);
    if (it == mDotIcons.end())
        it = mDotIcons.insert(key, statusIcon(statusColor(s), QImage(), mBox, mDpr));
    return *it;
}

} // namespace zm::ui
