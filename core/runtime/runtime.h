// Start-up and introspection of the compute runtime: thread count, device, library versions.
// Called by both mains (GUI and CLI) before any other core work.
#pragma once
#include <string>

namespace zm {

struct RuntimeInfo {
    std::string zeromaskVersion;
    std::string torchVersion;
    std::string opencvVersion;   ///< empty when built without OpenCV
    std::string fasttextVersion; ///< empty when built without fastText
    int threads = 0;             ///< intra-op threads LibTorch uses
    int engineThreads = 0;       ///< threads the engine's own kernels get (1 = built without OpenMP)
    int hardwareThreads = 0;
    bool cudaAvailable = false;
    int cudaDevices = 0;
    std::string blas;            ///< what LibTorch reports as its BLAS
    std::string allocator;       ///< "jemalloc <version> (dirty_decay_ms N)" when the program runs on it, else "glibc malloc"
};

/// libgomp (LibTorch's OpenMP) spins at every barrier by default; when other processes share the cores a
/// spinning thread waits for a descheduled one, and a 2-thread training step was measured 35-50x slower
/// (docs/ENGINE.md). The policy is read when libgomp loads, i.e. before main(): so when OMP_WAIT_POLICY is
/// unset this re-executes the program with OMP_WAIT_POLICY=PASSIVE. Call first thing in main(). Returns
/// (doing nothing) when the variable is already set or the re-exec fails.
void ensurePassiveOpenMpWait(char** argv);

/// Sets LibTorch's intra-op thread count: `threads` if > 0, else $ZEROMASK_THREADS, else the number of
/// cores (LibTorch's own default is half of them). Safe to call more than once.
void initRuntime(int threads = 0);

RuntimeInfo runtimeInfo();

/// Multi-line human-readable report (the CLI's `version`, the GUI's About box).
std::string runtimeReport();

} // namespace zm
