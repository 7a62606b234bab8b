// The main window's image list and project: per-image status (not yet predicted -> predicted ->
// edited -> exported, exported kept across a restart and dropped by an edit), thumbnails, and the
// per-user project folder when the images' folder cannot be written.
#include "tests/ui/support/uitest.h"
#include "ui/app/mainwindow.h"
#include "ui/app/projectlocation.h"
#include "ui/app/thumbnailcache.h"
#include "ui/document/imagedocument.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/export/exportdialog.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/classespanel.h"

#include "core/common/error.h"
#include "core/io/project.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QTimer>
#include <gtest/gtest.h>

#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

using namespace zm;
using Status = zm::ui::MainWindow::ImageStatus;

namespace {

/// The icon the image list shows for a row (thumbnail with status dot, or the dot alone).
QIcon iconOf(const QListView* list, int row)
{
    return qvariant_cast<QIcon>(list->model()->index(row, 0).data(Qt::DecorationRole));
}

QString qpath(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

struct Session : test::MainWindowHarness {
    using MainWindowHarness::MainWindowHarness;
    ui::ImageDocument* open(const std::filesystem::path& dir)
    {
        w->openPaths({qpath(dir)});
        return waitForDocument();
    }
    /// File > Export labels..., this image (or the whole project), into `out`: the real action and dialog.
    void exportCurrent(const std::filesystem::path& out, bool wholeProject = false)
    {
        QTimer::singleShot(0, [out, wholeProject] {
            auto* dlg = qobject_cast<ui::ExportDialog*>(QApplication::activeModalWidget());
            ASSERT_NE(dlg, nullptr);
            dlg->setOutputFolder(qpath(out));
            dlg->setWholeProject(wholeProject);
            dlg->accept();
        });
        w->findChild<QAction*>(QStringLiteral("ExportLabelsAction"))->trigger();
    }
};

void twoImages(const test::TempDir& dir)
{
    saveImage(dir / "a.png", test::threeColourImage(40, 20));
    saveImage(dir / "b.png", test::threeColourImage(20, 40));
}

} // namespace

TEST(MainWindowProject, StatusGoesFromNotPredictedToExportedAndSurvivesRestart)
{
    test::TempDir dir;
    twoImages(dir);
    std::uint16_t red = 0;
    {
        Session s;
        s.w->thumbnails()->setDiskCacheFolder({});
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        EXPECT_EQ(s.w->imageStatus(1), Status::NotPredicted);
        // Thumbnails arrive from the worker and become the list's icons.
        ASSERT_TRUE(test::waitFor([&] { return !s.w->thumbnails()->cached(qpath(dir / "b.png")).isNull(); }));
        EXPECT_EQ(s.w->thumbnails()->cached(qpath(dir / "b.png")).size(), QSize(36, 72));
        EXPECT_FALSE(iconOf(s.w->imageList(), 1).isNull());
        EXPECT_EQ(s.w->imageList()->model()->index(0, 0).data().toString(), QStringLiteral("a.png"));

        s.typeClass(QStringLiteral("red"));
        red = s.w->classes()->at(0).id;
        ASSERT_TRUE(test::waitFor([&] { return s.w->imageStatus(0) == Status::Predicted; }));
        doc->applyLabels(QRect(0, 0, 2, 2), std::vector<std::uint16_t>(4, red), std::vector<std::uint8_t>(4, 1));
        EXPECT_EQ(s.w->imageStatus(0), Status::Edited);

        s.exportCurrent(dir / "out");
        EXPECT_TRUE(std::filesystem::exists(dir / "out" / "voc" / "a.png"));
        EXPECT_EQ(s.w->imageStatus(0), Status::Exported);
        ASSERT_NE(s.w->project(), nullptr);
        EXPECT_TRUE(s.w->project()->isExported("a.png"));
        EXPECT_FALSE(s.w->project()->isExported("b.png"));
        // A new prediction (another class) does not make an exported image "predicted" again.
        s.typeClass(QStringLiteral("green"));
        ASSERT_TRUE(test::waitFor([&] { return !s.w->controller()->isBusy(); }));
        EXPECT_EQ(s.w->imageStatus(0), Status::Exported);
        QString error;
        ASSERT_TRUE(s.w->saveProject(&error)) << error.toStdString();
    }
    {
        // The next start: "exported" comes from the project before the image is read, and stays
        // when its saved labels are loaded (loading is not an edit).
        Session s;
        s.w->thumbnails()->setDiskCacheFolder({});
        s.w->openPaths({qpath(dir.path())});
        EXPECT_EQ(s.w->imageStatus(0), Status::Exported);
        EXPECT_EQ(s.w->imageStatus(1), Status::NotPredicted);
        ASSERT_TRUE(test::waitFor([&] { return s.w->currentDocument() && !s.w->currentDocument()->labels().empty(); }));
        ASSERT_TRUE(test::waitFor([&] { return !s.w->controller()->isBusy(); }));
        EXPECT_EQ(s.w->imageStatus(0), Status::Exported);
        // An edit after the export: edited again, and the mark leaves the project.
        ui::ImageDocument* doc = s.w->currentDocument();
        doc->applyLabels(QRect(5, 5, 1, 1), {red}, {1});
        EXPECT_EQ(s.w->imageStatus(0), Status::Edited);
        EXPECT_FALSE(s.w->project()->isExported("a.png"));
        QString error;
        ASSERT_TRUE(s.w->saveProject(&error)) << error.toStdString();
    }
    {
        Session s;
        s.w->thumbnails()->setDiskCacheFolder({});
        s.w->openPaths({qpath(dir.path())});
        EXPECT_EQ(s.w->imageStatus(0), Status::Edited);
    }
}

TEST(MainWindowProject, DotOnlyItemsShareIconsAndEvictedThumbnailsAreAskedForAgain)
{
    test::TempDir dir, cache;
    QStringList paths;
    for (int k = 0; k < 6; ++k) {
        const auto p = dir / ("img" + std::to_string(k) + ".png");
        saveImage(p, test::threeColourImage(40, 20));
        paths << qpath(p);
    }
    Session s;
    ui::ThumbnailCache* thumbs = s.w->thumbnails();
    thumbs->setDiskCacheFolder(qpath(cache.path()));
    // 96x48 RGB32 thumbnails cost 18 KiB each: two fit.
    thumbs->setMemoryBudget(40);
    auto* list = s.w->findChild<QListView*>(QStringLiteral("ImageList"));
    ASSERT_NE(list, nullptr);
    s.w->openPaths({qpath(dir.path())});
    // No thumbnail yet: every item shows the dot of its status, one icon shared by all of them.
    ASSERT_EQ(list->model()->rowCount(), 6);
    EXPECT_EQ(iconOf(list, 1).cacheKey(), iconOf(list, 5).cacheKey());
    ASSERT_TRUE(test::waitFor([&] { return thumbs->isIdle() && !s.w->controller()->isBusy(); }));
    EXPECT_NE(iconOf(list, 1).cacheKey(), iconOf(list, 5).cacheKey()); // thumbnails now

    // Thumbnails evicted from memory since they were shown: a status change shows the dot for a
    // moment, asks for the thumbnail again (from the disk cache) and shows it with the new status.
    QStringList evicted;
    for (const QString& p : paths)
        if (thumbs->cached(p).isNull())
            evicted << p;
    ASSERT_GE(evicted.size(), 2);
    const int decoded = thumbs->decodedCount();
    const int a = int(paths.indexOf(evicted[0])), b = int(paths.indexOf(evicted[1]));
    s.w->setImageStatus(evicted[0], Status::Exported);
    s.w->setImageStatus(evicted[1], Status::Exported);
    const qint64 dot = iconOf(list, a).cacheKey();
    EXPECT_EQ(dot, iconOf(list, b).cacheKey()); // one shared dot icon per status
    ASSERT_TRUE(test::waitFor([&] { return iconOf(list, a).cacheKey() != dot && iconOf(list, b).cacheKey() != dot; }));
    EXPECT_EQ(thumbs->decodedCount(), decoded); // from the disk cache, not decoded again
    EXPECT_EQ(s.w->imageStatus(a), Status::Exported);
}

TEST(MainWindowProject, WholeProjectExportMarksTheAnnotatedImagesThatExist)
{
    test::TempDir dir;
    twoImages(dir);
    saveImage(dir / "c.png", test::threeColourImage(20, 20));
    saveImage(dir / "gone.png", test::threeColourImage(20, 20));
    std::uint16_t red = 0;
    {
        // Labels saved for a.png, c.png and gone.png; b.png has none.
        Session s;
        s.w->thumbnails()->setDiskCacheFolder({});
        ASSERT_NE(s.open(dir.path()), nullptr);
        s.typeClass(QStringLiteral("red"));
        red = s.w->classes()->at(0).id;
        for (const char* key : {"a.png", "c.png", "gone.png"}) {
            zm::AnnotationState st;
            st.labels = zm::LabelMap(20, 20, red);
            st.confirmed.assign(400, 1);
            if (std::string(key) == "a.png") {
                st.labels = zm::LabelMap(40, 20, red);
                st.confirmed.assign(800, 1);
            }
            s.w->project()->save(key, st);
        }
    }
    std::filesystem::remove(dir / "gone.png"); // its image file is deleted; its annotation stays
    Session s;
    s.w->thumbnails()->setDiskCacheFolder({});
    ASSERT_NE(s.open(dir.path()), nullptr);
    ASSERT_EQ(s.w->imageCount(), 3);
    ASSERT_TRUE(s.w->project()->hasAnnotation("gone.png"));
    s.exportCurrent(dir / "out", true);
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / "voc" / "a.png"));
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / "voc" / "c.png"));
    EXPECT_EQ(s.w->imageStatus(0), Status::Exported); // a.png
    EXPECT_NE(s.w->imageStatus(1), Status::Exported); // b.png: nothing to export
    EXPECT_EQ(s.w->imageStatus(2), Status::Exported); // c.png
    EXPECT_TRUE(s.w->project()->isExported("a.png"));
    EXPECT_FALSE(s.w->project()->isExported("b.png"));
    EXPECT_TRUE(s.w->project()->isExported("c.png"));
    EXPECT_FALSE(s.w->project()->isExported("gone.png")); // not written, so not marked
}

