// The zeromask-cli executable, run as a person would.
#include "tests/support/cli_runner.h"

#include <gtest/gtest.h>

using zm::test::runCli;

TEST(Cli, HelpListsCommands)
{
    const auto r = runCli("--help");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("version"), std::string::npos) << r.output;
}

TEST(Cli, VersionPrintsStack)
{
    const auto r = runCli("version");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    for (const char* s : {"LibTorch", "OpenCV", "fastText", "threads", "CUDA"})
        EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
}

TEST(Cli, UnknownCommandFails)
{
    const auto r = runCli("no-such-command");
    EXPECT_NE(r.exitCode, 0);
}
