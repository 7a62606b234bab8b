// The main window end to end, offscreen, with a fake colour model and a fake embedder: open images,
// type classes, rename, hide, switch while encoding, corrupt files, settings.
#include "ui/app/mainwindow.h"
#include "ui/canvas/canvasview.h"
#include "ui/document/imagedocument.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/classespanel.h"
#include "tests/ui/support/uitest.h"

#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QIcon>
#include <QListView>
#include <QMenuBar>
#include <QSlider>
#include <QStatusBar>
#include <QTest>
#include <gtest/gtest.h>

using namespace zm;

namespace {

struct Fixture : test::MainWindowHarness {
};

} // namespace

TEST(MainWindow, OpensWithMainParts)
{
    test::isolateSettings();
    ui::MainWindow w(nullptr, false);
    w.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
    EXPECT_NE(w.findChild<ui::CanvasView*>(QStringLiteral("Canvas")), nullptr);
    EXPECT_NE(w.findChild<QDockWidget*>(QStringLiteral("ImagesDock")), nullptr);
    EXPECT_NE(w.findChild<QDockWidget*>(QStringLiteral("ClassesDock")), nullptr);
    EXPECT_NE(w.findChild<QDockWidget*>(QStringLiteral("ChartsDock")), nullptr);
    EXPECT_NE(w.findChild<QLineEdit*>(QStringLiteral("ClassNameEdit")), nullptr);
    EXPECT_FALSE(w.menuBar()->actions().isEmpty());
    // Without model and vectors the panel says what is missing instead of failing silently.
    auto* notice = w.findChild<QLabel*>(QStringLiteral("ClassesNotice"));
    ASSERT_NE(notice, nullptr);
    EXPECT_TRUE(notice->isVisibleTo(&w));
    EXPECT_TRUE(notice->text().contains(QStringLiteral("model"), Qt::CaseInsensitive));
    const QImage shot = w.grab().toImage();
    EXPECT_GT(shot.width(), 100);
}

TEST(MainWindow, OpensFolderAndShowsImage)
{
    Fixture f;
    Image img(64, 48, 3);
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        img.pixels[i] = std::uint8_t(i);
    saveImage(f.dir / "b10.png", img);
    saveImage(f.dir / "b2.png", img);
    f.w->openPaths({QString::fromStdString(f.dir.path().string())});
    EXPECT_EQ(f.w->imageCount(), 2);
    EXPECT_EQ(f.w->currentIndex(), 0);
    EXPECT_EQ(f.w->imageList()->model()->index(0, 0).data().toString(), QStringLiteral("b2.png")); // natural order
    ui::ImageDocument* doc = f.waitForDocument();
    ASSERT_NE(doc, nullptr);
    EXPECT_TRUE(f.w->canvas()->hasImage());
    EXPECT_EQ(doc->image().width, 64);
    EXPECT_EQ(doc->image().pixels, img.pixels);
    // Next with the D key (on the canvas: in the class name field D is a letter).
    f.w->show();
    f.w->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(f.w.get()));
    f.w->canvas()->setFocus();
    QTest::keyClick(f.w->canvas(), Qt::Key_D);
    EXPECT_EQ(f.w->currentIndex(), 1);
    QTest::keyClick(f.w->canvas(), Qt::Key_A);
    EXPECT_EQ(f.w->currentIndex(), 0);
}

