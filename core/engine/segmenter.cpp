// Segmenter implementation for the projection family: encode (resize, normalise, tile, backbone +
// projection) and score (class matmul + softmax + calibration at feature resolution, fused upsample +
// argmax at image resolution).
#include "core/engine/segmenter.h"

#include "core/common/error.h"
#include "core/common/strings.h"
#include "core/engine/checkpoint.h"
#include "core/engine/device.h"
#include "core/engine/featuremapimpl.h"
#include "core/engine/generative/generativemodel.h"
#include "core/engine/imagetensor.h"
#include "core/engine/scoring.h"

#include <torch/cuda.h>
#include <torch/utils.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <tuple>

namespace zm {

FeatureMap::FeatureMap(std::unique_ptr<Impl> impl) : mImpl(std::move(impl)) {}
FeatureMap::~FeatureMap() = default;
int FeatureMap::imageWidth() const { return mImpl->imageWidth; }
int FeatureMap::imageHeight() const { return mImpl->imageHeight; }
int FeatureMap::featureWidth() const { return int(mImpl->embedding.size(2)); }
int FeatureMap::featureHeight() const { return int(mImpl->embedding.size(1)); }
std::size_t FeatureMap::bytes() const
{
    const std::size_t n = std::size_t(mImpl->embedding.numel()) + (mImpl->features.defined() ? std::size_t(mImpl->features.numel()) : 0) +
                          (mImpl->conse.defined() ? std::size_t(mImpl->conse.numel()) : 0);
    return n * sizeof(float) + sizeof(Impl);
}

namespace {

/// Test-time views between a quarter and four times the input's size.
bool validViewScale(double s) { return s >= 0.25 && s <= 4.0; }

float cosine(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size() || a.empty())
        return 0;
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return aa > 0 && bb > 0 ? float(ab / std::sqrt(aa * bb)) : 0.0f;
}

class SpnetSegmenter final : public Segmenter {
public:
    SpnetSegmenter(LoadedModel model, const SegmenterOptions& options)
        : mModel(std::move(model)), mOptions(options), mDevice(resolveDevice(options.device))
    {
        if (mOptions.tileSize < 128)
            throw Error("tile size " + std::to_string(mOptions.tileSize) + " is too small (minimum 128)");
        if (mOptions.tileOverlap < 0 || mOptions.tileOverlap > mOptions.tileSize / 2)
            throw Error("tile overlap " + std::to_string(mOptions.tileOverlap) + " must be between 0 and half the tile size");
        mModel.net->to(torch::Device(mDevice));
        mModel.net->eval();
        if (mDevice.rfind("cuda", 0) == 0 && mDevice.find(':') == std::string::npos)
            mDevice = "cuda:0";
        mAlign = mModel.net->backbone->inputAlign();
        if (mModel.card.method != "spnet") {
            // Generative methods (zs3, cagnet, vm) score backbone features with a classifier computed
            // from each class vector (core/engine/generative/).
            const auto file = mModel.paths.dir / "generative.pt";
            if (!std::filesystem::exists(file))
                throw fileError(file.string(), "missing: the card says method '" + mModel.card.method +
                                                   "', which needs this file beside the weights");
            mGenerative = generative::GenerativeModel::load(file, mDevice);
            mGenerative->setInference();
        }
    }

    const ModelCard& card() const override { return mModel.card; }
    std::string device() const override { return mDevice; }

