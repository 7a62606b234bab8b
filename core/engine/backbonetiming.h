// Forward time of a backbone on the CPU (or another device), for `zeromask-cli backbone time`:
// the encoder alone and the whole network `train --backbone` builds (encoder + ASPP + decoder +
// semantic head). Torch-free header.
#pragma once
#include <cstdint>
#include <string>

namespace zm {

struct BackboneTiming {
    std::string backbone;         ///< preset name or TorchScript file
    int channels = 0, stride = 0; ///< of the encoder's output (TorchScript: probed)
    std::int64_t encoderParameters = 0, networkParameters = 0;
    double encoderMedianMs = 0, encoderMinMs = 0;  ///< encoder forward alone
    double networkMedianMs = 0, networkMinMs = 0;  ///< encoder + ASPP + decoder + head
};

/// Times `runs` forwards (after two warm-up runs) of a [1,3,size,size] input in eval mode without
/// gradients. `backbone`: small | mobile | resnet50 | resnet101 | a TorchScript encoder file, with
/// the ASPP/decoder sizes `zeromask-cli train` uses for it and a `semanticDim`-d head.
BackboneTiming timeBackbone(const std::string& backbone, int size, int runs, int semanticDim = 100);

} // namespace zm
