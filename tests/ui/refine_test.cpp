// Edit > Refine edges: on a bright disc over a dark textured background, a small seed in the disc grows
// towards the disc's edge as one undo step (undo gives back the exact labels, redo re-applies), the image
// becomes edited; without a "background" class nothing changes and the status bar says why; an answer for
// labels or an image that changed while the worker ran is dropped.
#include "tests/ui/support/uitest.h"
#include "ui/app/mainwindow.h"
#include "ui/document/imagedocument.h"
#include "ui/edit/classedits.h"
#include "ui/edit/edgerefiner.h"
#include "ui/model/classlistmodel.h"

#include <QAction>
#include <QFile>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QThreadPool>
#include <QToolBar>
#include <QUndoStack>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace zm;

namespace {

constexpr int kSize = 96;
constexpr double kDiscRadius = 30.0;
constexpr double kSeedRadius = 20.0;

bool inDisc(int x, int y, double radius = kDiscRadius)
{
    return std::hypot(x - 48.0, y - 48.0) <= radius;
}

/// A bright (warm) disc of radius 30 at the centre on a dark, textured, noisy background.
Image discImage()
{
    Image img(kSize, kSize, 3);
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> noise(-18, 18);
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x) {
            std::uint8_t* p = img.row(y) + 3 * x;
            const bool disc = inDisc(x, y);
            const int texture = ((x / 4 + y / 4) % 2) * 25; // a checker the background's colour model must learn
            const int base[3] = {disc ? 230 : 30 + texture, disc ? 200 : 40 + texture, disc ? 120 : 35 + texture};
            for (int c = 0; c < 3; ++c)
                p[c] = std::uint8_t(std::clamp(base[c] + noise(rng), 0, 255));
        }
    return img;
}

/// Background everywhere, `object` in a disc of radius 20 inside the object's disc.
LabelMap seedLabels(std::uint16_t background, std::uint16_t object)
{
    LabelMap m(kSize, kSize, background);
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x)
            if (inDisc(x, y, kSeedRadius))
                m.at(x, y) = object;
    return m;
}

int count(const LabelMap& m, std::uint16_t id, bool insideDisc)
{
    int n = 0;
    for (int y = 0; y < m.height; ++y)
        for (int x = 0; x < m.width; ++x)
            n += m.at(x, y) == id && inDisc(x, y) == insideDisc;
    return n;
}

int discArea()
{
    int n = 0;
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x)
            n += inDisc(x, y);
    return n;
}

struct Fixture : test::MainWindowHarness {
    std::uint16_t background = 0, disc = 0;
    ui::ImageDocument* doc = nullptr;

    /// Opens the disc picture, makes the classes (the first is background unless `withBackground` is false)
    /// and imports the seed as the labels (one undo step).
    void open(bool withBackground = true)
    {
        saveImage(dir / "disc.png", discImage());
        w->openPaths({QString::fromStdString((dir / "disc.png").string())});
        doc = waitForDocument();
        ASSERT_NE(doc, nullptr);
        // Classes without vectors: the fake model predicts nothing, the labels are the person's.
        background =
            w->classes()->addClass(withBackground ? QStringLiteral(" Background ") : QStringLiteral("sky"), {});
        disc = w->classes()->addClass(QStringLiteral("disc"), {});
        ASSERT_GT(ui::importLabels(*doc, seedLabels(background, disc), QStringLiteral("seed")), 0u);
        ASSERT_EQ(doc->undoStack()->count(), 1);
    }
    QAction* action() const { return w->findChild<QAction*>(QStringLiteral("RefineEdgesAction")); }
    QString status() const { return w->statusBar()->currentMessage(); }
};

} // namespace

TEST(RefineEdges, ActionIsInTheEditMenuAndTheToolbarWithCtrlR)
{
    Fixture f;
    QAction* refine = f.action();
    ASSERT_NE(refine, nullptr);
    EXPECT_EQ(refine->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
    EXPECT_FALSE(refine->isEnabled()); // no image yet
    EXPECT_TRUE(QFile::exists(QStringLiteral(":/icons/refine.svg")));
    EXPECT_FALSE(refine->icon().pixmap(24, 24).isNull());
    QMenu* edit = nullptr;
    for (QAction* m : f.w->menuBar()->actions())
        if (m->menu() && m->text().remove(QLatin1Char('&')) == QStringLiteral("Edit")) {
            edit = m->menu();
        }
    ASSERT_NE(edit, nullptr);
    EXPECT_TRUE(edit->actions().contains(refine));
    auto* main = f.w->findChild<QToolBar*>(QStringLiteral("MainToolBar"));
    ASSERT_NE(main, nullptr);
    EXPECT_TRUE(main->actions().contains(refine));
    // No other action of the window answers Ctrl+R.
    for (QAction* a : f.w->findChildren<QAction*>()) {
        if (a != refine) {
            EXPECT_FALSE(a->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_R))) << a->text().toStdString();
        }
    }
}