    FeatureMapPtr encode(const Image& image, Progress* progress) const override
    {
        torch::NoGradGuard noGrad;
        auto impl = std::make_unique<FeatureMap::Impl>();
        impl->imageWidth = image.width;
        impl->imageHeight = image.height;
        at::Tensor x = imageToTensor(image);
        int inW = image.width, inH = image.height;
        const int maxSide = mOptions.maxInputSide;
        if (maxSide > 0 && std::max(inW, inH) > maxSide) {
            const double s = double(maxSide) / std::max(inW, inH);
            inW = std::max(1, int(std::lround(inW * s)));
            inH = std::max(1, int(std::lround(inH * s)));
            x = resizeBilinear(x, inH, inW);
        }
        impl->inputWidth = inW;
        impl->inputHeight = inH;
        x = normalizeImage(x, mModel.card.mean, mModel.card.stdev);
        const int stride = BackboneImpl::kStride;
        impl->stride = stride;
        const int fw = (inW + stride - 1) / stride, fh = (inH + stride - 1) / stride;
        at::Tensor all;
        const auto& scales = mOptions.scales;
        const int views = mOptions.views();
        if (mOptions.singleView()) {
            all = encodeInput(x, progress);
        } else {
            // Test-time augmentation: the mean of every view's features on the scale-1 grid.
            int done = 0;
            for (const double s : scales)
                for (int mirrored = 0; mirrored <= (mOptions.flip ? 1 : 0); ++mirrored) {
                    if (progress) {
                        checkCancelled(*progress);
                        progress->update(double(done) / views, "encoding view " + std::to_string(done + 1) + " of " +
                                                                   std::to_string(views));
                    }
                    const int w = std::max(1, int(std::lround(inW * s))), h = std::max(1, int(std::lround(inH * s)));
                    at::Tensor v = (w == inW && h == inH) ? x : resizeBilinear(x, h, w);
                    if (mirrored)
                        v = v.flip({2});
                    std::unique_ptr<CancelOnlyProgress> inner;
                    if (progress)
                        inner = std::make_unique<CancelOnlyProgress>(*progress);
                    const at::Tensor e = viewToGrid(encodeInput(v, inner.get()), stride, inW, inH, w, h, mirrored != 0, fw, fh);
                    all = all.defined() ? all.add_(e) : e.clone();
                    ++done;
                }
            all.div_(double(views));
            if (progress)
                progress->update(1.0, "encoded " + std::to_string(views) + " views");
        }
        const int64_t d = mModel.net->mHead.semanticDim();
        impl->embedding = all.narrow(0, 0, d).contiguous();
        if (mGenerative)
            impl->features = all.narrow(0, d, all.size(0) - d).contiguous();
        return std::make_shared<const FeatureMap>(std::move(impl));
    }

    ScoreResult score(const FeatureMap& features, const ClassSet& classes, const ScoreOptions& options) const override
    {
        const auto t0 = std::chrono::steady_clock::now();
        const auto& f = features.impl();
        const int dim = int(f.embedding.size(0));
        if (classes.size() == 0)
            throw Error("no classes to score: add at least one class");
        if (classes.size() >= int(LabelMap::kVoid))
            throw Error("too many classes (" + std::to_string(classes.size()) + ")");
        const float gamma = std::isnan(options.gamma) ? mModel.card.gamma : options.gamma;
        const double scale = std::isnan(options.temperature) ? mModel.card.temperature : options.temperature;
        if (!(scale > 0))
            throw Error("temperature (logit scale) must be positive, not " + std::to_string(scale));

        UpsampleArgmax p;
        std::vector<std::vector<float>> rows;
        for (int i = 0; i < classes.size(); ++i) {
            const auto& c = classes.classes[i];
            if (int(c.vector.size()) != dim)
                throw Error("class '" + c.name + "' has a " + std::to_string(c.vector.size()) + "-d vector, but model '" +
                            mModel.card.name + "' works in " + mModel.card.vectorSpace.str() + " (" + std::to_string(dim) +
                            "-d): load the matching vectors");
            if (!c.enabled)
                continue;
            rows.push_back(c.vector);
            p.labelOf.push_back(std::uint16_t(i));
            p.offset.push_back(c.bias - (isSeen(c.vector) ? gamma : 0.0f));
        }
        ScoreResult r;
        r.labels = LabelMap(f.imageWidth, f.imageHeight);
        r.confidence.assign(std::size_t(f.imageWidth) * f.imageHeight, 0.0f);
        // Class scores are linear in the features for SPNet (scale * unit class vectors . embedding) and
        // for the generative classifiers except vm: those go through the fused row kernel; vm's
        // non-linear decoder gives logits at feature resolution first.
        at::Tensor logits, weights, bias;
        const at::Tensor* source = &f.embedding;
        if (!rows.empty()) {
            const at::Tensor m = normalizedRows(vectorsToTensor(rows, dim, "score"));
            if (mGenerative) {
                if (!f.features.defined())
                    throw Error("this feature map was encoded by another model; encode the image again");
                torch::NoGradGuard ng;
                const auto dev = torch::Device(mDevice);
                const double t = std::isnan(options.temperature) ? 1.0 : options.temperature;
                if (mGenerative->isLinear() && f.features.device().is_cpu()) {
                    std::tie(weights, bias) = mGenerative->classifierWeights(m.to(dev));
                    weights = weights.to(at::kCPU, at::kFloat) * t;
                    bias = bias.to(at::kCPU, at::kFloat) * t;
                    source = &f.features;
                } else {
                    logits = mGenerative->logits(f.features.unsqueeze(0).to(dev), m.to(dev)).squeeze(0).to(at::kCPU, at::kFloat) * t;
                }
            } else {
                weights = m * scale;
            }
            p.outWidth = f.imageWidth;
            p.outHeight = f.imageHeight;
            p.scaleX = double(f.inputWidth) / (double(f.stride) * f.imageWidth);
            p.scaleY = double(f.inputHeight) / (double(f.stride) * f.imageHeight);
            if (options.voidThreshold > 0)
                p.voidThreshold = options.voidThreshold;
            p.voidLabel = LabelMap::kVoid;
            if (logits.defined())
                upsampleArgmax(logits, p, r.labels.ids.data(), r.confidence.data());
            else
                linearUpsampleArgmax(*source, weights, bias, p, r.labels.ids.data(), r.confidence.data());
        }
        if (options.keepProbabilities) {
            r.probWidth = features.featureWidth();
            r.probHeight = features.featureHeight();
            const std::size_t plane = std::size_t(r.probWidth) * r.probHeight;
            r.probabilities.assign(plane * classes.size(), 0.0f);
            if (!logits.defined() && weights.defined()) {
                logits = classLogits(*source, weights, 1.0);
                if (bias.defined())
                    logits += bias.view({-1, 1, 1});
            }
            const at::Tensor probs = logits.defined() ? at::softmax(logits, 0).contiguous() : at::Tensor();
            for (std::size_t k = 0; k < p.labelOf.size(); ++k) {
                const float* src = probs[int64_t(k)].contiguous().data_ptr<float>();
                std::copy(src, src + plane, r.probabilities.begin() + std::ptrdiff_t(plane * p.labelOf[k]));
            }
        }
        r.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return r;
    }

