// ImageListModel: rows, the path->row hash, status and problem roles, icons (one shared dot per status,
// a thumbnail when there is one), and the change signals a view repaints on.
#include "tests/ui/support/uitest.h"
#include "ui/app/imagelistmodel.h"
#include "ui/app/thumbnailcache.h"

#include <QIcon>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace zm;
using Status = ui::ImageListModel::Status;

namespace {

qint64 iconKey(const ui::ImageListModel& m, int row)
{
    return qvariant_cast<QIcon>(m.index(row).data(Qt::DecorationRole)).cacheKey();
}

} // namespace

TEST(ImageListModel, RowsStatusAndProblems)
{
    ui::ImageListModel m(nullptr);
    m.setPaths({QStringLiteral("/x/b2.png"), QStringLiteral("/x/b10.png"), QStringLiteral("/y/c.jpg")});
    ASSERT_EQ(m.rowCount(), 3);
    EXPECT_EQ(m.rowOf(QStringLiteral("/x/b10.png")), 1);
    EXPECT_EQ(m.rowOf(QStringLiteral("/nowhere.png")), -1);
    EXPECT_EQ(m.index(0).data().toString(), QStringLiteral("b2.png"));
    EXPECT_EQ(m.index(2).data(ui::ImageListModel::PathRole).toString(), QStringLiteral("/y/c.jpg"));
    EXPECT_EQ(m.status(1), Status::NotPredicted);

    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.setStatus(1, Status::Predicted);
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().row(), 1);
    EXPECT_EQ(m.index(1).data(ui::ImageListModel::StatusRole).toInt(), int(Status::Predicted));
    EXPECT_EQ(m.index(1).data(Qt::AccessibleDescriptionRole).toString(), QStringLiteral("predicted"));
    m.setStatus(1, Status::Predicted); // no change, no signal
    EXPECT_EQ(changed.count(), 1);

    m.setProblem(2, QStringLiteral("c.jpg: not a JPEG file"));
    EXPECT_EQ(m.status(2), Status::Unreadable);
    EXPECT_TRUE(m.index(2).data(Qt::ToolTipRole).toString().contains(QStringLiteral("not a JPEG file")));
    EXPECT_EQ(m.problem(2), QStringLiteral("c.jpg: not a JPEG file"));
    EXPECT_TRUE(m.index(2).data(Qt::ForegroundRole).isValid());

    // Out of range is harmless.
    m.setStatus(7, Status::Edited);
    EXPECT_EQ(m.status(-1), Status::NotPredicted);
    EXPECT_FALSE(m.index(5).data().isValid());

    // A new folder starts over.
    m.setPaths({QStringLiteral("/z/a.png")});
    EXPECT_EQ(m.rowCount(), 1);
    EXPECT_EQ(m.rowOf(QStringLiteral("/x/b2.png")), -1);
    EXPECT_EQ(m.status(0), Status::NotPredicted);
    EXPECT_TRUE(m.problem(0).isEmpty());
}

TEST(ImageListModel, DotsAreSharedPerStatusAndThumbnailsReplaceThem)
{
    ui::ThumbnailCache thumbs(QSize(96, 72));
    thumbs.setDiskCacheFolder({});
    ui::ImageListModel m(&thumbs);
    m.setPaths({QStringLiteral("/x/a.png"), QStringLiteral("/x/b.png"), QStringLiteral("/x/c.png")});
    EXPECT_EQ(iconKey(m, 0), iconKey(m, 2)); // one dot icon per status, no pixmap per row
    m.setStatus(2, Status::Edited);
    EXPECT_NE(iconKey(m, 0), iconKey(m, 2));

    QImage thumbnail(96, 48, QImage::Format_RGB32);
    thumbnail.fill(Qt::darkGreen);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.thumbnailReady(QStringLiteral("/x/a.png"), thumbnail);
    ASSERT_EQ(changed.count(), 1);
    const qint64 withThumbnail = iconKey(m, 0);
    EXPECT_NE(withThumbnail, iconKey(m, 1));
    EXPECT_EQ(iconKey(m, 0), withThumbnail);                       // kept, not redrawn on every paint
    m.thumbnailReady(QStringLiteral("/elsewhere.png"), thumbnail); // not in the list: ignored
    EXPECT_EQ(changed.count(), 1);

    // Thumbnails off: dots only, and a late thumbnail does not bring one back.
    m.setThumbnails(false);
    EXPECT_EQ(iconKey(m, 0), iconKey(m, 1));
    m.thumbnailReady(QStringLiteral("/x/b.png"), thumbnail);
    EXPECT_EQ(iconKey(m, 0), iconKey(m, 1));
}
