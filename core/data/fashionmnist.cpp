// IDX reading through zlib's gz* functions, which also read uncompressed files transparently.
#include "core/data/fashionmnist.h"

#include "core/common/error.h"

#include <zlib.h>

#include <memory>

namespace zm {
namespace {

struct GzCloser {
    void operator()(gzFile f) const
    {
        if (f)
            gzclose(f);
    }
};

std::vector<std::uint8_t> readAll(const std::filesystem::path& path)
{
    std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
    if (!f)
        throw fileError(path.string(), "cannot open");
    std::vector<std::uint8_t> out;
    std::uint8_t buf[1 << 16];
    for (;;) {
        const int n = gzread(f.get(), buf, sizeof buf);
        if (n < 0)
            throw fileError(path.string(), "corrupt gzip data");
        if (n == 0)
            break;
        out.insert(out.end(), buf, buf + n);
    }
    return out;
}

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at)
{
    return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) | (std::uint32_t(b[at + 2]) << 8) |
           std::uint32_t(b[at + 3]);
}

std::filesystem::path findFile(const std::filesystem::path& dir, const std::string& name)
{
    std::error_code ec;
    for (const auto& candidate : {dir / (name + ".gz"), dir / name})
        if (std::filesystem::is_regular_file(candidate, ec))
            return candidate;
    throw fileError((dir / (name + ".gz")).string(),
                    "Fashion-MNIST file not found (Debian package dataset-fashion-mnist: apt-get install dataset-fashion-mnist)");
}

} // namespace

const std::vector<std::string>& fashionMnistClassNames()
{
    static const std::vector<std::string> names = {"t-shirt", "trouser", "pullover", "dress", "coat",
                                                   "sandal",  "shirt",   "sneaker",  "bag",   "ankle boot"};
    return names;
}

std::filesystem::path defaultFashionMnistDir() { return "/usr/share/datasets/fashion-mnist"; }

FashionMnist loadFashionMnist(const std::filesystem::path& dir, const std::string& set)
{
    if (set != "train" && set != "t10k")
        throw Error("Fashion-MNIST set '" + set + "': expected 'train' or 't10k'");
    const auto imagePath = findFile(dir, set + "-images-idx3-ubyte");
    const auto labelPath = findFile(dir, set + "-labels-idx1-ubyte");
    const auto img = readAll(imagePath);
    const auto lab = readAll(labelPath);
    if (img.size() < 16 || be32(img, 0) != 0x00000803)
        throw fileError(imagePath.string(), "not an IDX3 image file (bad magic number)");
    if (lab.size() < 8 || be32(lab, 0) != 0x00000801)
        throw fileError(labelPath.string(), "not an IDX1 label file (bad magic number)");
    const std::uint32_t n = be32(img, 4);
    if (be32(img, 8) != FashionMnist::kSide || be32(img, 12) != FashionMnist::kSide)
        throw fileError(imagePath.string(), "images are not 28x28");
    if (img.size() != 16 + std::size_t(n) * 28 * 28)
        throw fileError(imagePath.string(), "file size does not match its " + std::to_string(n) + " images");
    if (be32(lab, 4) != n || lab.size() != 8 + std::size_t(n))
        throw fileError(labelPath.string(), "label count does not match the " + std::to_string(n) + " images");
    FashionMnist out;
    out.count = int(n);
    out.pixels.assign(img.begin() + 16, img.end());
    out.labels.assign(lab.begin() + 8, lab.end());
    for (std::uint8_t l : out.labels)
        if (l > 9)
            throw fileError(labelPath.string(), "label " + std::to_string(l) + " outside 0..9");
    return out;
}

} // namespace zm
