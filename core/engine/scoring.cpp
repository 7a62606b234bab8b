// Fused bilinear upsampling, softmax and argmax. Rows are processed in order: the two source rows an
// output row interpolates between are first interpolated horizontally (once per source row, kept in a
// small per-thread buffer), then every class plane is blended vertically, exponentiated, normalised and
// compared in loops over x that the compiler vectorises (a polynomial exp, no calls). Nothing of size
// C x H x W is ever stored (20 classes at 1024x768 would be 63 MB of scores).
#include "core/engine/scoring.h"

#include "core/common/error.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
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


// 8 floats, one AVX register in the x86-64-v3 clone (two SSE registers in the default one). The psABI
// note GCC prints for passing such a type by value does not apply: these helpers are always inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float v8 __attribute__((vector_size(32)));

__attribute__((always_inline)) inline v8 load8(const float* p)
{
    v8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

__attribute__((always_inline)) inline void store8(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }

/// out[k][x] = bias[k] + sum_d weight[k][d] * feature[d][x] for x < n, where feature row d starts at
/// f + d * planeStride. Blocks of 4 classes x 16 pixels stay in registers while d runs. Compiled twice
/// (below): with AVX2 + FMA and for the baseline ISA.
__attribute__((always_inline)) inline void linearRowBody(const float* __restrict f, std::size_t planeStride, int d,
                                                         const float* __restrict weight, const float* __restrict bias,
                                                         int k, int n, float* __restrict out)
{
    int c = 0;
    for (; c + 4 <= k; c += 4) {
        const float* w0 = weight + std::size_t(c) * d;
        const float* w1 = w0 + d;
        const float* w2 = w1 + d;
        const float* w3 = w2 + d;
        int x = 0;
        for (; x + 16 <= n; x += 16) {
            v8 a0 = v8{} + bias[c], b0 = a0, a1 = v8{} + bias[c + 1], b1 = a1;
            v8 a2 = v8{} + bias[c + 2], b2 = a2, a3 = v8{} + bias[c + 3], b3 = a3;
            for (int j = 0; j < d; ++j) {
                const float* fj = f + std::size_t(j) * planeStride + x;
                const v8 lo = load8(fj), hi = load8(fj + 8);
                a0 += w0[j] * lo, b0 += w0[j] * hi;
                a1 += w1[j] * lo, b1 += w1[j] * hi;
                a2 += w2[j] * lo, b2 += w2[j] * hi;
                a3 += w3[j] * lo, b3 += w3[j] * hi;
            }
            float* o = out + std::size_t(c) * n + x;
            store8(o, a0), store8(o + 8, b0);
            store8(o + n, a1), store8(o + n + 8, b1);
            store8(o + 2 * n, a2), store8(o + 2 * n + 8, b2);
            store8(o + 3 * n, a3), store8(o + 3 * n + 8, b3);
        }
        for (int cc = c; cc < c + 4; ++cc)
            for (int xx = x; xx < n; ++xx) {
                float a = bias[cc];
                for (int j = 0; j < d; ++j)
                    a += weight[std::size_t(cc) * d + j] * f[std::size_t(j) * planeStride + xx];
                out[std::size_t(cc) * n + xx] = a;
            }
    }
    for (; c < k; ++c) {
        float* o = out + std::size_t(c) * n;
        for (int x = 0; x < n; ++x)
            o[x] = bias[c];
        for (int j = 0; j < d; ++j) {
            const float wj = weight[std::size_t(c) * d + j];
            const float* fj = f + std::size_t(j) * planeStride;
            for (int x = 0; x < n; ++x)
                o[x] += wj * fj[x];
        }
    }
}

// Two builds of the kernel and a dispatch by CPU feature, not target_clones: GCC resolves
// target_clones("arch=haswell") by CPU *model* (an AMD EPYC got the SSE build, 6x slower), and
// "arch=x86-64-v3" is not accepted by every compiler the engine-only build may meet.
__attribute__((optimize("O3"), target("avx2,fma"))) void linearRowAvx2(const float* f, std::size_t planeStride, int d,
                                                                         const float* weight, const float* bias, int k,
                                                                         int n, float* out)
{
    linearRowBody(f, planeStride, d, weight, bias, k, n, out);
}

__attribute__((optimize("O3"))) void linearRowBaseline(const float* f, std::size_t planeStride, int d, const float* weight,
                                                        const float* bias, int k, int n, float* out)
{
    linearRowBody(f, planeStride, d, weight, bias, k, n, out);
}

using LinearRowFn = void (*)(const float*, std::size_t, int, const float*, const float*, int, int, float*);

LinearRowFn linearRow()
{
    static const LinearRowFn fn = [] {
        __builtin_cpu_init();
        return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? &linearRowAvx2 : &linearRowBaseline;
    }();
    return fn;
}

#pragma GCC diagnostic pop

/// The row loop shared by both entry points. sourceRow(r, buffer, scratch) returns the K logits of
/// source row r as a pointer p with class c's row at p + c * classStride (either into the logits tensor
/// or into `buffer`, K x w floats owned by the calling thread, which also owns `scratch`).
template <class SourceRow>
void upsampleRows(int k, int h, int w, std::size_t classStride, const SourceRow& sourceRow, const UpsampleArgmax& p,
                  std::uint16_t* labels, float* confidence)
{
    const int W = p.outWidth, H = p.outHeight;
    if (k < 1 || int(p.offset.size()) != k || int(p.labelOf.size()) != k)
        throw Error("upsampleArgmax: " + std::to_string(k) + " score planes but " + std::to_string(p.offset.size()) +
                    " offsets / " + std::to_string(p.labelOf.size()) + " labels");
    const Taps tx = makeTaps(W, w, p.scaleX), ty = makeTaps(H, h, p.scaleY);

    at::parallel_for(0, H, 32, [&](int64_t y0, int64_t y1) {
        // slot[i][class][x]: horizontally interpolated source row cached[i].
        std::vector<float> rows(std::size_t(2) * k * W), source(std::size_t(k) * w), scratch;
        float* slot[2] = {rows.data(), rows.data() + std::size_t(k) * W};
        int cached[2] = {-1, -1};
        std::vector<float> best(W), mx(W), sum(W), v(std::size_t(k) * W);
        std::vector<std::int32_t> win32(W, 0);
        auto fill = [&](int i, int r) {
            const float* row = sourceRow(r, source.data(), scratch);
            float* dst = slot[i];
            for (int c = 0; c < k; ++c) {
                const float* s = row + std::size_t(c) * classStride;
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

} // namespace

int engineParallelWorkers()
{
    std::atomic<int> highest{0};
    const int64_t n = 4 * int64_t(std::max(1, at::get_num_threads()));
    at::parallel_for(0, n, 1, [&](int64_t, int64_t) {
        const int id = at::get_thread_num() + 1;
        int seen = highest.load();
        while (id > seen && !highest.compare_exchange_weak(seen, id)) {
        }
    });
    return std::max(1, highest.load());
}

void upsampleArgmax(const at::Tensor& logitsIn, const UpsampleArgmax& p, std::uint16_t* labels, float* confidence)
{
    const auto scores = logitsIn.to(at::kCPU, at::kFloat).contiguous();
    const int k = int(scores.size(0)), h = int(scores.size(1)), w = int(scores.size(2));
    const float* src = scores.data_ptr<float>();
    upsampleRows(
        k, h, w, std::size_t(h) * w, [&](int r, float*, std::vector<float>&) { return src + std::size_t(r) * w; }, p,
        labels, confidence);
}

void linearUpsampleArgmax(const at::Tensor& featuresIn, const at::Tensor& weightsIn, const at::Tensor& biasIn,
                          const UpsampleArgmax& p, std::uint16_t* labels, float* confidence)
{
    const auto features = featuresIn.to(at::kCPU, at::kFloat).contiguous();
    const auto weights = weightsIn.to(at::kCPU, at::kFloat).contiguous();
    if (features.dim() != 3 || weights.dim() != 2 || weights.size(1) != features.size(0))
        throw Error("linearUpsampleArgmax: weights " + std::to_string(weights.dim() == 2 ? weights.size(1) : -1) +
                    "-d, features " + std::to_string(features.dim() == 3 ? features.size(0) : -1) + "-d");
    const int d = int(features.size(0)), h = int(features.size(1)), w = int(features.size(2)), k = int(weights.size(0));
    const auto bias = biasIn.defined() ? biasIn.to(at::kCPU, at::kFloat).contiguous().view({-1}) : at::zeros({k}, at::kFloat);
    if (bias.numel() != k)
        throw Error("linearUpsampleArgmax: " + std::to_string(bias.numel()) + " biases for " + std::to_string(k) + " classes");
    const float* f = features.data_ptr<float>();
    const float* wt = weights.data_ptr<float>();
    const float* b = bias.data_ptr<float>();
    const std::size_t plane = std::size_t(h) * w;
    const LinearRowFn kernel = linearRow();
    upsampleRows(
        k, h, w, std::size_t(w),
        [&](int r, float* buffer, std::vector<float>& rowCopy) {
            // The D rows of feature row r lie one feature plane apart; when the plane size is a multiple
            // of 4 KiB they all fall into the same L1 cache set and evict each other. A copy whose row
            // stride is skewed by 64 bytes spreads them over the sets.
            const std::size_t stride = (std::size_t(w) + 15) / 16 * 16 + 16;
            rowCopy.resize(stride * d);
            for (int j = 0; j < d; ++j)
                std::memcpy(rowCopy.data() + stride * j, f + std::size_t(j) * plane + std::size_t(r) * w, sizeof(float) * w);
            kernel(rowCopy.data(), stride, d, wt, b, k, w, buffer);
            return static_cast<const float*>(buffer);
        },
        p, labels, confidence);
}

} // namespace zm
