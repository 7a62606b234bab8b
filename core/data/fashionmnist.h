// Fashion-MNIST in its IDX files (as Debian's dataset-fashion-mnist installs them, gzipped or not):
// 28x28 grey photographs of clothing on black, ten classes.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zm {

struct FashionMnist {
    static constexpr int kSide = 28;
    int count = 0;
    std::vector<std::uint8_t> pixels; ///< count x 28 x 28, row-major
    std::vector<std::uint8_t> labels; ///< count, 0..9
    const std::uint8_t* image(int i) const { return pixels.data() + std::size_t(i) * kSide * kSide; }
};

/// The ten class names in label order, as ZeroMask spells them ("t-shirt", ..., "ankle boot").
const std::vector<std::string>& fashionMnistClassNames();

/// Default folder of Debian's package: /usr/share/datasets/fashion-mnist.
std::filesystem::path defaultFashionMnistDir();

/// Loads `<dir>/<set>-images-idx3-ubyte[.gz]` and `<set>-labels-idx1-ubyte[.gz]`, set = "train" or "t10k".
/// Throws zm::Error naming the file (missing: says which Debian package provides it; bad header; short file).
FashionMnist loadFashionMnist(const std::filesystem::path& dir, const std::string& set);

} // namespace zm