TEST(MainWindowProject, ReadOnlyImageFolderUsesAPerUserProjectAndLosesNoWork)
{
    test::TempDir dir;
    twoImages(dir);
    test::isolateSettings(); // the per-user folder depends on the (test) application name
    const auto perUser = ui::fallbackProjectFolder(qpath(dir.path()));
    std::filesystem::remove_all(perUser);
    auto readOnly = [](const QString&) { return false; };
    std::uint16_t red = 0;
    {
        Session s(readOnly);
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        ASSERT_NE(s.w->project(), nullptr);
        EXPECT_TRUE(s.w->projectIsFallback());
        EXPECT_EQ(s.w->project()->folder(), perUser);
        EXPECT_EQ(std::filesystem::absolute(s.w->project()->imagesDir()).lexically_normal(),
                  std::filesystem::absolute(dir.path()).lexically_normal());
        EXPECT_FALSE(std::filesystem::exists(dir / "zeromask-project")); // nothing written beside the images
        // The status bar says where the work goes.
        auto* label = s.w->findChild<QLabel*>(QStringLiteral("StatusProject"));
        ASSERT_NE(label, nullptr);
        EXPECT_TRUE(label->isVisibleTo(s.w.get()));
        EXPECT_TRUE(label->toolTip().contains(qpath(perUser)));
        s.typeClass(QStringLiteral("red"));
        red = s.w->classes()->at(0).id;
        doc->applyLabels(QRect(1, 1, 3, 3), std::vector<std::uint16_t>(9, red), std::vector<std::uint8_t>(9, 1));
        QString error;
        ASSERT_TRUE(s.w->saveProject(&error)) << error.toStdString();
        EXPECT_TRUE(std::filesystem::exists(perUser / "annotations" / "a.png.zma"));
    }
    {
        // The same folder, still read-only: the same per-user project, the work comes back.
        Session s(readOnly);
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        EXPECT_EQ(s.w->project()->folder(), perUser);
        ASSERT_EQ(s.w->classes()->rowCount(), 1);
        EXPECT_EQ(doc->labels().at(2, 2), red);
        EXPECT_TRUE(doc->isConfirmed(2, 2));
    }
    {
        // Writable again but with no project of its own: the per-user work is not abandoned.
        Session s([](const QString&) { return true; });
        s.open(dir.path());
        EXPECT_EQ(s.w->project()->folder(), perUser);
        EXPECT_TRUE(s.w->projectIsFallback());
    }
    std::filesystem::remove_all(perUser);
}