    std::vector<float> regionEmbedding(const FeatureMap& features, const LabelMap& mask, std::uint16_t id) const override
    {
        const auto& f = features.impl();
        if (mask.width != f.imageWidth || mask.height != f.imageHeight)
            throw Error("region mask is " + std::to_string(mask.width) + "x" + std::to_string(mask.height) + ", the image is " +
                        std::to_string(f.imageWidth) + "x" + std::to_string(f.imageHeight));
        const int d = int(f.embedding.size(0)), h = int(f.embedding.size(1)), w = int(f.embedding.size(2));
        // Weight of each feature cell = number of mask pixels that fall into it.
        std::vector<float> weight(std::size_t(h) * w, 0.0f);
        bool any = false;
        const double sx = double(f.inputWidth) / (double(f.stride) * f.imageWidth);
        const double sy = double(f.inputHeight) / (double(f.stride) * f.imageHeight);
        for (int y = 0; y < mask.height; ++y) {
            const int fy = std::min(h - 1, int((y + 0.5) * sy));
            for (int x = 0; x < mask.width; ++x)
                if (mask.at(x, y) == id) {
                    weight[std::size_t(fy) * w + std::min(w - 1, int((x + 0.5) * sx))] += 1.0f;
                    any = true;
                }
        }
        if (!any)
            return {};
        auto wt = at::from_blob(weight.data(), {h * w}, at::kFloat);
        auto v = at::matmul(f.embedding.reshape({d, h * w}), wt);
        v = v / v.norm().clamp_min(1e-12);
        return std::vector<float>(v.data_ptr<float>(), v.data_ptr<float>() + d);
    }

    bool isSeen(const std::vector<float>& vector) const override
    {
        for (const auto& s : mModel.card.seenVectors)
            if (cosine(s, vector) >= 0.999f)
                return true;
        return false;
    }

private:
    /// Normalised [3,H,W] -> the features of every cell [C,ceil(H/stride),ceil(W/stride)], in tiles when large.
    at::Tensor encodeInput(const at::Tensor& x, Progress* progress) const
    {
        const int stride = BackboneImpl::kStride;
        const int inH = int(x.size(1)), inW = int(x.size(2));
        const int fw = (inW + stride - 1) / stride, fh = (inH + stride - 1) / stride;
        if (inW <= mOptions.tileSize && inH <= mOptions.tileSize) {
            auto out = run(x).narrow(1, 0, fh).narrow(2, 0, fw);
            if (progress)
                progress->update(1.0, "encoded");
            return out;
        }
        return encodeTiled(x, fw, fh, progress);
    }

    /// Normalised [3,H,W] -> embedding [D,ceil(H/4),ceil(W/4)] on the CPU, followed by the backbone
    /// features [F,...] along the channels for generative models (so tiling stitches both at once).
    at::Tensor run(const at::Tensor& x) const
    {
        auto in = padToMultiple(x, mAlign).unsqueeze(0).to(torch::Device(mDevice));
        auto feats = mModel.net->features(in);
        auto e = mModel.net->embed(feats);
        if (mGenerative)
            e = torch::cat({e, feats}, 1);
        return e.squeeze(0).to(at::kCPU, at::kFloat);
    }

