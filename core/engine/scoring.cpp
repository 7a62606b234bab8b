// Fused bilinear upsampling, softmax and argmax. Rows are processed in order: the two source rows an
// output row interpolates between are first interpolated horizontally (once per source row, kept in a
// small per-thread buffer), then every class plane is blended vertically, exponentiated, normalised and
// compared in loops over x that the compiler vectorises (a polynomial exp, no calls). Nothing of size
// C x H x W is ever stored (20 classes at 1024x768 would be 63 MB of scores).
#include "core/engine/scoring.h"

#include "core/common/error.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace zm {

at::Tensor classLogits(const at::Tensor& embedding, const at::Tensor& classMatrix, double scale)
{
    const int64_t d = embedding.size(0), h = embedding.size(1), w = embedding.size(2);
    return at::matmul(classMatrix, embedding.reshape({d, h * w})).mul_(scale).view({classMatrix.size(0), h, w});
}

at::Tensor classProbabilities(const at::Tensor& embedding, const at::Tensor& classMatrix, double scale)
{
    return at::softmax(classLogits(embedding, classMatrix, scale), 0);
}

namespace {

struct Taps {
    std::vector<int> i0, i1;
    std::vector<float> l;
};

Taps makeTaps(int outSize, int inSize, double scale)
{
    Taps t;
    t.i0.resize(outSize);
    t.i1.resize(outSize);
    t.l.resize(outSize);
    for (int x = 0; x < outSize; ++x) {
        // PyTorch's bilinear convention (align_corners=false, negative sources clamp to 0).
        double s = std::max(0.0, (x + 0.5) * scale - 0.5);
        int i0 = std::min(int(s), inSize - 1);
        t.i0[x] = i0;
        t.i1[x] = std::min(i0 + 1, inSize - 1);
        t.l[x] = float(s - i0);
    }
    return t;
}

/// e^x for x <= 0 (softmax arguments after subtracting the max): Cody-Waite reduction and a degree-5
/// polynomial, relative error < 3e-6; plain arithmetic so loops over it vectorise.
__attribute__((optimize("O3", "no-trapping-math"))) inline float expNonPositive(float x)
{
    x = x < -87.0f ? -87.0f : x;
    const float n = (x * 1.44269504f + 12582912.0f) - 12582912.0f; // round to nearest
    const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
    const float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666679f + r * 0.00833333377f))));
    const std::int32_t bits = (std::int32_t(n) + 127) << 23;
    return p * __builtin_bit_cast(float, bits);
}

/// Scores the row buffer v[K][n] (upsampled logits) in place: softmax over k, plus offset, argmax.
__attribute__((optimize("O3", "no-trapping-math"), target_clones("avx2", "default"))) void softmaxArgmaxRow(float* __restrict v, int k, int n, const float* offset,
                                                      const std::uint16_t* labelOf, float* __restrict mx,
                                                      float* __restrict sum, float* __restrict best,
                                                      std::int32_t* __restrict win32, std::uint16_t* __restrict idx)
{
    for (int x = 0; x < n; ++x)
        mx[x] = v[x];
    for (int c = 1; c < k; ++c) {
        const float* vc = v + std::size_t(c) * n;
        for (int x = 0; x < n; ++x)
            mx[x] = vc[x] > mx[x] ? vc[x] : mx[x];
    }
    for (int x = 0; x < n; ++x)
        sum[x] = 0.0f;
    for (int c = 0; c < k; ++c) {
        float* vc = v + std::size_t(c) * n;
        for (int x = 0; x < n; ++x) {
            const float e = expNonPositive(vc[x] - mx[x]);
            vc[x] = e;
            sum[x] += e;
        }
    }
    for (int x = 0; x < n; ++x) {
        sum[x] = 1.0f / sum[x];
        best[x] = -std::numeric_limits<float>::infinity();
    }
    // Winner as an int32 index (same width as the floats, so the select vectorises), labels after.
    for (int c = 0; c < k; ++c) {
        const float* vc = v + std::size_t(c) * n;
        const float off = offset[c];
        for (int x = 0; x < n; ++x) {
            const float s = vc[x] * sum[x] + off;
            const float b = best[x];
            const std::int32_t m = -std::int32_t(s > b); // all ones where class c wins
            best[x] = s > b ? s : b;
            win32[x] = (win32[x] & ~m) | (c & m);
        }
    }
    for (int x = 0; x < n; ++x)
        idx[x] = labelOf[win32[x]];
}