TEST(MainWindowProject, ReadOnlyProjectBesideTheImagesIsCopiedToThePerUserFolder)
{
    test::TempDir dir;
    twoImages(dir);
    test::isolateSettings(); // the per-user folder depends on the (test) application name
    const auto perUser = ui::fallbackProjectFolder(qpath(dir.path()));
    std::filesystem::remove_all(perUser);
    {
        Session s; // writable: the project is made beside the images (e.g. shipped with samples)
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        EXPECT_FALSE(s.w->projectIsFallback());
        s.typeClass(QStringLiteral("sky"));
        doc->applyLabels(QRect(0, 0, 1, 1), {s.w->classes()->at(0).id}, {1});
        QString error;
        ASSERT_TRUE(s.w->saveProject(&error)) << error.toStdString();
    }
    ASSERT_TRUE(zm::Project::exists(dir / "zeromask-project"));
    {
        Session s([](const QString&) { return false; }); // now installed read-only
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        EXPECT_TRUE(s.w->projectIsFallback());
        EXPECT_EQ(s.w->project()->folder(), perUser);
        ASSERT_EQ(s.w->classes()->rowCount(), 1);
        EXPECT_EQ(s.w->classes()->at(0).name, QStringLiteral("sky"));
        EXPECT_TRUE(doc->isConfirmed(0, 0));
    }
    std::filesystem::remove_all(perUser);
}