TEST(RefineEdges, GrowsTheSeedAsOneUndoStepThatUndoAndRedoRestoreExactly)
{
    Fixture f;
    f.open();
    const LabelMap before = f.doc->labels();
    const std::vector<std::uint8_t> confirmedBefore = f.doc->confirmed();
    const int seedInside = count(before, f.disc, true);
    ASSERT_EQ(count(before, f.disc, false), 0);
    ASSERT_LT(seedInside, discArea() / 2);
    EXPECT_EQ(ui::EdgeRefiner::backgroundId(*f.w->classes()), f.background);

    QAction* refine = f.action();
    ASSERT_NE(refine, nullptr);
    ASSERT_TRUE(refine->isEnabled());
    refine->trigger();
    ui::EdgeRefiner* refiner = f.w->edgeRefiner();
    ASSERT_TRUE(refiner->isRunning()); // in a worker: the GUI thread goes on
    EXPECT_FALSE(refine->isEnabled());
    ASSERT_TRUE(test::waitFor([&] { return !refiner->isRunning(); }, 30000));
    EXPECT_TRUE(refine->isEnabled());

    const LabelMap after = f.doc->labels();
    const int inside = count(after, f.disc, true);
    const int outside = count(after, f.disc, false);
    // The disc is (almost) fully labelled now, and the mask did not run onto the dark background.
    EXPECT_GT(inside, seedInside + (discArea() - seedInside) * 3 / 4)
        << "seed " << seedInside << ", disc " << discArea();
    EXPECT_LT(outside, discArea() / 20);
    EXPECT_EQ(f.doc->undoStack()->count(), 2); // one step for the whole refinement
    EXPECT_EQ(f.doc->undoStack()->text(1), QStringLiteral("Refine edges"));
    EXPECT_TRUE(f.status().startsWith(QStringLiteral("Refined 1 class: +"))) << f.status().toStdString();
    // An edit like any other: unsaved, and the image is "edited" in the list.
    EXPECT_TRUE(f.doc->isModified());
    EXPECT_EQ(f.w->imageStatus(0), ui::MainWindow::ImageStatus::Edited);
    // Changed pixels are people's pixels now: the next prediction keeps them.
    for (std::size_t i = 0; i < after.ids.size(); ++i) {
        if (after.ids[i] != before.ids[i]) {
            ASSERT_EQ(f.doc->confirmed()[i], 1);
        }
    }

    f.doc->undoStack()->undo();
    EXPECT_EQ(f.doc->labels(), before);
    EXPECT_EQ(f.doc->confirmed(), confirmedBefore);
    f.doc->undoStack()->redo();
    EXPECT_EQ(f.doc->labels(), after);
    // Undo through the window's action (the undo group follows the image) too.
    QAction* undo = nullptr;
    for (QAction* a : f.w->findChildren<QAction*>())
        if (a->shortcuts().contains(QKeySequence(QKeySequence::Undo)))
            undo = a;
    ASSERT_NE(undo, nullptr);
    undo->trigger();
    EXPECT_EQ(f.doc->labels(), before);
}

TEST(RefineEdges, WithoutABackgroundClassItSaysSoAndChangesNothing)
{
    Fixture f;
    f.open(/*withBackground=*/false);
    const LabelMap before = f.doc->labels();
    EXPECT_EQ(ui::EdgeRefiner::backgroundId(*f.w->classes()), -1);
    f.action()->trigger();
    EXPECT_FALSE(f.w->edgeRefiner()->isRunning());
    EXPECT_TRUE(f.status().contains(QStringLiteral("\"background\""))) << f.status().toStdString();
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    EXPECT_EQ(f.doc->labels(), before);
    EXPECT_EQ(f.doc->undoStack()->count(), 1);

    // A synonym named background counts: then it refines.
    ASSERT_TRUE(f.w->classes()->rename(f.background, QStringLiteral("sky; background"), {}));
    EXPECT_EQ(ui::EdgeRefiner::backgroundId(*f.w->classes()), f.background);
    ASSERT_TRUE(f.w->edgeRefiner()->refine());
    ASSERT_TRUE(test::waitFor([&] { return !f.w->edgeRefiner()->isRunning(); }, 30000));
    EXPECT_GT(count(f.doc->labels(), f.disc, true), count(before, f.disc, true));
    EXPECT_EQ(f.doc->undoStack()->count(), 2);
}

