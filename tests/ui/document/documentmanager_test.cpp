// DocumentManager keeps memory bounded over any number of images viewed: least recently shown documents
// first give back their pixels, then (when nothing of theirs is unsaved) close; unsaved work stays, and
// every document comes back as it was when shown again.
#include "tests/ui/support/uitest.h"
#include "ui/app/mainwindow.h"
#include "ui/document/autosaver.h"
#include "ui/document/documentmanager.h"
#include "ui/document/imagedocument.h"
#include "ui/edit/labeldelta.h"
#include "ui/edit/labeleditcommand.h"

#include "core/io/image_io.h"
#include "core/io/project.h"

#include <QSignalSpy>
#include <QUndoStack>

#include <gtest/gtest.h>

using namespace zm;

namespace {

QString qpath(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

constexpr int kW = 64, kH = 48;

std::vector<QString> images(const test::TempDir& dir, int n)
{
    std::vector<QString> paths;
    for (int i = 0; i < n; ++i) {
        const auto p = dir / ("img" + std::to_string(100 + i) + ".png");
        saveImage(p, test::threeColourImage(kW, kH));
        paths.push_back(qpath(p));
    }
    return paths;
}

/// Loads `path`, predicts every pixel as class 1 (with confidences) and makes it the active document.
ui::ImageDocument* show(ui::DocumentManager& dm, const QString& path)
{
    QSignalSpy loaded(&dm, &ui::DocumentManager::loaded);
    if (!dm.isReady(path)) {
        dm.load(path);
        if (!loaded.wait(10000))
            return nullptr;
    }
    ui::ImageDocument* doc = dm.document(path);
    LabelMap prediction(kW, kH);
    std::fill(prediction.ids.begin(), prediction.ids.end(), std::uint16_t(1));
    doc->setPrediction(std::move(prediction), std::vector<float>(std::size_t(kW) * kH, 0.5f));
    dm.setActive(doc);
    return doc;
}

/// A person paints a 10x10 square of class 7 (one undo step).
void paint(ui::ImageDocument* doc)
{
    const QRect r(5, 5, 10, 10);
    std::vector<std::uint8_t> mask(100, 1);
    ui::LabelDelta delta = ui::LabelDelta::fromMask(*doc, r, mask, 7, true);
    doc->undoStack()->push(new ui::LabelEditCommand(doc, std::move(delta), QStringLiteral("paint")));
}

std::size_t fullBytes()
{
    // pixels (3) + labels (2) + prediction (2) + confidence (4) + confirmed (1) bytes per pixel
    return std::size_t(kW) * kH * 12;
}

} // namespace

TEST(DocumentManager, BrowsingManyImagesStaysUnderTheBudget)
{
    test::TempDir dir;
    const auto paths = images(dir, 30);
    ui::Autosaver autosaver;
    ui::DocumentManager dm(&autosaver);
    dm.setKeepRecent(2);
    dm.setMemoryBudget(5 * fullBytes());
    std::size_t peak = 0;
    for (const QString& p : paths) {
        ASSERT_NE(show(dm, p), nullptr);
        peak = std::max(peak, dm.residentBytes());
    }
    // Never more than the budget plus the one document just shown.
    EXPECT_LE(peak, 6 * fullBytes());
    // Documents whose pixels went cost 5 bytes a pixel (labels, prediction, confirmed bits): they stay
    // while they fit, with their undo history; the rest were closed.
    EXPECT_LE(dm.documentCount(), int(5 * fullBytes() / (std::size_t(kW) * kH * 5)) + 1);
    EXPECT_GE(dm.documentCount(), 3); // the current and the two kept
    // Unbounded, the same browsing keeps all of them.
    ui::DocumentManager all(&autosaver);
    all.setMemoryBudget(std::size_t(-1));
    for (const QString& p : paths)
        ASSERT_NE(show(all, p), nullptr);
    EXPECT_EQ(all.documentCount(), 30);
    EXPECT_GE(all.residentBytes(), 30 * fullBytes());
}

TEST(DocumentManager, UnsavedWorkIsNeverClosedAndComesBackAsItWas)
{
    test::TempDir dir;
    const auto paths = images(dir, 12);
    ui::Autosaver autosaver; // no project: nothing can be saved, so edited documents must stay
    ui::DocumentManager dm(&autosaver);
    dm.setKeepRecent(1);
    dm.setMemoryBudget(3 * fullBytes());
    ui::ImageDocument* edited = show(dm, paths[0]);
    paint(edited);
    ASSERT_TRUE(edited->isModified());
    const LabelMap labels = edited->labels();
    for (std::size_t i = 1; i < paths.size(); ++i)
        ASSERT_NE(show(dm, paths[i]), nullptr);
    ASSERT_EQ(dm.document(paths[0]), edited); // never closed
    EXPECT_TRUE(edited->image().empty());     // but its pixels were given back
    EXPECT_TRUE(edited->confidence().empty());
    EXPECT_EQ(edited->labels().ids, labels.ids);
    EXPECT_FALSE(dm.document(paths[3])); // clean ones were closed
    // Shown again: the pixels are read back, the labels and the undo history are the person's.
    ASSERT_EQ(show(dm, paths[0]), edited);
    EXPECT_FALSE(edited->image().empty());
    EXPECT_EQ(edited->labels().ids[std::size_t(7) * kW + 7], 7);
    EXPECT_EQ(edited->undoStack()->count(), 1);
    edited->undoStack()->undo();
    EXPECT_EQ(edited->labels().ids[std::size_t(7) * kW + 7], 1); // back to the prediction
}

TEST(DocumentManager, ClosedDocumentsComeBackFromTheProject)
{
    test::TempDir dir;
    const auto paths = images(dir, 8);
    auto project = Project::openOrCreate(dir / "zeromask-project", dir.path());
    ui::Autosaver autosaver;
    autosaver.setProject(project.get());
    ui::DocumentManager dm(&autosaver);
    dm.setProject(project.get());
    dm.setKeepRecent(1);
    dm.setMemoryBudget(2 * fullBytes());
    ui::ImageDocument* doc = show(dm, paths[0]);
    paint(doc);
    QString error;
    ASSERT_TRUE(autosaver.save(doc, &error)) << error.toStdString(); // Ctrl+S: saved, so it may close
    QSignalSpy closing(&dm, &ui::DocumentManager::closing);
    for (std::size_t i = 1; i < paths.size(); ++i)
        ASSERT_NE(show(dm, paths[i]), nullptr);
    EXPECT_EQ(dm.document(paths[0]), nullptr);
    EXPECT_GE(closing.count(), 1);
    QSignalSpy restored(&dm, &ui::DocumentManager::restored);
    ui::ImageDocument* again = show(dm, paths[0]);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(restored.count(), 1);
    EXPECT_EQ(again->labels().ids[std::size_t(7) * kW + 7], 7);
    EXPECT_TRUE(again->isConfirmed(7, 7));
    EXPECT_FALSE(again->isModified());
}

TEST(DocumentManager, TheWindowBrowsesAFolderWithinItsBudget)
{
    test::TempDir dir;
    const auto paths = images(dir, 10);
    test::MainWindowHarness s;
    s.w->documents()->setKeepRecent(1);
    s.w->documents()->setMemoryBudget(3 * fullBytes());
    s.w->openPaths({qpath(dir.path())});
    for (int i = 0; i < 10; ++i) {
        s.w->showImage(i);
        ASSERT_TRUE(test::waitFor([&] {
            return s.w->currentIndex() == i && s.w->currentDocument() && s.w->currentDocument()->path() == paths[i] &&
                   !s.w->currentDocument()->image().empty();
        }));
    }
    EXPECT_LE(s.w->documents()->residentBytes(), 4 * fullBytes());
    EXPECT_LT(s.w->documents()->documentCount(), 10);
    // Back to the first: read again, shown, predicted.
    s.w->showImage(0);
    ASSERT_TRUE(test::waitFor([&] {
        return s.w->currentDocument() && s.w->currentDocument()->path() == paths[0] &&
               !s.w->currentDocument()->image().empty() &&
               s.w->imageStatus(0) == ui::MainWindow::ImageStatus::Predicted;
    }));
}

TEST(DocumentManager, ReadsForAnotherFolderAreDroppedAndNoFileIsReadTwiceAtOnce)
{
    test::TempDir dir;
    const auto paths = images(dir, 2);
    ui::Autosaver autosaver;
    ui::DocumentManager dm(&autosaver);
    QSignalSpy loaded(&dm, &ui::DocumentManager::loaded);
    dm.load(paths[0]);
    dm.load(paths[0]); // already being read
    ASSERT_TRUE(test::waitFor([&] { return loaded.count() >= 1; }));
    QTest::qWait(50);
    EXPECT_EQ(loaded.count(), 1);
    // Another folder was opened while this was read: the result is not wanted.
    dm.load(paths[1]);
    dm.dropPendingLoads();
    QTest::qWait(300);
    EXPECT_EQ(loaded.count(), 1);
    EXPECT_EQ(dm.document(paths[1]), nullptr);
}

TEST(DocumentManager, UnsavedLabelsAreNotLaidOverAFileThatChangedOnDisk)
{
    test::TempDir dir;
    const auto paths = images(dir, 4);
    ui::Autosaver autosaver;
    ui::DocumentManager dm(&autosaver);
    dm.setKeepRecent(1);
    dm.setMemoryBudget(fullBytes());
    ui::ImageDocument* edited = show(dm, paths[0]);
    paint(edited);
    ui::ImageDocument* clean = show(dm, paths[1]);
    ASSERT_NE(clean, nullptr);
    for (std::size_t i = 2; i < paths.size(); ++i)
        ASSERT_NE(show(dm, paths[i]), nullptr);
    ASSERT_TRUE(edited->image().empty()); // released, labels kept
    // The file is replaced by a larger image meanwhile.
    saveImage(paths[0].toStdString(), test::threeColourImage(kW * 2, kH * 2));
    QSignalSpy failed(&dm, &ui::DocumentManager::loadFailed);
    dm.load(paths[0]);
    ASSERT_TRUE(failed.wait(10000));
    EXPECT_TRUE(failed.at(0).at(1).toString().contains(QStringLiteral("changed on disk")));
    EXPECT_EQ(dm.document(paths[0]), edited);
    EXPECT_EQ(edited->labels().ids[std::size_t(7) * kW + 7], 7); // the person's work is still there
    EXPECT_TRUE(edited->isModified());
}
