// ImageListModel: the images of the open folder, one row each, with their status (to do, encoded,
// predicted, edited, exported, unreadable), why an unreadable one cannot be read, and an icon: the
// thumbnail with a status dot, or the dot alone. Path -> row is a hash lookup, so status updates stay
// O(1) on folders of tens of thousands of images; icons are made when a row is painted and kept in a
// small cache, never one pixmap per row.
#pragma once
#include <QAbstractListModel>
#include <QCache>
#include <QHash>
#include <QIcon>
#include <QImage>
#include <QSet>
#include <QSize>
#include <QStringList>

#include <vector>

namespace zm::ui {

class ThumbnailCache;

class ImageListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum class Status { NotPredicted, Encoded, Predicted, Edited, Exported, Unreadable };
    enum Role {
        PathRole = Qt::UserRole + 1, ///< absolute file path (QString)
        StatusRole,                  ///< int(Status)
        ProblemRole,                 ///< why it cannot be read (empty when it can)
    };

    /// `thumbnails` (may be null) gives the previews; the model asks it again for one that left its memory.
    explicit ImageListModel(ThumbnailCache* thumbnails, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    /// Replaces the list (every status back to NotPredicted).
    void setPaths(const QStringList& paths);
    const QStringList& paths() const { return mPaths; }
    int size() const { return int(mPaths.size()); }
    /// The row of a path, or -1.
    int rowOf(const QString& path) const { return mRows.value(path, -1); }
    QString path(int row) const { return row >= 0 && row < mPaths.size() ? mPaths[row] : QString(); }

    Status status(int row) const;
    void setStatus(int row, Status status);
    /// Marks the row unreadable with the reason.
    void setProblem(int row, const QString& problem);
    QString problem(int row) const;

    /// Icons: thumbnails on or off, the box they are drawn in (logical pixels) and the screen's density.
    void setThumbnails(bool on);
    bool thumbnails() const { return mShowThumbnails; }
    void setIconBox(QSize box, qreal devicePixelRatio);
    /// A thumbnail was made for `path` (ThumbnailCache::ready).
    void thumbnailReady(const QString& path, const QImage& thumbnail);

    static QString statusText(Status status);
    static QColor statusColor(Status status);

private:
    QIcon icon(int row) const;
    void changed(int row);

    ThumbnailCache* mThumbnails;
    QStringList mPaths;
    QHash<QString, int> mRows;
    std::vector<Status> mStatus;
    QHash<QString, QString> mProblems;
    bool mShowThumbnails = true;
    QSize mBox{96, 72};
    qreal mDpr = 1.0;
    mutable QSet<QString> mThumbnailShown;   ///< paths that showed a thumbnail (asked again if evicted)
    mutable QCache<int, QIcon> mIcons{256};  ///< row -> icon, for the rows painted lately
    mutable QHash<QString, QIcon> mDotIcons; ///< one shared icon per status (and size) for dot-only rows
};

} // namespace zm::ui
