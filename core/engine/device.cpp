// Device resolution.
#include "core/engine/device.h"

#include "core/common/error.h"

#include <torch/cuda.h>

namespace zm {

std::string resolveDevice(const std::string& requested)
{
    const bool cuda = torch::cuda::is_available();
    if (requested.empty() || requested == "auto")
        return cuda ? "cuda" : "cpu";
    if (requested == "cpu")
        return "cpu";
    if (requested.rfind("cuda", 0) == 0) {
        if (!cuda)
            throw Error("device '" + requested +
                        "' requested, but this LibTorch build has no usable CUDA (build against a CUDA LibTorch, see README)");
        return requested;
    }
    throw Error("unknown device '" + requested + "' (expected auto, cpu or cuda[:N])");
}

} // namespace zm
