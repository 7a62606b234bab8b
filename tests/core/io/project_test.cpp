// Project store: save/load, autosave and recovery after a kill -9 in the middle of writing,
// torn temporary files, failed writes that leave the in-memory work alone.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/annotationfile.h"
#include "core/io/image_io.h"
#include "core/io/project.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <csignal>
#include <cstdlib>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace zm;
namespace fs = std::filesystem;

namespace {

AnnotationState uniformState(int w, int h, std::uint16_t v)
{
    AnnotationState s = stateFromPrediction(LabelMap(w, h, 0));
    s = paint(s, std::vector<std::uint8_t>(std::size_t(w) * std::size_t(h), 1), v);
    return s;
}

void makeImages(const fs::path& dir, int n)
{
    for (int i = 0; i < n; ++i)
        saveImage(dir / ("img" + std::to_string(i) + ".png"), Image(8, 6, 3));
}

} // namespace

TEST(Project, CreateSaveLoadReopen)
{
    test::TempDir dir;
    makeImages(dir.path(), 2);
    const fs::path folder = Project::defaultFolder(dir.path());
    {
        auto p = Project::openOrCreate(folder, dir.path());
        EXPECT_FALSE(p->previousSessionCrashed());
        EXPECT_EQ(p->images().size(), 2u);
        p->setClasses(ClassTable::fromTyped({"cat", "dog"}));
        AnnotationState s = uniformState(8, 6, 1);
        s.labels.at(3, 3) = 0;
        p->save("img1.png", s);
        EXPECT_EQ(p->load("img1.png"), s);
        EXPECT_TRUE(p->load("img0.png").empty());
    }
    EXPECT_FALSE(fs::exists(folder / "session.lock")); // a clean close releases the lock
    auto p = Project::open(folder);
    EXPECT_FALSE(p->previousSessionCrashed());
    EXPECT_EQ(p->classes().at(1).name, "dog");
    EXPECT_EQ(p->annotated(), std::vector<std::string>{"img1.png"});
    EXPECT_EQ(p->load("img1.png").labels.at(3, 3), 0);
    EXPECT_EQ(fs::canonical(p->imagesDir()), fs::canonical(dir.path()));
}

TEST(Project, AutosaveIsOfferedForRecoveryAndSaveClearsIt)
{
    test::TempDir dir;
    auto p = Project::openOrCreate(dir / "proj", dir.path());
    p->save("a.png", uniformState(4, 4, 1));
    p->autosave("a.png", uniformState(4, 4, 2));
    EXPECT_EQ(p->recoverable(), std::vector<std::string>{"a.png"});
    const AnnotationState r = p->recover("a.png");
    EXPECT_EQ(r.labels.at(0, 0), 2);
    EXPECT_EQ(p->load("a.png"), r);
    EXPECT_TRUE(p->recoverable().empty());
    p->autosave("a.png", uniformState(4, 4, 3));
    p->discardAutosave("a.png");
    EXPECT_TRUE(p->recoverable().empty());
    EXPECT_THROW(p->save("../evil.png", r), Error);
}

// The child half of the crash test: autosaves ever-changing states as fast as it can until killed.
TEST(ProjectCrashChild, AutosaveLoop)
{
    const char* folder = std::getenv("ZM_CRASH_CHILD_PROJECT");
    if (!folder)
        GTEST_SKIP() << "runs only as the child process of Project.KillNineDuringAutosaveLosesNothingSaved";
    auto p = Project::open(folder);
    for (std::uint16_t k = 1;; k = std::uint16_t(k % 60000 + 1))
        p->autosave("img.png", uniformState(700, 500, k));
}

TEST(Project, KillNineDuringAutosaveLosesNothingSaved)
{
    test::TempDir dir;
    const fs::path folder = dir / "proj";
    Project::openOrCreate(folder, dir.path()).reset();
    const std::string env = "ZM_CRASH_CHILD_PROJECT=" + folder.string();
    char* envp[] = {const_cast<char*>(env.c_str()), nullptr};
    char filter[] = "--gtest_filter=ProjectCrashChild.AutosaveLoop";
    char exe[] = "/proc/self/exe";
    char* argv[] = {exe, filter, nullptr};
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        execve(exe, argv, envp);
        _exit(127);
    }
    // Wait for the first autosaves, then kill it in the middle of one (each write takes milliseconds).
    const auto start = std::chrono::steady_clock::now();
    while (!fs::exists(folder / "autosave" / "img.png.zma") && std::chrono::steady_clock::now() - start < std::chrono::seconds(30))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child ended by itself: " << status;

    auto p = Project::open(folder);
    EXPECT_TRUE(p->previousSessionCrashed());
    ASSERT_EQ(p->recoverable(), std::vector<std::string>{"img.png"});
    const AnnotationState s = p->loadAutosave("img.png");
    // Never a torn mix: one whole state, every pixel the same generation, all confirmed.
    ASSERT_EQ(s.labels.width, 700);
    const std::uint16_t k = s.labels.ids[0];
    EXPECT_GE(k, 1);
    EXPECT_TRUE(std::all_of(s.labels.ids.begin(), s.labels.ids.end(), [&](std::uint16_t v) { return v == k; }));
    EXPECT_EQ(s.confirmedCount(), s.labels.ids.size());
    for (const auto& e : fs::directory_iterator(folder / "autosave"))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temporary file left: " << e.path();
}

