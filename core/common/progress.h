// Progress and cancellation: the one small interface through which long core work reports.
// The CLI implements it with a console bar, the GUI with queued signals, tests with a recorder.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

namespace zm {

class Progress {
public:
    virtual ~Progress() = default;
    /// fraction in [0,1] (negative: unknown); returns false when the work should stop.
    virtual bool update(double fraction, const std::string& message) = 0;
    /// Polled between units of work: true when someone asked to stop.
    virtual bool cancelled() const { return false; }
};

/// Does nothing, never cancels.
class NullProgress final : public Progress {
public:
    bool update(double, const std::string&) override { return true; }
};

/// Progress that can be cancelled from another thread (or a signal handler).
class CancellableProgress : public Progress {
public:
    void cancel() { mCancelled.store(true); }
    bool cancelled() const override { return mCancelled.load(); }
    bool update(double, const std::string&) override { return !cancelled(); }

private:
    std::atomic<bool> mCancelled{false};
};

/// Forwards another Progress's cancellation and reports nothing: for work nested inside a longer task
/// (an image's tiles inside a batch, the trainer's held-out evaluation inside training) that must stop
/// when the task stops without drawing over the task's own progress.
class CancelOnlyProgress final : public Progress {
public:
    explicit CancelOnlyProgress(const Progress& outer) : mOuter(outer) {}
    bool update(double, const std::string&) override { return !mOuter.cancelled(); }
    bool cancelled() const override { return mOuter.cancelled(); }

private:
    const Progress& mOuter;
};

/// A one-line console bar on stderr, redrawn at most ~10 times a second; silent when not a TTY
/// unless forced (then it prints a line every 10 %).
class ConsoleProgress : public CancellableProgress {
public:
    explicit ConsoleProgress(std::string label, std::FILE* out = stderr);
    ~ConsoleProgress() override;
    bool update(double fraction, const std::string& message) override;
    void finish(const std::string& message = {});

private:
    std::string mLabel;
    std::FILE* mOut;
    bool mTty;
    int mLastDecile = -1;
    bool mDrawn = false;
    std::chrono::steady_clock::time_point mStart, mLastDraw;
};

/// Throws zm::Cancelled when progress says stop: `checkCancelled(p)` between batches.
struct Cancelled : std::exception {
    const char* what() const noexcept override { return "cancelled"; }
};
inline void checkCancelled(const Progress& p)
{
    if (p.cancelled())
        throw Cancelled();
}

} // namespace zm
