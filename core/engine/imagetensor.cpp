// Image <-> tensor conversions.
#include "core/engine/imagetensor.h"

#include "core/common/error.h"

#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/upsampling.h>

namespace zm {

namespace F = torch::nn::functional;

at::Tensor imageToTensor(const Image& image)
{
    if (image.empty() || (image.channels != 1 && image.channels != 3) ||
        image.pixels.size() != std::size_t(image.width) * image.height * image.channels)
        throw Error("image has an unsupported layout (" + std::to_string(image.width) + "x" + std::to_string(image.height) +
                    ", " + std::to_string(image.channels) + " channels): expected 8-bit grey or RGB");
    auto t = at::from_blob(const_cast<std::uint8_t*>(image.pixels.data()), {image.height, image.width, image.channels}, at::kByte)
                 .permute({2, 0, 1})
                 .to(at::kFloat)
                 .div_(255.0f);
    if (image.channels == 1)
        t = t.expand({3, -1, -1});
    return t.contiguous();
}

at::Tensor adjustColour(const at::Tensor& rgb, double brightness, double contrast, double saturation)
{
    if (rgb.dim() != 3 || rgb.size(0) != 3)
        throw Error("adjustColour expects an RGB image tensor [3,H,W]");
    // ITU-R BT.601 luma weights, as torchvision's rgb_to_grayscale.
    auto grey = [](const at::Tensor& x) { return (x[0] * 0.299f + x[1] * 0.587f + x[2] * 0.114f).unsqueeze(0); };
    auto x = rgb.mul(float(brightness)).clamp_(0.0f, 1.0f);
    if (contrast != 1.0) {
        const auto m = grey(x).mean();
        x = (x - m).mul_(float(contrast)).add_(m).clamp_(0.0f, 1.0f);
    }
    if (saturation != 1.0) {
        const auto g = grey(x);
        x = (x - g).mul_(float(saturation)).add_(g).clamp_(0.0f, 1.0f);
    }
    return x;
}

at::Tensor normalizeImage(const at::Tensor& x, const std::vector<float>& mean, const std::vector<float>& stdev)
{
    auto m = at::tensor(mean, x.options()).view({3, 1, 1});
    auto s = at::tensor(stdev, x.options()).view({3, 1, 1});
    return (x - m) / s;
}

at::Tensor resizeBilinear(const at::Tensor& x, int64_t h, int64_t w)
{
    const bool batched = x.dim() == 4;
    auto b = batched ? x : x.unsqueeze(0);
    if (b.size(2) == h && b.size(3) == w)
        return x;
    const bool shrink = h < b.size(2) || w < b.size(3);
    auto y = F::interpolate(b, F::InterpolateFuncOptions()
                                   .size(std::vector<int64_t>{h, w})
                                   .mode(torch::kBilinear)
                                   .align_corners(false)
                                   .antialias(shrink));
    return batched ? y : y.squeeze(0);
}

at::Tensor resizeNearest(const at::Tensor& labels, int64_t h, int64_t w)
{
    if (labels.size(0) == h && labels.size(1) == w)
        return labels;
    // Index arithmetic instead of interpolate(): exact for any integer type, no float round trip.
    auto ys = ((at::arange(h, at::kDouble) + 0.5) * (double(labels.size(0)) / h)).floor().clamp_max(labels.size(0) - 1).to(at::kLong);
    auto xs = ((at::arange(w, at::kDouble) + 0.5) * (double(labels.size(1)) / w)).floor().clamp_max(labels.size(1) - 1).to(at::kLong);
    return labels.index_select(0, ys).index_select(1, xs);
}

at::Tensor padToMultiple(const at::Tensor& x, int align, double value)
{
    const int64_t h = x.size(-2), w = x.size(-1);
    const int64_t ph = (align - h % align) % align, pw = (align - w % align) % align;
    if (ph == 0 && pw == 0)
        return x;
    return F::pad(x, F::PadFuncOptions({0, pw, 0, ph}).value(value));
}

at::Tensor viewToGrid(const at::Tensor& view, int stride, int inW, int inH, int w, int h, bool mirrored, int fw, int fh)
{
    const int vh = int(view.size(1)), vw = int(view.size(2));
    if (!mirrored && vw == fw && vh == fh && w == inW && h == inH)
        return view;
    // Normalised sampling positions along one axis (align_corners: -1 and 1 are the first and last cell centres).
    auto axis = [stride](int cells, int viewCells, double scale, bool flip, int viewSize) {
        auto g = at::empty({cells}, at::kFloat);
        float* p = g.data_ptr<float>();
        for (int i = 0; i < cells; ++i) {
            double u = (i + 0.5) * stride * scale; // view pixels
            if (flip)
                u = viewSize - u;
            const double c = u / stride - 0.5;      // view cells
            p[i] = viewCells > 1 ? float(c / (viewCells - 1) * 2.0 - 1.0) : 0.0f;
        }
        return g;
    };
    const auto gx = axis(fw, vw, double(w) / inW, mirrored, w);
    const auto gy = axis(fh, vh, double(h) / inH, false, h);
    const auto grid = at::stack({gx.view({1, fw}).expand({fh, fw}), gy.view({fh, 1}).expand({fh, fw})}, 2).unsqueeze(0);
    // bilinear (0), border padding (1), align_corners
    return at::grid_sampler(view.unsqueeze(0).to(at::kFloat), grid, 0, 1, true).squeeze(0);
}

} // namespace zm
