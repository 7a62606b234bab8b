// The signal side of the CLI's interrupt contract. The handler does only async-signal-safe things: an
// atomic exchange, write(2) and _exit(2).
#include "app/cli/interrupt.h"

#include <atomic>
#include <unistd.h>

namespace zm::cli {

namespace {

std::atomic<int> gSignal{0}; ///< the first signal under the current guards, 0 while none
int gDepth = 0;              ///< guards alive (main thread only)
static_assert(std::atomic<int>::is_always_lock_free, "the interrupt flag must be usable in a signal handler");

void say(const char* text, std::size_t n)
{
    ssize_t ignored = ::write(STDERR_FILENO, text, n);
    (void)ignored;
}

extern "C" void onInterruptSignal(int sig)
{
    if (gSignal.exchange(sig) != 0) {
        static const char msg[] = "\nzeromask-cli: interrupted again, exiting now\n";
        say(msg, sizeof msg - 1);
        ::_exit(kInterruptedExitCode);
    }
    static const char msg[] = "\nzeromask-cli: stopping after the current step (press Ctrl-C again to quit at once)\n";
    say(msg, sizeof msg - 1);
}

void install(int sig, struct sigaction* old)
{
    // Installed even over SIG_IGN: a background job of a script (which the shell starts ignoring SIGINT)
    // must still stop cleanly on `kill -INT`, as every command did before this guard existed.
    struct sigaction sa {};
    sa.sa_handler = onInterruptSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; // reads and writes in progress finish; core polls the flag
    ::sigaction(sig, &sa, old);
}

} // namespace

InterruptGuard::InterruptGuard()
{
    if (gDepth++ == 0)
        gSignal.store(0);
    install(SIGINT, &mOldInt);
    install(SIGTERM, &mOldTerm);
}

InterruptGuard::~InterruptGuard()
{
    ::sigaction(SIGTERM, &mOldTerm, nullptr);
    ::sigaction(SIGINT, &mOldInt, nullptr);
    --gDepth;
}

int InterruptGuard::signalNumber() { return gSignal.load(); }

bool interruptRequested() { return gSignal.load() != 0; }

} // namespace zm::cli