TEST(MainWindow, TypingAClassLabelsOnlyWhereItWins)
{
    Fixture f;
    const Image img = test::threeColourImage(40, 20);
    saveImage(f.dir / "a.png", img);
    f.w->openPaths({QString::fromStdString((f.dir / "a.png").string())});
    ui::ImageDocument* doc = f.waitForDocument();
    ASSERT_NE(doc, nullptr);
    ASSERT_TRUE(test::waitFor([&] { return f.backend->encodeCount == 1 && !f.w->controller()->isBusy(); }));

    f.typeClass(QStringLiteral("red"));
    ASSERT_EQ(f.w->classes()->rowCount(), 1);
    const std::uint16_t red = std::uint16_t(f.w->classes()->at(0).id);
    ASSERT_TRUE(test::waitFor([&] { return !doc->labels().empty() && doc->labels().at(0, 0) == red; }));
    // One class wins everywhere.
    for (std::uint16_t v : doc->labels().ids)
        EXPECT_EQ(v, red);

    f.typeClass(QStringLiteral("green; grass"));
    ASSERT_EQ(f.w->classes()->rowCount(), 2);
    const std::uint16_t green = std::uint16_t(f.w->classes()->at(1).id);
    ASSERT_TRUE(test::waitFor([&] { return doc->labels().at(39, 19) == green; }));
    // The new class took the green half only; red pixels stayed red; no re-encoding happened.
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 40; ++x) {
            const bool isGreen = x >= 20;
            const bool isBlue = x < 10 && y < 5;
            if (isGreen) {
                EXPECT_EQ(doc->labels().at(x, y), green) << x << "," << y;
            } else if (!isBlue) {
                EXPECT_EQ(doc->labels().at(x, y), red) << x << "," << y;
            }
        }
    EXPECT_EQ(f.backend->encodeCount, 1);
    EXPECT_GE(f.backend->scoreCount, 2);
    // The overlay shows the classes' colours.
    const QImage& overlay = f.w->canvas()->overlayImage();
    ASSERT_EQ(overlay.size(), QSize(40, 20));
    EXPECT_EQ(QColor(qUnpremultiply(overlay.pixel(30, 10))).rgb(), f.w->classes()->at(1).color.rgb());
    EXPECT_EQ(QColor(qUnpremultiply(overlay.pixel(15, 15))).rgb(), f.w->classes()->at(0).color.rgb());
    // Its nearest words arrive asynchronously.
    EXPECT_TRUE(test::waitFor([&] { return !f.w->classes()->at(1).neighbors.isEmpty(); }));
}

TEST(MainWindow, RenamingReEmbedsAndHidingHidesTheOverlay)
{
    Fixture f;
    saveImage(f.dir / "a.png", test::threeColourImage(40, 20));
    f.w->openPaths({QString::fromStdString((f.dir / "a.png").string())});
    ui::ImageDocument* doc = f.waitForDocument();
    f.typeClass(QStringLiteral("red"));
    f.typeClass(QStringLiteral("green"));
    const std::uint16_t first = f.w->classes()->at(0).id;
    const std::uint16_t second = f.w->classes()->at(1).id;
    ASSERT_TRUE(test::waitFor([&] { return !doc->labels().empty() && doc->labels().at(30, 10) == second; }));

    // Rename "green" to "blue": its vector changes and it now wins the blue corner, not the green half.
    const std::vector<float> before = f.w->classes()->at(1).vector;
    f.w->controller()->renameClass(second, QStringLiteral("blue"));
    EXPECT_NE(f.w->classes()->at(1).vector, before);
    EXPECT_EQ(f.w->classes()->at(1).id, second); // identity kept
    ASSERT_TRUE(test::waitFor([&] { return doc->labels().at(2, 2) == second && doc->labels().at(30, 10) != second; }));

    // Hiding a class makes its pixels transparent and leaves the others drawn.
    f.w->classes()->setVisible(first, false);
    const QImage& overlay = f.w->canvas()->overlayImage();
    EXPECT_EQ(qAlpha(overlay.pixel(15, 15)), 0);
    EXPECT_GT(qAlpha(overlay.pixel(2, 2)), 0);
    f.w->classes()->setVisible(first, true);
    EXPECT_GT(qAlpha(f.w->canvas()->overlayImage().pixel(15, 15)), 0);

    // Unknown words are reported on the class, not thrown.
    f.typeClass(QStringLiteral("qwertyuiop"));
    EXPECT_FALSE(f.w->classes()->at(2).problem.isEmpty());
    EXPECT_TRUE(f.w->classes()->at(2).vector.empty());
}

