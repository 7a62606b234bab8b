// Autosave and recovery: edits reach the project's autosave folder (debounced), survive a simulated
// crash (no save, no clean shutdown) and are recovered on the next start; a read-only project reports
// the failure and keeps the work in memory.
#include "ui/document/autosaver.h"
#include "ui/document/imagedocument.h"
#include "ui/document/recovery.h"
#include "ui/edit/brushtool.h"

#include "core/common/files.h"
#include "core/io/image_io.h"
#include "core/io/project.h"
#include "tests/support/testdir.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

using namespace zm;
using namespace zm::ui;

namespace {

struct Fixture {
    test::TempDir dir;
    std::filesystem::path images = dir / "images";
    std::filesystem::path projectDir = dir / "images" / "zeromask-project";
    QString imagePath;
    Fixture()
    {
        std::filesystem::create_directories(images);
        saveImage(images / "cat.png", Image(40, 30, 3));
        imagePath = QString::fromStdString((images / "cat.png").string());
    }
};

void paint(ImageDocument& doc, std::uint16_t id, QPointF a, QPointF b)
{
    BrushTool brush;
    brush.setDocument(&doc);
    brush.setClassId(id);
    brush.setSize(3);
    brush.press(a, Qt::LeftButton, Qt::NoModifier);
    brush.move(b, Qt::LeftButton, Qt::NoModifier);
    brush.release(b, Qt::LeftButton, Qt::NoModifier);
}

} // namespace

TEST(Autosaver, DebouncedWriteThenCrashThenRecovery)
{
    Fixture f;
    AnnotationState edited;
    {
        auto project = Project::openOrCreate(f.projectDir, f.images);
        ImageDocument doc(f.imagePath);
        doc.setImage(Image(40, 30, 3));
        doc.setPrediction(LabelMap(40, 30, 1), {});
        Autosaver saver;
        saver.setProject(project.get());
        saver.watch(&doc);
        QSignalSpy written(&saver, &Autosaver::autosaved);
        paint(doc, 4, {5, 5}, {30, 20});
        EXPECT_EQ(saver.pendingCount(), 1);
        // Nothing is written synchronously; the debounce timer writes within about a second.
        EXPECT_FALSE(project->hasAutosave("cat.png"));
        EXPECT_TRUE(written.wait(5000));
        EXPECT_TRUE(project->hasAutosave("cat.png"));
        EXPECT_EQ(saver.pendingCount(), 0);
        edited = doc.state();
        EXPECT_EQ(project->loadAutosave("cat.png"), edited);
        // "Crash": the document and autosaver go away without save(); the autosave stays behind.
    }
    auto project = Project::open(f.projectDir);
    ASSERT_EQ(project->recoverable(), std::vector<std::string>{"cat.png"});
    ImageDocument doc(f.imagePath);
    doc.setImage(Image(40, 30, 3));
    const RecoveryResult r = recoverAll(*project, [&](const std::string& key) {
        return key == "cat.png" ? &doc : nullptr;
    });
    EXPECT_EQ(r.recovered, QStringList{QStringLiteral("cat.png")});
    EXPECT_TRUE(r.failed.isEmpty());
    EXPECT_EQ(doc.state(), edited);
    EXPECT_FALSE(doc.isModified());
    // The recovered state is now the saved annotation, and nothing is left to recover.
    EXPECT_TRUE(project->recoverable().empty());
    EXPECT_EQ(project->load("cat.png"), edited);
}

TEST(Autosaver, SteadyEditingIsStillWrittenEverySecond)
{
    // Edits every 100 ms keep restarting the 500 ms debounce; the 1 s maximum delay still writes.
    Fixture f;
    auto project = Project::openOrCreate(f.projectDir, f.images);
    ImageDocument doc(f.imagePath);
    doc.setImage(Image(40, 30, 3));
    Autosaver saver;
    saver.setProject(project.get());
    saver.watch(&doc);
    QSignalSpy written(&saver, &Autosaver::autosaved);
    for (int i = 0; i < 30 && written.count() == 0; ++i) {
        paint(doc, std::uint16_t(i % 5), {1.0 + i, 1}, {1.0 + i, 25});
        QTest::qWait(100);
    }
    EXPECT_GE(written.count(), 1);
    EXPECT_TRUE(project->hasAutosave("cat.png"));
}

TEST(Autosaver, SaveMakesTheAnnotationAndDropsTheAutosave)
{
    Fixture f;
    auto project = Project::openOrCreate(f.projectDir, f.images);
    ImageDocument doc(f.imagePath);
    doc.setImage(Image(40, 30, 3));
    Autosaver saver;
    saver.setProject(project.get());
    saver.watch(&doc);
    paint(doc, 2, {1, 1}, {20, 1});
    ASSERT_TRUE(saver.flush());
    EXPECT_TRUE(project->hasAutosave("cat.png"));
    EXPECT_TRUE(doc.isModified());
    ASSERT_TRUE(saver.saveAll());
    EXPECT_FALSE(doc.isModified());
    EXPECT_FALSE(project->hasAutosave("cat.png"));
    EXPECT_EQ(project->load("cat.png"), doc.state());
    EXPECT_TRUE(project->recoverable().empty());
}

