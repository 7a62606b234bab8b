// Ctrl-C and SIGTERM in zeromask-cli's long commands: one contract for all of them.
//
// A long command creates one CommandProgress (a console bar that owns an InterruptGuard) and hands it to
// core. The first SIGINT/SIGTERM only sets a flag: the bar's cancelled() turns true, core polls it
// between units of work and stops cleanly with zm::Cancelled (train saves a checkpoint first, predict
// keeps every finished image), and main() prints "cancelled" and exits 130. A second signal while the
// first is still pending exits at once with 130. The previous handlers come back when the guard goes.
#pragma once
#include "core/common/progress.h"

#include <csignal>
#include <string>

namespace zm::cli {

/// Exit status of a command stopped by Ctrl-C / SIGTERM (128 + SIGINT, as shells report it).
constexpr int kInterruptedExitCode = 130;

/// Installs SIGINT and SIGTERM handlers (sigaction, SA_RESTART) for its lifetime, also over an ignored
/// signal (a script's background job), and restores the previous dispositions in its destructor. Guards
/// may nest (the inner one shares the outer one's flag).
/// Construct and destroy on the main thread; the signal itself may arrive on any thread.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    /// True once SIGINT or SIGTERM arrived while a guard was installed.
    bool interrupted() const { return signalNumber() != 0; }
    /// The signal that arrived first (SIGINT or SIGTERM), 0 while none.
    static int signalNumber();

private:
    struct sigaction mOldInt {}, mOldTerm {};
};

/// True when a signal arrived under the last guard (stays true after the guard is gone, until the next
/// outermost guard is created): main() uses it to report an error caused by the interruption (a child
/// process killed by the same Ctrl-C) as a cancellation.
bool interruptRequested();

/// The console progress bar of a long command, cancelled by Ctrl-C / SIGTERM as well as by cancel().
class CommandProgress final : public ConsoleProgress {
public:
    explicit CommandProgress(std::string label, std::FILE* out = stderr) : ConsoleProgress(std::move(label), out) {}
    bool cancelled() const override { return ConsoleProgress::cancelled() || mGuard.interrupted(); }

private:
    InterruptGuard mGuard;
};

} // namespace zm::cli
