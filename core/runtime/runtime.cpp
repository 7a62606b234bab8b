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
      << "\n";
    return s.str();
}

} // namespace zm