TEST(MainWindowProject, PerUserWorkIsKeptWhenTheFolderBecomesWritableAgain)
{
    test::TempDir dir;
    twoImages(dir);
    test::isolateSettings(); // the per-user folder depends on the (test) application name
    const auto perUser = ui::fallbackProjectFolder(qpath(dir.path()));
    std::filesystem::remove_all(perUser);
    {
        Session s; // writable: a project beside the images (shipped with the samples)
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        s.typeClass(QStringLiteral("sky"));
        doc->applyLabels(QRect(0, 0, 1, 1), {s.w->classes()->at(0).id}, {1});
        QString error;
        ASSERT_TRUE(s.w->saveProject(&error)) << error.toStdString();
    }
    std::uint16_t sky = 0;
    {
        Session s([](const QString&) { return false; }); // read-only: copied to the per-user folder
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        ASSERT_EQ(s.w->project()->folder(), perUser);
        sky = s.w->classes()->at(0).id;
        doc->applyLabels(QRect(3, 3, 2, 2), std::vector<std::uint16_t>(4, sky), std::vector<std::uint8_t>(4, 1));
        QString error;
        ASSERT_TRUE(s.w->saveProject(&error)) << error.toStdString();
    }
    {
        // Writable again, and the folder has its own (older) project: the per-user one, which holds the
        // work done meanwhile, stays in use, and the status bar says so.
        Session s([](const QString&) { return true; });
        ui::ImageDocument* doc = s.open(dir.path());
        ASSERT_NE(doc, nullptr);
        EXPECT_EQ(s.w->project()->folder(), perUser);
        EXPECT_TRUE(s.w->projectIsFallback());
        EXPECT_TRUE(doc->isConfirmed(3, 3));
        EXPECT_EQ(doc->labels().at(4, 4), sky);
        auto* label = s.w->findChild<QLabel*>(QStringLiteral("StatusProject"));
        ASSERT_NE(label, nullptr);
        EXPECT_TRUE(label->isVisibleTo(s.w.get()));
        EXPECT_TRUE(label->toolTip().contains(qpath(perUser)));
        EXPECT_TRUE(label->toolTip().contains(qpath(dir / "zeromask-project"))) << label->toolTip().toStdString();
    }
    // A per-user project without labels does not hide the folder's own project.
    std::filesystem::remove_all(perUser / "annotations");
    std::filesystem::remove_all(perUser / "autosave");
    const ui::ProjectLocation here = ui::locateProject(qpath(dir.path()), [](const QString&) { return true; });
    EXPECT_FALSE(here.fallback);
    EXPECT_EQ(here.folder.filename(), "zeromask-project");
    std::filesystem::remove_all(perUser);
}