__attribute__((optimize("O3", "no-trapping-math"), target_clones("avx2", "default"))) void blendRow(const float* __restrict a, const float* __restrict b, float wa, float wb,
                                              int n, float* __restrict out)
{
    for (int x = 0; x < n; ++x)
        out[x] = wa * a[x] + wb * b[x];
}

} // namespace

void upsampleArgmax(const at::Tensor& logitsIn, const UpsampleArgmax& p, std::uint16_t* labels, float* confidence)
{
    const auto scores = logitsIn.to(at::kFloat).contiguous();
    const int k = int(scores.size(0)), h = int(scores.size(1)), w = int(scores.size(2));
    const int W = p.outWidth, H = p.outHeight;
    if (k < 1 || int(p.offset.size()) != k || int(p.labelOf.size()) != k)
        throw Error("upsampleArgmax: " + std::to_string(k) + " score planes but " + std::to_string(p.offset.size()) +
                    " offsets / " + std::to_string(p.labelOf.size()) + " labels");
    const float* src = scores.data_ptr<float>();
    const Taps tx = makeTaps(W, w, p.scaleX), ty = makeTaps(H, h, p.scaleY);

    at::parallel_for(0, H, 32, [&](int64_t y0, int64_t y1) {
        // slot[i][class][x]: horizontally interpolated source row cached[i].
        std::vector<float> rows(std::size_t(2) * k * W);
        float* slot[2] = {rows.data(), rows.data() + std::size_t(k) * W};
        int cached[2] = {-1, -1};
        std::vector<float> best(W), mx(W), sum(W), v(std::size_t(k) * W);
        std::vector<std::int32_t> win32(W, 0);
        auto fill = [&](int i, int r) {
            float* dst = slot[i];
            for (int c = 0; c < k; ++c) {
                const float* s = src + (std::size_t(c) * h + r) * w;
                float* o = dst + std::size_t(c) * W;
                for (int x = 0; x < W; ++x)
                    o[x] = s[tx.i0[x]] + tx.l[x] * (s[tx.i1[x]] - s[tx.i0[x]]);
            }
            cached[i] = r;
        };
        for (int64_t y = y0; y < y1; ++y) {
            const int r0 = ty.i0[y], r1 = ty.i1[y];
            // Reuse a cached row by swapping slots when the window moved down by one.
            if (cached[0] != r0 && cached[1] == r0) {
                std::swap(slot[0], slot[1]);
                std::swap(cached[0], cached[1]);
            }
            if (cached[0] != r0)
                fill(0, r0);
            if (cached[1] != r1)
                fill(1, r1);
            const float l = ty.l[y];
            std::uint16_t* lab = labels + std::size_t(y) * W;
            for (int c = 0; c < k; ++c)
                blendRow(slot[0] + std::size_t(c) * W, slot[1] + std::size_t(c) * W, 1.0f - l, l, W, v.data() + std::size_t(c) * W);
            softmaxArgmaxRow(v.data(), k, W, p.offset.data(), p.labelOf.data(), mx.data(), sum.data(), best.data(), win32.data(), lab);
            for (int x = 0; x < W; ++x)
                if (best[x] < p.voidThreshold)
                    lab[x] = p.voidLabel;
            if (confidence)
                std::copy(best.begin(), best.end(), confidence + std::size_t(y) * W);
        }
    });
}

} // namespace zm