TEST(RefineEdges, AnAnswerForLabelsThatChangedMeanwhileIsDropped)
{
    Fixture f;
    f.open();
    ui::EdgeRefiner* refiner = f.w->edgeRefiner();
    ASSERT_TRUE(refiner->refine());
    // The person paints while the worker runs (the answer arrives through the event loop, later).
    f.doc->applyLabels(QRect(0, 0, 1, 1), {f.disc}, {1});
    const LabelMap edited = f.doc->labels();
    ASSERT_TRUE(test::waitFor([&] { return !refiner->isRunning(); }, 30000));
    EXPECT_EQ(f.doc->labels(), edited);
    EXPECT_EQ(f.doc->undoStack()->count(), 1);
    EXPECT_TRUE(f.status().contains(QStringLiteral("changed while it ran"))) << f.status().toStdString();
}

TEST(RefineEdges, AnAnswerForAnotherImageIsDropped)
{
    test::isolateSettings();
    ui::ClassListModel classes;
    const std::uint16_t background = classes.addClass(QStringLiteral("background"), {});
    const std::uint16_t disc = classes.addClass(QStringLiteral("disc"), {});
    ui::ImageDocument a(QStringLiteral("a.png")), b(QStringLiteral("b.png"));
    for (ui::ImageDocument* d : {&a, &b}) {
        d->setImage(discImage());
        ui::importLabels(*d, seedLabels(background, disc), QStringLiteral("seed"));
    }
    ui::EdgeRefiner refiner(&classes);
    int finished = 0;
    QObject::connect(&refiner, &ui::EdgeRefiner::finished, [&] { ++finished; });
    refiner.setDocument(&a);
    ASSERT_TRUE(refiner.refine());
    refiner.setDocument(&b); // the person moved on before the answer came
    EXPECT_FALSE(refiner.isRunning());
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    EXPECT_EQ(finished, 0);
    EXPECT_EQ(a.labels(), seedLabels(background, disc));
    EXPECT_EQ(b.labels(), seedLabels(background, disc));
    EXPECT_EQ(a.undoStack()->count(), 1);
    EXPECT_EQ(b.undoStack()->count(), 1);
    // The same refiner still works on the new image.
    ASSERT_TRUE(refiner.refine());
    ASSERT_TRUE(test::waitFor([&] { return finished == 1; }, 30000));
    EXPECT_EQ(b.undoStack()->count(), 2);
    EXPECT_GT(count(b.labels(), disc, true), count(seedLabels(background, disc), disc, true));
}

TEST(RefineEdges, RefinesTheModelsPredictionAndConfirmsOnlyThePixelsItChanged)
{
    test::isolateSettings();
    ui::ClassListModel classes;
    const std::uint16_t disc = classes.addClass(QStringLiteral("disc"), {});
    const std::uint16_t background = classes.addClass(QStringLiteral("BACKGROUND"), {});
    ui::ImageDocument doc(QStringLiteral("a.png"));
    doc.setImage(discImage());
    doc.setPrediction(seedLabels(background, disc), {}); // the model's masks, nothing confirmed
    const LabelMap before = doc.labels();
    ASSERT_EQ(doc.confirmed(), std::vector<std::uint8_t>(before.ids.size(), 0));
    ui::EdgeRefiner refiner(&classes);
    QString said;
    QObject::connect(&refiner, &ui::EdgeRefiner::message, [&](const QString& m) { said = m; });
    refiner.setDocument(&doc);
    ASSERT_TRUE(refiner.refine());
    ASSERT_TRUE(test::waitFor([&] { return !refiner.isRunning(); }, 30000));
    const LabelMap after = doc.labels();
    EXPECT_GT(count(after, disc, true), count(before, disc, true) + 500) << said.toStdString();
    EXPECT_EQ(doc.undoStack()->count(), 1);
    EXPECT_TRUE(doc.isModified());
    std::size_t changed = 0;
    for (std::size_t i = 0; i < after.ids.size(); ++i) {
        ASSERT_EQ(doc.confirmed()[i], after.ids[i] != before.ids[i] ? 1 : 0) << "pixel " << i;
        changed += after.ids[i] != before.ids[i];
    }
    EXPECT_TRUE(said.contains(QStringLiteral("+%1 px").arg(QLocale().toString(qlonglong(changed)))) ||
                said.contains(QStringLiteral("+%1 px").arg(changed)))
        << said.toStdString();
    // A new prediction does not take the refined pixels back.
    doc.setPrediction(seedLabels(background, disc), {});
    EXPECT_EQ(doc.labels(), after);
    doc.undoStack()->undo();
    EXPECT_EQ(doc.labels(), before);
    EXPECT_EQ(doc.confirmed(), std::vector<std::uint8_t>(before.ids.size(), 0));
    EXPECT_FALSE(doc.isModified());
    doc.undoStack()->redo();
    EXPECT_EQ(doc.labels(), after);
}
