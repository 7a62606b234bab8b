// Ctrl-C / SIGTERM sent to the real zeromask-cli in the middle of its work: train saves a checkpoint that
// resumes, predict keeps every finished image and the next run does only the rest, eval stops; each
// exits 130 with "cancelled". A tiny model on a tiny generic data set: some seconds in all.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/app/clidata.h"
#include "tests/support/cli_runner.h"
#include "tests/support/helpers.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using zm::test::has;
using zm::test::runCli;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

/// zeromask-cli ARGS... running in the background, its stdout and stderr going to `log`.
class Running {
public:
    Running(const std::vector<std::string>& args, fs::path log) : mLog(std::move(log))
    {
        mPid = ::fork();
        if (mPid == 0) {
            const int fd = ::open(mLog.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<char*> argv{const_cast<char*>(ZM_CLI_PATH)};
            for (const auto& a : args)
                argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(ZM_CLI_PATH, argv.data());
            ::_exit(127);
        }
    }
    ~Running()
    {
        if (mPid > 0 && mStatus < 0) {
            ::kill(mPid, SIGKILL);
            ::waitpid(mPid, nullptr, 0);
        }
    }
    /// Sends `sig` (no-op once the process has ended).
    void signal(int sig) const
    {
        if (mStatus < 0)
            ::kill(mPid, sig);
    }
    /// True while the process runs; collects its status when it ends.
    bool running()
    {
        if (mStatus >= 0)
            return false;
        int st = 0;
        if (::waitpid(mPid, &st, WNOHANG) != mPid)
            return true;
        mStatus = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        return false;
    }
    /// Exit code (128 + signal when killed by one), or -1 when it did not end within `limit`.
    int wait(std::chrono::seconds limit = 120s)
    {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (running() && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(10ms);
        return mStatus;
    }
    std::string output() const
    {
        std::ifstream in(mLog);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    fs::path mLog;
    pid_t mPid = -1;
    int mStatus = -1;
};

/// Polls `ready` every 10 ms while `p` runs; false when `p` ended first or 120 s passed.
bool waitUntil(Running& p, const std::function<bool()>& ready)
{
    const auto end = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < end) {
        if (ready())
            return true;
        if (!p.running())
            return false;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

int loggedIterations(const fs::path& log)
{
    std::ifstream in(log);
    std::string line;
    int n = 0;
    while (std::getline(in, line))
        n += line.find("\"loss\"") != std::string::npos;
    return n;
}

int filesIn(const fs::path& dir)
{
    std::error_code ec;
    int n = 0;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

} // namespace

TEST(CliInterrupt, TrainPredictAndEvalStopCleanlyAndResume)
{
    zm::test::TempDir dir;
    zm::test::makeData(dir / "data", 6, 400);
    zm::writeFileAtomic(dir / "zoo.csv", "class,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.3\n");
    const fs::path model = dir / "model";
    std::vector<std::string> train = {"--threads", "1", "train", "--data", (dir / "data").string(), "--unseen", "tiger",
                                      "--vectors", (dir / "zoo.csv").string(), "--iterations", "100000", "--batch", "2",
                                      "--crop", "32", "--no-calibrate", "--device", "cpu", "--out", model.string()};

    // train: Ctrl-C between batches saves a resumable checkpoint, then exits 130.
    {
        Running p(train, dir / "train.log");
        ASSERT_TRUE(waitUntil(p, [&] { return loggedIterations(model / "log.jsonl") >= 1; })) << p.output();
        p.signal(SIGINT);
        ASSERT_EQ(p.wait(), 130) << p.output();
        EXPECT_TRUE(has(p.output(), "stopped; resume with the same command and --resume")) << p.output();
        EXPECT_TRUE(has(p.output(), "zeromask-cli: cancelled")) << p.output();
    }
    const int stoppedAt = zm::loadJsonFile(model / "state.json").value("iteration", -1);
    EXPECT_GE(stoppedAt, 10);
    EXPECT_LT(stoppedAt, 100000);
    EXPECT_TRUE(fs::is_regular_file(model / "card.json"));

    // --resume continues from there; SIGTERM (a job scheduler) stops it the same way.
    train.push_back("--resume");
    {
        Running p(train, dir / "resume.log");
        ASSERT_TRUE(waitUntil(p, [&] { return loggedIterations(model / "log.jsonl") > stoppedAt / 10 + 1; })) << p.output();
        p.signal(SIGTERM);
        ASSERT_EQ(p.wait(), 130) << p.output();
    }
    EXPECT_GT(zm::loadJsonFile(model / "state.json").value("iteration", -1), stoppedAt);

    // predict: stops after the current image; every finished image counts when the command runs again.
    const fs::path images = dir / "data" / "images" / "test", out = dir / "out";
    const std::vector<std::string> predict = {"--threads", "1", "predict", images.string(), "--model", model.string(),
                                              "--vectors", (dir / "zoo.csv").string(), "--classes", "zebra, shark, tiger",
                                              "--export", "id", "--device", "cpu", "--out", out.string()};
    {
        Running p(predict, dir / "predict.log");
        ASSERT_TRUE(waitUntil(p, [&] { return filesIn(out / "id") >= 2; })) << p.output();
        p.signal(SIGTERM);
        ASSERT_EQ(p.wait(), 130) << p.output();
        EXPECT_TRUE(has(p.output(), "zeromask-cli: cancelled")) << p.output();
        EXPECT_FALSE(has(p.output(), "images/s")) << "a stopped batch prints no summary\n" << p.output();
    }
    std::string args;
    for (const auto& a : predict)
        args += q(a) + " ";
    const auto again = runCli(args);
    ASSERT_EQ(again.exitCode, 0) << again.output;
    EXPECT_FALSE(has(again.output, " 0 already done")) << again.output;
    EXPECT_FALSE(has(again.output, "400 predicted")) << again.output;
    EXPECT_EQ(filesIn(out / "id"), 400);

    // eval: Ctrl-C stops between images, exit 130, no JSON written.
    {
        Running p({"--threads", "1", "eval", "--model", model.string(), "--data", (dir / "data").string(), "--vectors",
                   (dir / "zoo.csv").string(), "--device", "cpu", "--json", (dir / "eval.json").string()},
                  dir / "eval.log");
        ASSERT_TRUE(waitUntil(p, [&] { return has(p.output(), "eval  10%") || has(p.output(), "eval  20%"); })) << p.output();
        p.signal(SIGINT);
        ASSERT_EQ(p.wait(), 130) << p.output();
        EXPECT_TRUE(has(p.output(), "zeromask-cli: cancelled")) << p.output();
    }
    EXPECT_FALSE(fs::exists(dir / "eval.json"));
}