TEST(MainWindow, SwitchingImagesWhileEncodingShowsNoStaleResult)
{
    Fixture f;
    // Long enough that the switch below always lands while "a" is still encoding, even on a loaded
    // machine (with 400 ms a descheduled GUI thread let "a" finish first and nothing was cancelled).
    f.backend->encodeDelayMs = 2500;
    Image a = test::threeColourImage(32, 16);
    Image b(32, 16, 3);
    for (std::size_t i = 0; i < b.pixels.size(); i += 3)
        b.pixels[i + 2] = 250; // all blue
    saveImage(f.dir / "a.png", a);
    saveImage(f.dir / "b.png", b);
    f.w->classes(); // classes exist before the images: the first prediction uses them
    f.typeClass(QStringLiteral("red"));
    f.typeClass(QStringLiteral("blue"));
    const std::uint16_t blue = f.w->classes()->at(1).id;
    f.w->openPaths({QString::fromStdString(f.dir.path().string())});
    ASSERT_TRUE(test::waitFor([&] { return f.w->controller()->isEncoding(); }));
    // Switch while "a" is encoding: its result must never land on "b".
    f.w->showImage(1);
    ui::ImageDocument* docB = nullptr;
    ASSERT_TRUE(test::waitFor([&] {
        docB = f.w->documentFor(f.w->currentPath());
        return docB && !docB->labels().empty() && docB->labels().at(0, 0) != LabelMap::kVoid;
    }));
    for (std::uint16_t v : docB->labels().ids)
        EXPECT_EQ(v, blue);
    EXPECT_EQ(f.w->currentDocument(), docB);
    EXPECT_GE(f.backend->cancelledCount, 1);
    // Rapid switching does not crash and ends on a correct prediction.
    f.backend->encodeDelayMs = 200;
    for (int i = 0; i < 6; ++i)
        f.w->showImage(i % 2);
    ASSERT_TRUE(test::waitFor([&] { return !f.w->controller()->isBusy() && f.w->currentIndex() == 1; }, 20000));
    ASSERT_TRUE(test::waitFor([&] { return f.w->currentDocument() && f.w->currentDocument()->labels().at(0, 0) == blue; }));
}

TEST(MainWindow, NextImagesArePreEncoded)
{
    Fixture f;
    for (const char* n : {"1.png", "2.png", "3.png"})
        saveImage(f.dir / n, test::threeColourImage(16, 8));
    f.w->openPaths({QString::fromStdString(f.dir.path().string())});
    // The current image and the next two get encoded without being shown.
    ASSERT_TRUE(test::waitFor([&] { return f.backend->encodeCount == 3; }));
    EXPECT_EQ(f.w->imageStatus(1), ui::MainWindow::ImageStatus::Encoded);
    const int before = f.backend->encodeCount;
    f.w->showImage(1);
    f.waitForDocument();
    f.typeClass(QStringLiteral("red"));
    ASSERT_TRUE(test::waitFor([&] { return f.w->imageStatus(1) == ui::MainWindow::ImageStatus::Predicted; }));
    EXPECT_EQ(f.backend->encodeCount, before); // taken from the cache
}

TEST(MainWindow, CorruptImageIsReportedNotFatal)
{
    Fixture f;
    {
        FILE* fp = fopen((f.dir / "bad.png").c_str(), "wb");
        fputs("garbage", fp);
        fclose(fp);
    }
    saveImage(f.dir / "good.png", test::threeColourImage(8, 8));
    f.w->openPaths({QString::fromStdString(f.dir.path().string())});
    ASSERT_EQ(f.w->imageCount(), 2);
    ASSERT_TRUE(test::waitFor([&] { return f.w->imageStatus(0) == ui::MainWindow::ImageStatus::Unreadable; }));
    EXPECT_FALSE(f.w->canvas()->hasImage());
    EXPECT_TRUE(f.w->imageProblem(0).contains(QStringLiteral("bad.png")));
    EXPECT_TRUE(f.w->imageList()->model()->index(0, 0).data(Qt::ToolTipRole).toString().contains(f.w->imageProblem(0)));
    // The next image still works.
    f.w->showImage(1);
    EXPECT_NE(f.waitForDocument(), nullptr);
    EXPECT_TRUE(f.w->canvas()->hasImage());
}

