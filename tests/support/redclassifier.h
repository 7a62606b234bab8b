// A per-cell "classifier" written as TorchScript for the ConSE tests (engine and pseudo-labels): it reads
// ImageNet-normalised RGB and says, per 32 x 32 cell, how red the cell is.
#pragma once
#include "tests/support/testdir.h"

#include <torch/script.h>

#include <filesystem>
#include <string>

namespace zm::test {

/// [B,3,H,W] ImageNet-normalised -> [B,labels,ceil(H/32),ceil(W/32)] logits: label 0 where the cell is red
/// (20 x its mean red), label 1 where it is not (20 x (1 - mean red)), labels 2.. never (-20).
inline std::filesystem::path saveRedClassifier(const TempDir& dir, int labels = 3)
{
    torch::jit::Module m("__torch__.zeromask.test.RedClassifier");
    std::string src = "def forward(self, x):\n"
                      "    r = x.narrow(1, 0, 1) * 0.229 + 0.485\n"
                      "    red = torch.avg_pool2d(r, [32, 32], [32, 32], [0, 0], True)\n"
                      "    return torch.cat([red * 20.0, (1.0 - red) * 20.0";
    for (int i = 2; i < labels; ++i)
        src += ", red * 0.0 - 20.0";
    src += "], 1)\n";
    m.define(src);
    const auto file = dir / ("red" + std::to_string(labels) + ".pt");
    m.save(file.string());
    return file;
}

} // namespace zm::test
