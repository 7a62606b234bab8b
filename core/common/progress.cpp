// Console implementation of the progress interface.
#include "core/common/progress.h"

#include <unistd.h>

namespace zm {

ConsoleProgress::ConsoleProgress(std::string label, std::FILE* out)
    : mLabel(std::move(label)), mOut(out), mTty(isatty(fileno(out)) != 0),
      mStart(std::chrono::steady_clock::now()), mLastDraw(mStart - std::chrono::seconds(1))
{
}

ConsoleProgress::~ConsoleProgress()
{
    if (mDrawn && mTty)
        std::fputc('\n', mOut);
}

bool ConsoleProgress::update(double fraction, const std::string& message)
{
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - mStart).count();
    if (mTty) {
        if (now - mLastDraw < std::chrono::milliseconds(100) && fraction < 1.0)
            return !cancelled();
        mLastDraw = now;
        const int width = 30;
        const double f = fraction < 0 ? 0 : (fraction > 1 ? 1 : fraction);
        const int filled = int(f * width + 0.5);
        std::string bar(std::size_t(filled), '#');
        bar.append(std::size_t(width - filled), '.');
        double eta = (f > 0.001) ? elapsed / f - elapsed : 0;
        std::fprintf(mOut, "\r%s [%s] %5.1f%% %6.1fs eta %5.0fs %-40.40s", mLabel.c_str(), bar.c_str(),
                     f * 100, elapsed, eta, message.c_str());
        std::fflush(mOut);
        mDrawn = true;
    } else {
        const int decile = fraction < 0 ? -1 : int(fraction * 10);
        if (decile != mLastDecile) {
            mLastDecile = decile;
            std::fprintf(mOut, "%s %3.0f%% (%.1fs) %s\n", mLabel.c_str(), fraction * 100, elapsed, message.c_str());
            std::fflush(mOut);
        }
    }
    return !cancelled();
}

void ConsoleProgress::finish(const std::string& message)
{
    update(1.0, message);
    if (mDrawn && mTty) {
        std::fputc('\n', mOut);
        mDrawn = false;
    }
}

} // namespace zm