TEST(MainWindow, SettingsRoundTrip)
{
    test::isolateSettings();
    auto embedder = std::make_shared<test::FakeEmbedder>();
    QByteArray geometry;
    {
        ui::MainWindow w(nullptr, false);
        w.setEmbedder(embedder);
        w.resize(900, 650);
        w.findChild<QSlider*>(QStringLiteral("OpacitySlider"))->setValue(73);
        w.controller()->addClass(QStringLiteral("red"));
        w.controller()->addClass(QStringLiteral("sky"));
        w.classes()->setColor(w.classes()->at(1).id, QColor(1, 2, 3));
        w.classes()->setVisible(w.classes()->at(0).id, false);
        w.saveSettings();
    }
    {
        ui::MainWindow w(nullptr, false); // classes come back from the settings (vectors: none here)
        EXPECT_EQ(w.size(), QSize(900, 650));
        EXPECT_EQ(w.findChild<QSlider*>(QStringLiteral("OpacitySlider"))->value(), 73);
        EXPECT_NEAR(w.canvas()->overlayOpacity(), 0.73, 1e-6);
        ASSERT_EQ(w.classes()->rowCount(), 2);
        EXPECT_EQ(w.classes()->at(0).name, QStringLiteral("red"));
        EXPECT_FALSE(w.classes()->at(0).visible);
        EXPECT_EQ(w.classes()->at(1).color, QColor(1, 2, 3));
        // Vectors come back when an embedder is set.
        w.setEmbedder(embedder);
        EXPECT_EQ(w.classes()->at(1).vector, embedder->embed("sky"));
    }
}

TEST(MainWindow, ProjectKeepsClassesAndLabels)
{
    Fixture f;
    saveImage(f.dir / "a.png", test::threeColourImage(8, 8));
    f.w->openPaths({QString::fromStdString(f.dir.path().string())});
    ASSERT_NE(f.w->project(), nullptr);
    ui::ImageDocument* doc = f.waitForDocument();
    f.typeClass(QStringLiteral("red"));
    f.typeClass(QStringLiteral("blue; sky"));
    const std::uint16_t sky = f.w->classes()->at(1).id;
    ASSERT_TRUE(test::waitFor([&] { return !doc->labels().empty() && doc->labels().at(0, 0) == sky; }));
    // A person's edit: one confirmed pixel of "red" in the blue corner.
    doc->applyLabels(QRect(1, 1, 1, 1), {f.w->classes()->at(0).id}, {1});
    QString error;
    ASSERT_TRUE(f.w->saveProject(&error)) << error.toStdString();
    EXPECT_TRUE(std::filesystem::exists(f.dir / "zeromask-project"));

    // A new session on the same folder gets the classes (ids, synonyms) and the edit back.
    f.w.reset();
    test::isolateSettings();
    ui::MainWindow w2(nullptr, false);
    w2.setEmbedder(f.embedder);
    w2.setBackend(f.backend);
    w2.openPaths({QString::fromStdString(f.dir.path().string())});
    ASSERT_EQ(w2.classes()->rowCount(), 2);
    EXPECT_EQ(w2.classes()->at(1).id, sky);
    EXPECT_EQ(w2.classes()->at(1).name, QStringLiteral("blue; sky"));
    EXPECT_FALSE(w2.classes()->at(1).vector.empty());
    ASSERT_TRUE(test::waitFor([&] { return w2.currentDocument() && !w2.currentDocument()->labels().empty(); }));
    EXPECT_EQ(w2.currentDocument()->labels().at(1, 1), w2.classes()->at(0).id);
    EXPECT_EQ(w2.imageStatus(0), ui::MainWindow::ImageStatus::Edited);
    // The prediction still fills the unconfirmed pixels.
    ASSERT_TRUE(test::waitFor([&] { return w2.currentDocument()->labels().at(0, 0) == sky; }));
}
