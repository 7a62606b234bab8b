// zeromask-cli: the headless front end of core/. Subcommands live in app/cli/commands/.
#include "app/cli/command.h"
#include "app/cli/interrupt.h"

#include "core/common/error.h"
#include "core/common/progress.h"
#include "core/common/version.h"
#include "core/runtime/runtime.h"

#include <algorithm>
#include <iostream>

namespace zm::cli {

std::vector<std::pair<int, Registration>>& registrations()
{
    static std::vector<std::pair<int, Registration>> list;
    return list;
}

Registrar::Registrar(int order, Registration r) { registrations().emplace_back(order, std::move(r)); }

int& exitCode()
{
    static int code = 0;
    return code;
}

} // namespace zm::cli

int main(int argc, char** argv)
{
    zm::ensurePassiveOpenMpWait(argv);
    CLI::App app{"ZeroMask command line: zero-shot semantic segmentation, headless.\n"
                 "Run 'zeromask-cli COMMAND --help' for the options of one command.",
                 "zeromask-cli"};
    app.set_version_flag("--version", std::string("zeromask-cli ") + zm::kVersion);
    app.require_subcommand(1);
    int threads = 0;
    app.add_option("--threads", threads, "Compute threads (default: $ZEROMASK_THREADS or all cores)");

    auto& regs = zm::cli::registrations();
    std::stable_sort(regs.begin(), regs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [order, reg] : regs)
        reg(app);

    app.parse_complete_callback([&] { zm::initRuntime(threads); });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const zm::Cancelled&) {
        std::cerr << "zeromask-cli: cancelled\n";
        return zm::cli::kInterruptedExitCode;
    } catch (const zm::Error& e) {
        if (zm::cli::interruptRequested()) { // e.g. a child process killed by the same Ctrl-C
            std::cerr << "zeromask-cli: cancelled (" << e.what() << ")\n";
            return zm::cli::kInterruptedExitCode;
        }
        std::cerr << "zeromask-cli: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "zeromask-cli: internal error: " << e.what() << "\n";
        return 2;
    }
    return zm::cli::exitCode();
}
