// Runs a TorchScript file written by a converter test on one input (eval mode, no gradients).
#pragma once
#include <torch/script.h>

#include <filesystem>

namespace zm::test {

inline at::Tensor runScript(const std::filesystem::path& file, const at::Tensor& x)
{
    auto m = torch::jit::load(file.string());
    m.eval();
    torch::NoGradGuard ng;
    return m.forward({x}).toTensor();
}

} // namespace zm::test
