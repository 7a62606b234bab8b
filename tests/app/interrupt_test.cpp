// The CLI's interrupt guard in this process: the first SIGINT/SIGTERM cancels the command's progress,
// a second one exits at once with 130, the previous handlers (SIG_IGN too) come back.
// (test_app links core's zm_common only, so the guard's one source file is compiled in here.)
#include "app/cli/interrupt.cpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>

using zm::cli::CommandProgress;
using zm::cli::InterruptGuard;

namespace {

volatile std::sig_atomic_t gOldHandlerCalls = 0;
extern "C" void countingHandler(int) { gOldHandlerCalls = gOldHandlerCalls + 1; }

void (*currentHandler(int sig))(int)
{
    struct sigaction now {};
    ::sigaction(sig, nullptr, &now);
    return now.sa_handler;
}

/// A console progress that draws into /dev/null.
struct QuietFile {
    std::FILE* f = std::fopen("/dev/null", "w");
    ~QuietFile() { std::fclose(f); }
};

} // namespace

TEST(InterruptGuard, FirstSigintCancelsTheCommandsProgressOnly)
{
    QuietFile null;
    CommandProgress progress("test", null.f);
    EXPECT_FALSE(progress.cancelled());
    EXPECT_TRUE(progress.update(0.5, "working"));
    ASSERT_EQ(::raise(SIGINT), 0); // the process survives: the handler only sets the flag
    EXPECT_TRUE(progress.cancelled());
    EXPECT_FALSE(progress.update(0.6, "working"));
    EXPECT_THROW(zm::checkCancelled(progress), zm::Cancelled);
    EXPECT_EQ(InterruptGuard::signalNumber(), SIGINT);
    EXPECT_TRUE(zm::cli::interruptRequested());
    // Work nested in the command sees the same cancellation.
    zm::CancelOnlyProgress nested(progress);
    EXPECT_TRUE(nested.cancelled());
}

TEST(InterruptGuard, SigtermStopsTheSameWay)
{
    QuietFile null;
    CommandProgress progress("test", null.f);
    ASSERT_EQ(::raise(SIGTERM), 0);
    EXPECT_TRUE(progress.cancelled());
    EXPECT_EQ(InterruptGuard::signalNumber(), SIGTERM);
}

TEST(InterruptGuard, RestoresThePreviousHandlers)
{
    struct sigaction mine {}, oldInt {}, oldTerm {};
    mine.sa_handler = countingHandler;
    sigemptyset(&mine.sa_mask);
    ::sigaction(SIGINT, &mine, &oldInt);
    ::sigaction(SIGTERM, &mine, &oldTerm);
    {
        InterruptGuard guard;
        EXPECT_NE(currentHandler(SIGINT), &countingHandler);
        EXPECT_NE(currentHandler(SIGTERM), &countingHandler);
        ::raise(SIGINT);
        EXPECT_EQ(gOldHandlerCalls, 0); // the guard's handler ran, not the old one
        EXPECT_TRUE(guard.interrupted());
    }
    EXPECT_EQ(currentHandler(SIGINT), &countingHandler);
    EXPECT_EQ(currentHandler(SIGTERM), &countingHandler);
    ::raise(SIGTERM);
    EXPECT_EQ(gOldHandlerCalls, 1);
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
}

TEST(InterruptGuard, ANewCommandStartsUninterruptedAndNestedGuardsShareTheFlag)
{
    {
        InterruptGuard first;
        ::raise(SIGINT);
    }
    EXPECT_TRUE(zm::cli::interruptRequested()); // main() still knows after the guard is gone
    InterruptGuard outer;
    EXPECT_FALSE(outer.interrupted());
    {
        InterruptGuard inner;
        ::raise(SIGINT);
        EXPECT_TRUE(inner.interrupted());
    }
    EXPECT_TRUE(outer.interrupted()); // the inner guard neither cleared the flag ...
    EXPECT_NE(currentHandler(SIGINT), SIG_DFL); // ... nor uninstalled the outer handler
}

TEST(InterruptGuard, AnIgnoredSignalStopsTheCommandAndIsIgnoredAgainAfterwards)
{
    // A script's background job starts with SIGINT ignored; `kill -INT` must still stop it cleanly.
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGINT, &ignore, &old);
    {
        InterruptGuard guard;
        ::raise(SIGINT);
        EXPECT_TRUE(guard.interrupted());
    }
    EXPECT_EQ(currentHandler(SIGINT), SIG_IGN);
    ::raise(SIGINT); // ignored again: the test goes on
    ::sigaction(SIGINT, &old, nullptr);
}

TEST(InterruptGuardDeathTest, SecondSignalWhileOneIsPendingExitsAt130)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            InterruptGuard guard;
            ::raise(SIGINT);
            ::raise(SIGTERM);
            std::fprintf(stderr, "still running\n");
            std::exit(0);
        },
        ::testing::ExitedWithCode(zm::cli::kInterruptedExitCode), "interrupted again, exiting now");
}