TEST(ProjectLocation, CopyToThePerUserFolderIsAllOrNothing)
{
    test::TempDir from, to;
    std::filesystem::create_directories(from / "annotations");
    std::filesystem::create_directories(from / "autosave");
    auto write = [](const std::filesystem::path& p, const std::string& text) {
        std::ofstream(p, std::ios::binary) << text;
    };
    auto read = [](const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    write(from / "labelmap.json", "{\"classes\": []}");
    write(from / "annotations" / "a.png.zma", std::string(4096, 'a'));
    write(from / "autosave" / "b.png.zma", std::string(100, 'b'));
    const auto target = to / "projects" / "images-0123";

    // A file that cannot be read (a dangling link stands for an I/O error, even for root): the copy
    // fails, says why, and leaves nothing behind, neither at the target nor beside it.
    std::filesystem::create_symlink(from / "missing.zma", from / "annotations" / "c.png.zma");
    std::string error;
    EXPECT_FALSE(ui::seedFrom(from.path(), target, &error));
    EXPECT_FALSE(error.empty());
    EXPECT_FALSE(std::filesystem::exists(target));
    EXPECT_FALSE(std::filesystem::exists(target.string() + ".partial"));
    std::filesystem::remove(from / "annotations" / "c.png.zma");

    // An interrupted earlier copy (truncated file, no project made) is replaced, not kept.
    std::filesystem::create_directories(target / "annotations");
    write(target / "annotations" / "a.png.zma", "aa");
    std::filesystem::create_directories(target.string() + ".partial");
    ASSERT_TRUE(ui::seedFrom(from.path(), target, &error)) << error;
    EXPECT_EQ(read(target / "annotations" / "a.png.zma"), std::string(4096, 'a'));
    EXPECT_EQ(read(target / "autosave" / "b.png.zma"), std::string(100, 'b'));
    EXPECT_EQ(read(target / "labelmap.json"), "{\"classes\": []}");
    EXPECT_FALSE(std::filesystem::exists(target / "project.json"));
    EXPECT_FALSE(std::filesystem::exists(target.string() + ".partial"));

    // A project already there is never overwritten.
    write(target / "project.json", "{}");
    if (zm::Project::exists(target)) {
        EXPECT_FALSE(ui::seedFrom(from.path(), target, &error));
        EXPECT_TRUE(std::filesystem::exists(target / "annotations" / "a.png.zma"));
    }
}

TEST(MainWindowProject, RealReadOnlyFolderIsDetected)
{
    test::TempDir dir;
    saveImage(dir / "a.png", test::threeColourImage(8, 8));
    test::isolateSettings(); // the per-user folder depends on the (test) application name
    const auto perUser = ui::fallbackProjectFolder(qpath(dir.path()));
    std::filesystem::remove_all(perUser);
    ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
    const bool writableAnyway = ui::canWriteInto(qpath(dir.path()));
    if (writableAnyway) {
        ::chmod(dir.path().c_str(), 0755);
        GTEST_SKIP() << "permissions do not stop this user (root): the injected check covers the logic";
    }
    {
        Session s;
        s.open(dir.path());
        EXPECT_TRUE(s.w->projectIsFallback());
        EXPECT_EQ(s.w->project()->folder(), perUser);
    }
    ::chmod(dir.path().c_str(), 0755);
    std::filesystem::remove_all(perUser);
}

TEST(ProjectLocation, StableFolderPerImagesPath)
{
    test::TempDir a, b;
    EXPECT_EQ(ui::fallbackProjectFolder(qpath(a.path())), ui::fallbackProjectFolder(qpath(a.path() / ".")));
    EXPECT_NE(ui::fallbackProjectFolder(qpath(a.path())), ui::fallbackProjectFolder(qpath(b.path())));
    EXPECT_TRUE(ui::canWriteInto(qpath(a.path())));
    EXPECT_FALSE(ui::canWriteInto(qpath(a.path() / "missing")));
    const ui::ProjectLocation here = ui::locateProject(qpath(a.path()));
    EXPECT_FALSE(here.fallback);
    EXPECT_EQ(here.folder.filename(), "zeromask-project");
    EXPECT_TRUE(here.reason.isEmpty());
}

TEST(MainWindowProject, ClassListReachesTheProjectWithoutSaving)
{
    test::TempDir dir;
    twoImages(dir);
    Session s;
    ui::ImageDocument* doc = s.open(dir.path());
    ASSERT_NE(doc, nullptr);
    const auto labelmap = dir / "zeromask-project" / "labelmap.json";
    auto onDisk = [&] { return std::filesystem::exists(labelmap) ? zm::ClassTable::load(labelmap) : zm::ClassTable(); };
    s.typeClass(QStringLiteral("red"));
    s.typeClass(QStringLiteral("blue; sky"));
    // No Ctrl+S: the project's label map follows the list by itself (debounced), so autosaved labels
    // never carry ids the project does not know, even after a crash.
    ASSERT_TRUE(test::waitFor([&] { return onDisk().size() == 2; }));
    const std::uint16_t sky = s.w->classes()->at(1).id;
    ASSERT_NE(onDisk().find(sky), nullptr);
    EXPECT_EQ(onDisk().find(sky)->name, "blue");
    EXPECT_EQ(onDisk().find(sky)->synonyms, std::vector<std::string>{"sky"});
    EXPECT_EQ(onDisk().model.value("name", std::string()), "fake colour model");
    EXPECT_TRUE(onDisk().vectorSpace.valid());
    // Rename, recolour and delete follow too; ids are never reused.
    s.w->controller()->renameClass(sky, QStringLiteral("azure"));
    s.w->classes()->setColor(sky, QColor(1, 2, 3));
    ASSERT_TRUE(test::waitFor([&] { return onDisk().find(sky) && onDisk().find(sky)->name == "azure"; }));
    ASSERT_TRUE(test::waitFor([&] { return onDisk().find(sky)->color == zm::Rgb{1, 2, 3}; }));
    const std::uint16_t red = s.w->classes()->at(0).id;
    s.w->classes()->removeClass(red);
    ASSERT_TRUE(test::waitFor([&] { return onDisk().size() == 1; }));
    EXPECT_EQ(onDisk().find(red), nullptr);
    EXPECT_GT(onDisk().nextId(), sky);
    // The in-memory project table is the same one.
    EXPECT_TRUE(s.w->project()->classes() == onDisk());
}

TEST(MainWindowProject, UnreadableFileIsMarkedBeforeItIsShown)
{
    test::TempDir dir;
    saveImage(dir / "a.png", test::threeColourImage(16, 16));
    {
        std::ofstream(dir / "b.png") << "this is not a PNG";
    }
    Session s;
    s.w->thumbnails()->setDiskCacheFolder({});
    s.open(dir.path());
    EXPECT_EQ(s.w->currentIndex(), 0);
    // The preview worker finds out first: red, with the reason, and never pre-encoded.
    ASSERT_TRUE(test::waitFor([&] { return s.w->imageStatus(1) == Status::Unreadable; }));
    EXPECT_FALSE(s.w->imageProblem(1).isEmpty());
    EXPECT_TRUE(s.w->imageList()->model()->index(1, 0).data(Qt::ToolTipRole).toString().contains(s.w->imageProblem(1)));
    // Showing it still reports it, and the next image still opens.
    s.w->showImage(1);
    ASSERT_TRUE(test::waitFor([&] { return s.w->currentDocument() == nullptr; }));
    s.w->showImage(0);
    ASSERT_TRUE(test::waitFor([&] { return s.w->currentDocument() != nullptr; }));
}

TEST(ProjectExportMarks, MarkClearReopenAndDamagedFile)
{
    test::TempDir dir;
    saveImage(dir / "a.png", test::threeColourImage(8, 8));
    const auto folder = dir / "zeromask-project";
    {
        auto p = zm::Project::openOrCreate(folder, dir.path());
        EXPECT_TRUE(p->exported().empty());
        p->markExported({"a.png", "b10.png", "b2.png"});
        p->clearExported("a.png");
        p->clearExported("never-exported.png"); // nothing to do, no write, no error
        EXPECT_FALSE(p->isExported("a.png"));
        EXPECT_EQ(p->exported(), (std::vector<std::string>{"b2.png", "b10.png"})); // natural order
        EXPECT_THROW(p->markExported({"../escape.png"}), zm::Error);
    }
    {
        auto p = zm::Project::open(folder);
        EXPECT_TRUE(p->isExported("b10.png"));
        EXPECT_FALSE(p->isExported("a.png"));
    }
    // The marks are a status hint: a damaged file costs the marks, never the project.
    std::ofstream(folder / "exported.json") << "{ not json";
    auto p = zm::Project::open(folder);
    EXPECT_TRUE(p->exported().empty());
    p->markExported({"a.png"});
    EXPECT_TRUE(zm::Project::open(folder)->isExported("a.png"));
}

TEST(MainWindowProject, StatusesComeBackWhenTheSameFolderIsOpenedAgain)
{
    test::TempDir dir;
    twoImages(dir);
    Session s;
    s.w->thumbnails()->setDiskCacheFolder({});
    ASSERT_NE(s.open(dir.path()), nullptr);
    s.typeClass(QStringLiteral("red"));
    zm::AnnotationState st;
    st.labels = zm::LabelMap(20, 40, s.w->classes()->at(0).id);
    st.confirmed.assign(800, 1);
    s.w->project()->save("b.png", st);
    s.w->project()->markExported({"b.png"});
    // The same folder again (same project: no new opened()): b's status is read again, not lost.
    s.w->openPaths({qpath(dir.path())});
    EXPECT_EQ(s.w->imageStatus(1), Status::Exported);
}

TEST(MainWindowProject, AModelLoadedAfterTheFirstImagePreEncodesTheNext)
{
    test::TempDir dir;
    for (const char* name : {"a.png", "b.png", "c.png"})
        saveImage(dir / name, test::threeColourImage(24, 24));
    test::isolateSettings();
    ui::MainWindow w(nullptr, false);
    w.thumbnails()->setDiskCacheFolder({});
    auto backend = std::make_shared<test::FakeBackend>();
    backend->encodeDelayMs = 100; // long enough for a cancel to take effect
    w.setEmbedder(std::make_shared<test::FakeEmbedder>());
    w.openPaths({qpath(dir.path())});
    ASSERT_TRUE(test::waitFor([&] { return w.currentDocument() && !w.currentDocument()->image().empty(); }));
    w.setBackend(backend); // as at start-up: the model arrives after the first image is shown
    // The next image is pre-encoded once the current one is done, not dropped from the queue.
    ASSERT_TRUE(test::waitFor([&] { return w.imageStatus(1) == Status::Encoded; }));
}