    at::Tensor encodeTiled(const at::Tensor& x, int fw, int fh, Progress* progress) const
    {
        const int stride = BackboneImpl::kStride;
        const int inH = int(x.size(1)), inW = int(x.size(2));
        // Tile origins on the feature grid so tiles' cells line up with the global grid.
        const int tile = std::max(mAlign, mOptions.tileSize / mAlign * mAlign);
        const int overlap = std::min(tile / 2, (mOptions.tileOverlap + stride - 1) / stride * stride);
        auto origins = [&](int size) {
            std::vector<int> o{0};
            while (o.back() + tile < size) {
                // The last tile ends at the image edge (origin rounded up to the grid; it may be narrower).
                const int next = std::min(o.back() + tile - overlap, (size - tile + stride - 1) / stride * stride);
                if (next <= o.back())
                    break;
                o.push_back(next);
            }
            return o;
        };
        const auto ox = origins(inW), oy = origins(inH);
        // Tile i owns the cells from the middle of its overlap with tile i-1 to the middle of the next.
        auto bounds = [&](const std::vector<int>& o, int fsize) {
            std::vector<int> b{0};
            for (std::size_t i = 1; i < o.size(); ++i)
                b.push_back(std::clamp((o[i] + o[i - 1] + tile) / 2 / stride, b.back(), fsize));
            b.push_back(fsize);
            return b;
        };
        const auto bx = bounds(ox, fw), by = bounds(oy, fh);
        at::Tensor out;
        const int total = int(ox.size() * oy.size());
        int done = 0;
        for (std::size_t j = 0; j < oy.size(); ++j)
            for (std::size_t i = 0; i < ox.size(); ++i) {
                if (progress) {
                    checkCancelled(*progress);
                    progress->update(double(done) / total, "encoding tile " + std::to_string(done + 1) + " of " + std::to_string(total));
                }
                const int th = std::min(tile, inH - oy[j]), tw = std::min(tile, inW - ox[i]);
                auto e = run(x.narrow(1, oy[j], th).narrow(2, ox[i], tw));
                if (!out.defined())
                    out = at::zeros({e.size(0), fh, fw}, at::kFloat);
                const int cy0 = by[j], cy1 = by[j + 1], cx0 = bx[i], cx1 = bx[i + 1];
                const int ty0 = cy0 - oy[j] / stride, tx0 = cx0 - ox[i] / stride;
                if (cy1 > cy0 && cx1 > cx0)
                    out.narrow(1, cy0, cy1 - cy0).narrow(2, cx0, cx1 - cx0).copy_(
                        e.narrow(1, ty0, cy1 - cy0).narrow(2, tx0, cx1 - cx0));
                ++done;
            }
        if (progress)
            progress->update(1.0, "encoded " + std::to_string(total) + " tiles");
        return out;
    }

    mutable LoadedModel mModel;
    std::unique_ptr<generative::GenerativeModel> mGenerative; // forward() is non-const in Torch; inference changes no state
    SegmenterOptions mOptions;
    std::string mDevice;
    int mAlign = 32;
};

} // namespace

std::unique_ptr<Segmenter> Segmenter::load(const std::filesystem::path& model, const SegmenterOptions& options)
{
    if (options.scales.empty())
        throw Error("test-time augmentation needs at least one scale");
    for (const double s : options.scales)
        if (!validViewScale(s))
            throw Error("test-time scale " + fmt(s, 3) + " is outside [0.25, 4]");
    auto loaded = loadModel(model, options.vectorSpace);
    return std::make_unique<SpnetSegmenter>(std::move(loaded), options);
}

void parseTestTimeAugmentation(const std::string& text, SegmenterOptions& options)
{
    options.flip = false;
    options.scales.clear();
    for (const auto& raw : split(text, ',')) {
        const std::string item = trim(raw);
        if (item.empty())
            continue;
        if (toLowerAscii(item) == "flip") {
            options.flip = true;
            continue;
        }
        // from_chars: locale-independent ("0.75" under de_DE, which the GUI's Qt locale sets).
        double s = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), s);
        if (ec != std::errc() || end != item.data() + item.size() || !validViewScale(s))
            throw Error("test-time augmentation: '" + item + "' is neither 'flip' nor a scale in [0.25, 4] (e.g. flip,0.75,1,1.25)");
        if (std::find(options.scales.begin(), options.scales.end(), s) == options.scales.end())
            options.scales.push_back(s);
    }
    if (options.scales.empty())
        options.scales.push_back(1.0);
}

} // namespace zm
