// The main window opens offscreen with its main parts, and shows an image it is given.
#include "ui/app/mainwindow.h"
#include "ui/canvas/canvasview.h"
#include "ui/panels/classespanel.h"

#include "core/io/image_io.h"
#include "tests/support/testdir.h"

#include <QDockWidget>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QTest>
#include <gtest/gtest.h>

using namespace zm;

TEST(MainWindow, OpensWithMainParts)
{
    ui::MainWindow w;
    w.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
    EXPECT_NE(w.findChild<ui::CanvasView*>(QStringLiteral("Canvas")), nullptr);
    EXPECT_NE(w.findChild<QDockWidget*>(QStringLiteral("ImagesDock")), nullptr);
    EXPECT_NE(w.findChild<QDockWidget*>(QStringLiteral("ClassesDock")), nullptr);
    EXPECT_NE(w.findChild<QLineEdit*>(QStringLiteral("ClassNameEdit")), nullptr);
    EXPECT_FALSE(w.menuBar()->actions().isEmpty());
    EXPECT_NE(w.statusBar(), nullptr);
    const QImage shot = w.grab().toImage();
    EXPECT_GT(shot.width(), 100);
}

TEST(MainWindow, OpensFolderAndShowsImage)
{
    test::TempDir dir;
    Image img(64, 48, 3);
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        img.pixels[i] = std::uint8_t(i);
    saveImage(dir / "b.png", img);
    saveImage(dir / "a.png", img);
    ui::MainWindow w;
    w.openPaths({QString::fromStdString(dir.path().string())});
    EXPECT_EQ(w.imageCount(), 2);
    EXPECT_EQ(w.currentIndex(), 0);
    EXPECT_TRUE(w.canvas()->hasImage());
    EXPECT_EQ(w.imageList()->item(0)->text(), QStringLiteral("a.png"));
}

TEST(MainWindow, CorruptImageIsReportedNotFatal)
{
    test::TempDir dir;
    {
        FILE* f = fopen((dir / "bad.png").c_str(), "wb");
        fputs("garbage", f);
        fclose(f);
    }
    ui::MainWindow w;
    w.openPaths({QString::fromStdString((dir / "bad.png").string())});
    EXPECT_FALSE(w.canvas()->hasImage());
}