TEST(Project, TornFilesAreRefusedOrIgnored)
{
    test::TempDir dir;
    auto p = Project::openOrCreate(dir / "proj", dir.path());
    p->save("a.png", uniformState(30, 20, 1));
    const fs::path file = dir / "proj" / "annotations" / "a.png.zma";
    const std::string bytes = readFile(file);
    // A truncated file (as a non-atomic writer would leave) is detected, not half-read.
    writeFileAtomic(dir / "cut.zma", bytes.substr(0, bytes.size() - 5));
    EXPECT_THROW(loadAnnotation(dir / "cut.zma"), Error);
    std::string flipped = bytes;
    flipped[bytes.size() / 2] = char(flipped[bytes.size() / 2] ^ 0x55);
    writeFileAtomic(dir / "flip.zma", flipped);
    EXPECT_THROW(loadAnnotation(dir / "flip.zma"), Error);
    // A leftover temporary file of an interrupted write is not recoverable work and is cleaned up.
    p.reset();
    writeFileAtomic(dir / "proj" / "autosave" / "b.png.zma.tmp-1-2", bytes.substr(0, 10));
    p = Project::open(dir / "proj");
    EXPECT_TRUE(p->recoverable().empty());
    EXPECT_FALSE(fs::exists(dir / "proj" / "autosave" / "b.png.zma.tmp-1-2"));
}

TEST(Project, FailedWriteReportsAndKeepsWork)
{
    test::TempDir dir;
    auto p = Project::openOrCreate(dir / "proj", dir.path());
    p->save("a.png", uniformState(4, 4, 1));
    // Make the annotation folder unwritable in a way that also holds for root: replace it by a file.
    fs::remove_all(dir / "proj" / "annotations");
    writeFileAtomic(dir / "proj" / "annotations", "not a folder");
    const AnnotationState work = uniformState(4, 4, 2);
    try {
        p->save("a.png", work);
        FAIL() << "save into a blocked folder succeeded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("annotations"), std::string::npos) << e.what();
    }
    EXPECT_EQ(work.labels.at(0, 0), 2);
    p->autosave("a.png", work); // the autosave folder still works: the work is kept on disk too
    EXPECT_EQ(p->loadAutosave("a.png"), work);
}

TEST(Project, SecondLiveSessionIsReported)
{
    test::TempDir dir;
    auto a = Project::openOrCreate(dir / "proj", dir.path());
    // Same process: not another session. Fake a live foreign one with our parent's pid.
    saveJsonFile(dir / "proj" / "session.lock", {{"pid", int(getppid())}, {"host", [] {
                                                      char b[256] = {};
                                                      gethostname(b, 255);
                                                      return std::string(b);
                                                  }()}});
    auto b = Project::open(dir / "proj");
    EXPECT_EQ(b->lockedByPid(), int(getppid()));
    EXPECT_FALSE(b->previousSessionCrashed());
}

TEST(Project, MergeAndDeleteClassesAcrossTheProject)
{
    test::TempDir dir;
    auto p = Project::openOrCreate(dir / "proj", dir.path());
    p->setClasses(ClassTable::fromTyped({"cat", "kitten", "dog"}));
    AnnotationState a = stateFromPrediction(LabelMap(3, 1, 2));
    a = paint(a, {1, 1, 0}, 1);           // a person labelled two kittens
    p->save("a.png", a);
    p->autosave("b.png", paint(stateFromPrediction(LabelMap(2, 1, 1)), {0, 1}, 2));
    NullProgress progress;
    p->mergeClasses(1, 0, progress);      // kitten -> cat
    const AnnotationState merged = p->load("a.png");
    EXPECT_EQ(merged.labels.ids, (std::vector<std::uint16_t>{0, 0, 2}));
    EXPECT_EQ(merged.confirmed, (std::vector<std::uint8_t>{1, 1, 0}));
    EXPECT_EQ(p->loadAutosave("b.png").labels.ids, (std::vector<std::uint16_t>{0, 2}));
    EXPECT_FALSE(p->classes().contains(1));
    EXPECT_FALSE(Project::open(dir / "proj")->classes().contains(1)); // on disk too
    p->deleteClass(0, progress);
    const AnnotationState deleted = p->load("a.png");
    EXPECT_EQ(deleted.labels.ids, (std::vector<std::uint16_t>{LabelMap::kVoid, LabelMap::kVoid, 2}));
    EXPECT_EQ(deleted.confirmed, (std::vector<std::uint8_t>{0, 0, 0}));
    EXPECT_EQ(p->classes().size(), 1);
    ClassTable t = p->classes();
    EXPECT_EQ(t.add("bird"), 3); // ids of merged and deleted classes stay retired
    EXPECT_THROW(p->mergeClasses(2, 2, progress), Error);
    EXPECT_THROW(p->deleteClass(7, progress), Error);
}
