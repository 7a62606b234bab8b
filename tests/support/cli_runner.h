// Runs the zeromask-cli binary built beside the tests and captures its output and exit code.
#pragma once
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>

namespace zm::test {

struct CliResult {
    int exitCode = -1;
    std::string output; ///< stdout and stderr together
};

inline CliResult runCli(const std::string& args)
{
    const std::string cmd = std::string("'") + ZM_CLI_PATH + "' " + args + " 2>&1";
    CliResult r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p)
        return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.output.append(buf.data(), n);
    const int status = pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

/// A path in single quotes, for the command line runCli() hands to the shell.
inline std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

/// Whether `text` holds `part` (for checking a command's output).
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace zm::test
