// Runtime set-up and version report.
#include "core/runtime/runtime.h"

#include "core/common/version.h"
#include "core/engine/scoring.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>
#ifdef ZM_WITH_OPENCV
#include <opencv2/core/version.hpp>
#endif

#include <cstdlib>
#include <dlfcn.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace zm {

void ensurePassiveOpenMpWait(char** argv)
{
    if (std::getenv("OMP_WAIT_POLICY") || !argv || !argv[0])
        return;
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    ::execv("/proc/self/exe", argv);
    // exec failed: carry on with the default policy (the variable now set only affects children).
}

void initRuntime(int threads)
{
    int n = threads;
    if (n <= 0)
        if (const char* env = std::getenv("ZEROMASK_THREADS"); env && *env)
            n = std::atoi(env);
    if (n <= 0)
        n = int(std::thread::hardware_concurrency());
    if (n <= 0)
        n = 1;
    at::set_num_threads(n);
}

namespace {

/// jemalloc's name and version when the process runs on it (linked by zm_allocator, or LD_PRELOADed): it
/// alone exports `mallctl`, looked up at run time so that core/ needs no jemalloc header or library.
std::string allocatorName()
{
    using Mallctl = int (*)(const char*, void*, std::size_t*, void*, std::size_t);
    const auto mallctl = reinterpret_cast<Mallctl>(::dlsym(RTLD_DEFAULT, "mallctl"));
    if (!mallctl)
        return "glibc malloc";
    const char* version = nullptr;
    std::size_t size = sizeof version;
    std::string name = "jemalloc";
    if (mallctl("version", &version, &size, nullptr, 0) == 0 && version)
        name += std::string(" ") + version;
    // How long freed pages stay before they go back to the system (-1: never; cmake/jemalloc-conf.cpp).
    ssize_t decay = 0;
    std::size_t decaySize = sizeof decay;
    if (mallctl("opt.dirty_decay_ms", &decay, &decaySize, nullptr, 0) == 0)
        name += " (dirty_decay_ms " + std::to_string(static_cast<long long>(decay)) + ")";
    return name;
}

} // namespace

RuntimeInfo runtimeInfo()
{
    RuntimeInfo info;
    info.zeromaskVersion = kVersion;
    info.torchVersion = TORCH_VERSION;
#ifdef ZM_WITH_OPENCV
    info.opencvVersion = CV_VERSION;
#endif
#ifdef ZM_FASTTEXT_VERSION
    info.fasttextVersion = ZM_FASTTEXT_VERSION;
#endif
    info.threads = at::get_num_threads();
    info.engineThreads = engineParallelWorkers();
    info.hardwareThreads = int(std::thread::hardware_concurrency());
    info.cudaAvailable = torch::cuda::is_available();
    info.cudaDevices = info.cudaAvailable ? int(torch::cuda::device_count()) : 0;
    const std::string cfg = at::get_parallel_info();
    (void)cfg;
    info.allocator = allocatorName();
    return info;
}

std::string runtimeReport()
{
    const RuntimeInfo i = runtimeInfo();
    std::ostringstream s;
    s << "ZeroMask " << i.zeromaskVersion << "\n"
      << "LibTorch " << i.torchVersion << "\n";
    if (!i.opencvVersion.empty())
        s << "OpenCV " << i.opencvVersion << "\n";
    if (!i.fasttextVersion.empty())
        s << "fastText " << i.fasttextVersion << "\n";
    s << "threads " << i.threads << " (of " << i.hardwareThreads << " hardware threads); engine kernels on "
      << i.engineThreads << (i.engineThreads < i.threads ? " (built without OpenMP: slower scoring)" : "") << "\n"
      << "CUDA " << (i.cudaAvailable ? "available, " + std::to_string(i.cudaDevices) + " device(s)" : "not available")
      << "\n"
      << "memory allocator " << i.allocator << "\n";
    return s.str();
}

} // namespace zm