TEST(Autosaver, FailedWriteReportsAndKeepsTheWork)
{
    // A file where the autosave and annotation folders should be makes every write fail, even for
    // root (who ignores read-only permissions), like a read-only or full disk does.
    Fixture f;
    auto project = Project::openOrCreate(f.projectDir, f.images);
    ImageDocument doc(f.imagePath);
    doc.setImage(Image(40, 30, 3));
    Autosaver saver;
    saver.setProject(project.get());
    saver.watch(&doc);
    for (const char* sub : {"autosave", "annotations"}) {
        std::filesystem::remove_all(f.projectDir / sub);
        FILE* blocker = fopen((f.projectDir / sub).c_str(), "w");
        ASSERT_NE(blocker, nullptr);
        fclose(blocker);
    }
    QSignalSpy failed(&saver, &Autosaver::failed);
    paint(doc, 3, {2, 2}, {10, 10});
    const AnnotationState inMemory = doc.state();
    QString error;
    EXPECT_FALSE(saver.flush(&error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_EQ(failed.count(), 1);
    EXPECT_EQ(saver.pendingCount(), 1);
    EXPECT_FALSE(saver.save(&doc, &error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_TRUE(doc.isModified());
    EXPECT_EQ(doc.state(), inMemory);
    // Once the folders are usable again the pending work is written.
    for (const char* sub : {"autosave", "annotations"}) {
        std::filesystem::remove(f.projectDir / sub);
        std::filesystem::create_directories(f.projectDir / sub);
    }
    EXPECT_TRUE(saver.flush(&error)) << error.toStdString();
    EXPECT_EQ(project->loadAutosave("cat.png"), inMemory);
}

// A real kill -9: this binary runs itself as a child that edits, lets the autosaver write, edits a
// little more and then SIGKILLs itself. The parent opens the project like the next start would.
TEST(AutosaverCrashChild, EditThenKillNine)
{
    const char* dir = std::getenv("ZM_AUTOSAVE_CRASH_DIR");
    if (!dir)
        GTEST_SKIP() << "runs only as the child of Autosaver.KillNineLosesOnlyTheLastSecond";
    const std::filesystem::path root = dir;
    auto project = Project::openOrCreate(root / "images" / "zeromask-project", root / "images");
    ImageDocument doc(QString::fromStdString((root / "images" / "cat.png").string()));
    doc.setImage(Image(40, 30, 3));
    Autosaver saver;
    saver.setProject(project.get());
    saver.watch(&doc);
    QSignalSpy written(&saver, &Autosaver::autosaved);
    paint(doc, 4, {5, 5}, {30, 5});
    paint(doc, 5, {5, 15}, {30, 15});
    if (!written.wait(5000))
        std::_Exit(3);
    // What the autosave holds, for the parent to compare with.
    std::FILE* f = std::fopen((root / "expected.bin").c_str(), "wb");
    const auto& ids = doc.labels().ids;
    std::fwrite(ids.data(), sizeof(ids[0]), ids.size(), f);
    std::fclose(f);
    paint(doc, 6, {5, 25}, {30, 25}); // newer than the autosave: this is the work a crash may lose
    ::kill(::getpid(), SIGKILL);
}

TEST(Autosaver, KillNineLosesOnlyTheLastSecond)
{
    Fixture f;
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ZM_AUTOSAVE_CRASH_DIR"), QString::fromStdString(f.dir.path().string()));
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--gtest_filter=AutosaverCrashChild.*")});
    ASSERT_TRUE(child.waitForFinished(60000));
    ASSERT_EQ(child.exitStatus(), QProcess::CrashExit) << child.readAll().toStdString();
    auto project = Project::open(f.projectDir);
    EXPECT_TRUE(project->previousSessionCrashed());
    ASSERT_EQ(project->recoverable(), std::vector<std::string>{"cat.png"});
    ImageDocument doc(f.imagePath);
    doc.setImage(Image(40, 30, 3));
    const RecoveryResult r = recoverAll(*project, [&](const std::string&) { return &doc; });
    ASSERT_EQ(r.recovered.size(), 1);
    const std::string expected = readFile(f.dir / "expected.bin");
    ASSERT_EQ(expected.size(), doc.labels().ids.size() * sizeof(std::uint16_t));
    EXPECT_EQ(std::memcmp(expected.data(), doc.labels().ids.data(), expected.size()), 0);
    EXPECT_EQ(doc.labels().at(10, 5), 4);
    EXPECT_EQ(doc.labels().at(10, 15), 5);
    EXPECT_EQ(doc.labels().at(10, 25), LabelMap::kVoid); // the stroke after the last autosave is lost
}
