// Runtime start-up: thread count from the cores, versions reported.
#include "core/runtime/runtime.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

TEST(Runtime, ThreadsFollowCores)
{
    zm::initRuntime();
    const auto info = zm::runtimeInfo();
    EXPECT_EQ(info.threads, std::max(1, int(std::thread::hardware_concurrency())));
    zm::initRuntime(1);
    EXPECT_EQ(zm::runtimeInfo().threads, 1);
    zm::initRuntime();
}

// The engine's own parallel loops must really fork: with LibTorch's OpenMP backend, at::parallel_for
// runs on one thread, silently, in code compiled without -fopenmp (the cause of a 2x slower score()).
TEST(Runtime, EngineKernelsUseEveryThread)
{
    zm::initRuntime(2);
    EXPECT_EQ(zm::runtimeInfo().engineThreads, 2);
    EXPECT_NE(zm::runtimeReport().find("engine kernels on 2\n"), std::string::npos) << zm::runtimeReport();
    zm::initRuntime(1);
    EXPECT_EQ(zm::runtimeInfo().engineThreads, 1);
    zm::initRuntime();
}

TEST(Runtime, ReportNamesEveryLibrary)
{
    const std::string r = zm::runtimeReport();
    for (const char* s : {"ZeroMask", "LibTorch 1.", "OpenCV 4.", "fastText 0.9", "threads", "CUDA"})
        EXPECT_NE(r.find(s), std::string::npos) << s << " missing from\n" << r;
}

// The programs are linked against jemalloc when the build finds it (zm_allocator): glibc's malloc returns
// the big tensor buffers to the system after every step and faults them in again, several times slower on
// virtual machines that reclaim freed pages. The report says which one runs.
TEST(Runtime, ReportNamesTheAllocatorItRunsOn)
{
    const std::string a = zm::runtimeInfo().allocator;
#ifdef ZM_WITH_JEMALLOC
    EXPECT_EQ(a.rfind("jemalloc 5.", 0), 0u) << a;
    // The program's own options (cmake/jemalloc-conf.cpp) are in force unless MALLOC_CONF overrides them.
    if (!std::getenv("MALLOC_CONF")) {
        EXPECT_NE(a.find("(dirty_decay_ms -1)"), std::string::npos) << a;
    }
#else
    EXPECT_EQ(a, "glibc malloc");
#endif
    EXPECT_NE(zm::runtimeReport().find("memory allocator " + a + "\n"), std::string::npos) << zm::runtimeReport();
}
