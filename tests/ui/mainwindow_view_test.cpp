// The main window's view options and canvas keys, end to end with the fake colour model: the
// confirmed-vs-predicted overlay style (menu, K, settings) and the polygon tool's keys on the canvas.
#include "ui/app/mainwindow.h"
#include "ui/canvas/canvasview.h"
#include "ui/document/imagedocument.h"
#include "ui/edit/polygontool.h"
#include "ui/edit/toolbox.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/classespanel.h"
#include "tests/ui/support/uitest.h"

#include <QAction>
#include <QLineEdit>
#include <QSettings>
#include <QMenu>
#include <QTest>
#include <QToolButton>
#include <gtest/gtest.h>

using namespace zm;
using Style = zm::ui::OverlayRenderer::ConfirmedStyle;

namespace {

struct Window : test::MainWindowHarness {

    ui::ImageDocument* openAndPredict(const QString& cls)
    {
        saveImage(dir / "a.png", test::threeColourImage(40, 20));
        w->openPaths({QString::fromStdString((dir / "a.png").string())});
        ui::ImageDocument* doc = waitForDocument();
        if (!doc)
            return nullptr;
        typeClass(cls);
        test::waitFor([&] { return !doc->predicted().empty(); });
        return doc;
    }
    void activate()
    {
        w->show();
        w->activateWindow();
        (void)QTest::qWaitForWindowActive(w.get()); // may time out offscreen; focus is set below regardless
        w->canvas()->setFocus();
    }
};

} // namespace

TEST(MainWindowView, ConfirmedStyleShowsPeoplesPixelsDifferentlyAndPersists)
{
    Window f;
    ui::ImageDocument* doc = f.openAndPredict(QStringLiteral("red"));
    ASSERT_NE(doc, nullptr);
    const std::uint16_t red = f.w->classes()->at(0).id;
    ASSERT_EQ(doc->labels().at(30, 10), red); // the one class wins everywhere, as a prediction
    // A person confirms a block of "red" (the same class the model predicted there).
    doc->applyLabels(QRect(20, 5, 4, 4), std::vector<std::uint16_t>(16, red), std::vector<std::uint8_t>(16, 1));
    const QImage& overlay = f.w->canvas()->overlayImage();
    EXPECT_EQ(overlay.pixel(21, 6), overlay.pixel(30, 10)); // default: alike

    f.activate();
    QTest::keyClick(f.w->canvas(), Qt::Key_K); // next style: predicted lighter
    EXPECT_EQ(f.w->confirmedStyle(), int(Style::PredictedLighter));
    EXPECT_EQ(f.w->canvas()->confirmedStyle(), Style::PredictedLighter);
    EXPECT_GT(qAlpha(overlay.pixel(21, 6)), qAlpha(overlay.pixel(30, 10)));
    EXPECT_GT(qAlpha(overlay.pixel(30, 10)), 0);

    // The toolbar button cycles too; its arrow opens the three choices.
    auto* button = f.w->findChild<QToolButton*>(QStringLiteral("ConfirmedStyleButton"));
    ASSERT_NE(button, nullptr);
    ASSERT_NE(button->menu(), nullptr);
    EXPECT_GE(button->menu()->actions().size(), 3);
    button->click();
    EXPECT_EQ(f.w->confirmedStyle(), int(Style::ConfirmedOnly));
    button->click();
    EXPECT_EQ(f.w->confirmedStyle(), int(Style::Same));
    button->click();
    EXPECT_EQ(f.w->confirmedStyle(), int(Style::PredictedLighter));

    // The View menu's radio action sets a style directly.
    auto* only = f.w->findChild<QAction*>(QStringLiteral("ConfirmedStyleAction%1").arg(int(Style::ConfirmedOnly)));
    ASSERT_NE(only, nullptr);
    only->trigger();
    EXPECT_TRUE(only->isChecked());
    EXPECT_EQ(qAlpha(f.w->canvas()->overlayImage().pixel(30, 10)), 0);
    EXPECT_GT(qAlpha(f.w->canvas()->overlayImage().pixel(21, 6)), 0);

    // Persisted in the settings and restored by the next window (with the thumbnails switch).
    f.w->findChild<QAction*>(QStringLiteral("ThumbnailsAction"))->setChecked(false);
    f.w->saveSettings();
    EXPECT_EQ(QSettings().value(QStringLiteral("view/confirmedStyle")).toInt(), int(Style::ConfirmedOnly));
    f.w.reset();
    ui::MainWindow again(nullptr, false);
    EXPECT_EQ(again.confirmedStyle(), int(Style::ConfirmedOnly));
    EXPECT_EQ(again.canvas()->confirmedStyle(), Style::ConfirmedOnly);
    EXPECT_FALSE(again.findChild<QAction*>(QStringLiteral("ThumbnailsAction"))->isChecked());
    // K wraps around to "alike".
    again.findChild<QAction*>(QStringLiteral("ConfirmedCycleAction"))->trigger();
    EXPECT_EQ(again.confirmedStyle(), int(Style::Same));
}

TEST(MainWindowView, PolygonKeysWorkOnTheCanvas)
{
    Window f;
    ui::ImageDocument* doc = f.openAndPredict(QStringLiteral("red"));
    ASSERT_NE(doc, nullptr);
    QLineEdit* edit = f.w->classesPanel()->nameEdit();
    edit->setText(QStringLiteral("green"));
    QTest::keyClick(edit, Qt::Key_Return);
    const std::uint16_t green = f.w->classes()->at(1).id;
    f.w->toolBox()->setClassId(green);
    f.w->toolBox()->actionFor(f.w->toolBox()->polygon())->trigger();
    ASSERT_EQ(f.w->canvas()->tool(), f.w->toolBox()->polygon());
    f.activate();
    ui::PolygonTool* poly = f.w->toolBox()->polygon();
    for (QPointF p : {QPointF(2, 2), QPointF(8, 2), QPointF(8, 8), QPointF(2, 8), QPointF(30, 15)})
        poly->press(p, Qt::LeftButton, Qt::NoModifier);
    QTest::keyClick(f.w->canvas(), Qt::Key_Backspace);
    EXPECT_EQ(poly->vertices().size(), 4);
    QTest::keyClick(f.w->canvas(), Qt::Key_Return);
    EXPECT_TRUE(poly->vertices().isEmpty());
    EXPECT_EQ(doc->labels().at(5, 5), green);
    EXPECT_TRUE(doc->isConfirmed(5, 5));
    EXPECT_FALSE(doc->isConfirmed(9, 9));
    EXPECT_EQ(f.w->imageStatus(0), ui::MainWindow::ImageStatus::Edited);
}
