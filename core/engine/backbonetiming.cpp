// Forward timing of a backbone (see backbonetiming.h).
#include "core/engine/backbonetiming.h"

#include "core/common/error.h"
#include "core/engine/backbone.h"
#include "core/engine/segnet.h"

#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

namespace zm {

namespace {

template <class F>
std::pair<double, double> timeRuns(int runs, F&& f)
{
    f();
    f(); // warm-up: allocator, oneDNN primitive caches
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.front()};
}

} // namespace

BackboneTiming timeBackbone(const std::string& backbone, int size, int runs, int semanticDim)
{
    if (size < 32 || size > 8192 || size % 32 != 0)
        throw Error("backbone time: --size must be a multiple of 32 between 32 and 8192");
    if (runs < 1)
        throw Error("backbone time: --runs must be at least 1");
    BackboneOptions o;
    const bool script = std::filesystem::path(backbone).extension() == ".pt";
    if (script)
        o.kind("torchscript").scriptPath(backbone).asppChannels(128).featureDim(128); // what the trainer builds
    else
        o = BackboneOptions::preset(backbone);
    torch::NoGradGuard ng;
    SegNet net(o, HeadOptions().semanticDim(semanticDim));
    net->eval();
    BackboneTiming t;
    t.backbone = backbone;
    const auto& enc = net->backbone->encoder;
    t.channels = enc->highChannels();
    t.stride = script ? net->backbone->options().scriptStride() : o.outputStride();
    t.encoderParameters = parameterCount(*enc);
    t.networkParameters = parameterCount(*net);
    const auto x = torch::rand({1, 3, size, size});
    std::tie(t.encoderMedianMs, t.encoderMinMs) = timeRuns(runs, [&] { enc->encode(x); });
    std::tie(t.networkMedianMs, t.networkMinMs) = timeRuns(runs, [&] { net->forward(x); });
    return t;
}

} // namespace zm
