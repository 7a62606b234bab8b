// ConSE per pixel (see conse.h): the classifier runs at encode time and leaves one semantic vector per
// cell; score() relabels the pixels the scope selects (core/engine/conse.h).
#include "core/engine/conse.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/engine/featuremapimpl.h"
#include "core/engine/imagetensor.h"
#include "core/engine/scoring.h"
#include "core/engine/backbone.h"

#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_set>

namespace zm {

std::vector<std::string> readClassifierLabels(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw fileError(file.string(), "classifier labels not found");
    const std::string text = readFile(file);
    std::vector<std::string> labels;
    const std::string head = trim(text.substr(0, 64));
    if (!head.empty() && (head[0] == '{' || head[0] == '[')) {
        Json j;
        try {
            j = Json::parse(text);
        } catch (const Json::exception& e) {
            throw fileError(file.string(), std::string("not valid JSON (") + e.what() + ")");
        }
        if (j.is_array()) {
            for (const auto& v : j) {
                if (!v.is_string())
                    throw fileError(file.string(), "a JSON array of labels must hold strings only");
                labels.push_back(v.get<std::string>());
            }
        } else {
            std::map<long, std::string> byIndex;
            for (auto it = j.begin(); it != j.end(); ++it) {
                char* end = nullptr;
                const long k = std::strtol(it.key().c_str(), &end, 10);
                if (it.key().empty() || *end != '\0' || k < 0 || !it.value().is_string())
                    throw fileError(file.string(), "label key '" + it.key() + "' is not a class index with a name (expected {\"0\": \"name\", ...})");
                byIndex[k] = it.value().get<std::string>();
            }
            for (const auto& [k, name] : byIndex) {
                if (k != long(labels.size()))
                    throw fileError(file.string(), "class index " + std::to_string(labels.size()) + " has no label");
                labels.push_back(name);
            }
        }
    } else {
        for (const auto& line : split(text, '\n', false)) {
            const std::string name = trim(line);
            if (!name.empty())
                labels.push_back(name);
        }
    }
    if (labels.empty())
        throw fileError(file.string(), "holds no class labels");
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (trim(labels[i]).empty())
            throw fileError(file.string(), "label " + std::to_string(i) + " is empty");
    return labels;
}

ConseScope parseConseScope(const std::string& text)
{
    const std::string t = toLowerAscii(trim(text));
    if (t == "unseen")
        return ConseScope::Unseen;
    if (t == "objects")
        return ConseScope::Objects;
    if (t == "all")
        return ConseScope::All;
    throw Error("ConSE scope '" + text + "': use unseen, objects or all");
}

const char* conseScopeName(ConseScope scope)
{
    switch (scope) {
    case ConseScope::Unseen: return "unseen";
    case ConseScope::Objects: return "objects";
    case ConseScope::All: return "all";
    }
    return "?";
}

std::filesystem::path defaultClassifierLabels(const std::filesystem::path& classifier)
{
    auto p = classifier;
    return p.replace_extension(".labels.json");
}

std::vector<std::vector<float>> conseLabelVectors(const std::vector<std::string>& labels,
                                                  const std::function<std::vector<float>(const std::string&)>& embed,
                                                  const std::function<bool(const std::string&)>& known)
{
    std::vector<std::vector<float>> out;
    out.reserve(labels.size());
    for (const auto& label : labels) {
        std::vector<double> sum;
        int used = 0;
        std::string first;
        for (const auto& raw : split(label, ',')) {
            const std::string synonym = trim(raw);
            if (synonym.empty())
                continue;
            if (first.empty())
                first = synonym;
            bool all = true;
            for (const auto& word : split(synonym, ' '))
                for (const auto& part : split(word, '-'))
                    all = all && known(part);
            if (!all)
                continue;
            const auto v = embed(synonym);
            if (sum.empty())
                sum.assign(v.size(), 0.0);
            for (std::size_t i = 0; i < v.size() && i < sum.size(); ++i)
                sum[i] += v[i];
            ++used;
        }
        if (first.empty())
            throw Error("classifier label '" + label + "' holds no name");
        std::vector<float> v;
        if (used == 0) {
            v = embed(first);
        } else {
            double n = 0;
            for (double x : sum)
                n += x * x;
            n = std::sqrt(n);
            if (!(n > 0))
                throw Error("classifier label '" + label + "': its synonyms' vectors cancel out");
            for (double x : sum)
                v.push_back(float(x / n));
        }
        out.push_back(std::move(v));
    }
    return out;
}

ConseOptions conseOptionsFor(const std::filesystem::path& classifier, const std::filesystem::path& labels,
                             const std::function<std::vector<float>(const std::string&)>& embed,
                             const std::function<bool(const std::string&)>& known)
{
    ConseOptions o;
    o.classifier = classifier;
    o.labels = readClassifierLabels(labels.empty() ? defaultClassifierLabels(classifier) : labels);
    o.labelVectors = conseLabelVectors(o.labels, embed, known);
    return o;
}

namespace {

at::Tensor classifierForward(torch::jit::Module& module, const at::Tensor& x)
{
    return scriptEncoderOutputs(module.forward({x})).second;
}

/// Loads a per-cell classifier and checks it maps [1,3,64,64] to [1,K,64/s,64/s]; `stride` gets s.
torch::jit::Module loadPerCellClassifier(const std::filesystem::path& file, int64_t k, int& stride)
{
    const std::string path = file.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw fileError(path, "ConSE classifier not found");
    torch::jit::Module module;
    try {
        module = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error& e) {
        throw fileError(path, "not a loadable TorchScript file (" + std::string(e.what_without_backtrace()) + ")");
    }
    module.eval();
    torch::NoGradGuard ng;
    at::Tensor probe;
    try {
        probe = classifierForward(module, torch::zeros({1, 3, 64, 64}));
    } catch (const std::exception& e) {
        throw fileError(path, std::string("the classifier failed on a [1,3,64,64] input (") + e.what() + ")");
    }
    if (probe.dim() != 4 || probe.size(2) < 1 || 64 % probe.size(2) != 0 || probe.size(1) != k)
        throw fileError(path, "a per-cell classifier must map [B,3,H,W] to [B," + std::to_string(k) +
                                  ",H/s,W/s] (one channel per label); got " + std::to_string(probe.dim()) + "-d output with " +
                                  std::to_string(probe.dim() == 4 ? probe.size(1) : 0) + " channels");
    stride = int(64 / probe.size(2));
    return module;
}

class ConseSegmenter final : public Segmenter {
public:
    ConseSegmenter(std::unique_ptr<Segmenter> base, const ConseOptions& options)
        : mBase(std::move(base)), mTop(options.top), mScope(options.scope)
    {
        const std::string path = options.classifier.string();
        if (options.labels.empty() || options.labels.size() != options.labelVectors.size())
            throw fileError(path, std::to_string(options.labels.size()) + " classifier labels but " +
                                      std::to_string(options.labelVectors.size()) + " label vectors");
        if (!(options.inputScale >= 0.25 && options.inputScale <= 4.0))
            throw Error("ConSE input scale " + std::to_string(options.inputScale) + " is outside [0.25, 4]");
        mInputScale = options.inputScale;
        if (mTop < 1)
            throw Error("ConSE needs T >= 1 classifier classes per cell, not " + std::to_string(mTop));
        const std::size_t dim = options.labelVectors.front().size();
        for (const auto& v : options.labelVectors)
            if (v.size() != dim || dim == 0)
                throw fileError(path, "the classifier's label vectors do not all have the same dimension");
        mModule = loadPerCellClassifier(options.classifier, int64_t(options.labels.size()), mStride);
        std::vector<float> flat;
        flat.reserve(options.labelVectors.size() * dim);
        for (const auto& v : options.labelVectors)
            flat.insert(flat.end(), v.begin(), v.end());
        mLabelVectors = at::from_blob(flat.data(), {int64_t(options.labelVectors.size()), int64_t(dim)}, at::kFloat).clone();
        mDevice = torch::Device(mBase->device());
        mModule.to(mDevice);
        mLabelVectors = mLabelVectors.to(mDevice);
    }

    const ModelCard& card() const override { return mBase->card(); }
    std::string device() const override { return mBase->device(); }
    bool isSeen(const std::vector<float>& vector) const override { return mBase->isSeen(vector); }
    std::vector<float> regionEmbedding(const FeatureMap& features, const LabelMap& mask, std::uint16_t id) const override
    {
        return mBase->regionEmbedding(features, mask, id);
    }

    FeatureMapPtr encode(const Image& image, Progress* progress) const override
    {
        const FeatureMapPtr base = mBase->encode(image, progress);
        torch::NoGradGuard ng;
        auto impl = std::make_unique<FeatureMap::Impl>(base->impl()); // tensors are shared, not copied
        at::Tensor x = imageToTensor(image);
        const int w = std::max(1, int(std::lround(impl->inputWidth * mInputScale)));
        const int h = std::max(1, int(std::lround(impl->inputHeight * mInputScale)));
        if (x.size(1) != h || x.size(2) != w)
            x = resizeBilinear(x, h, w);
        const auto& card = mBase->card();
        x = normalizeImage(x, card.mean, card.stdev).unsqueeze(0).to(mDevice);
        const at::Tensor logits = forward(x).squeeze(0); // [K,h,w]
        const int64_t k = logits.size(0), gh = logits.size(1), gw = logits.size(2);
        const int64_t t = std::min<int64_t>(mTop, k);
        const auto probs = at::softmax(logits.reshape({k, gh * gw}), 0);
        const auto [p, idx] = probs.topk(t, 0); // [T,hw]
        // e(x) = sum_t p_t s(y_t) / sum_t p_t; only its direction matters (cosines), so normalise.
        const auto vectors = mLabelVectors.index_select(0, idx.reshape({-1})).view({t, gh * gw, -1}); // [T,hw,D]
        auto e = (vectors * p.unsqueeze(2)).sum(0);                                                    // [hw,D]
        e = e / e.norm(2, 1, true).clamp_min(1e-12);
        impl->conse = e.t().contiguous().view({-1, gh, gw}).to(at::kCPU, at::kFloat).contiguous();
        impl->conseStride = mStride;
        impl->conseScale = mInputScale;
        return std::make_shared<const FeatureMap>(std::move(impl));
    }

    ScoreResult score(const FeatureMap& features, const ClassSet& classes, const ScoreOptions& options) const override
    {
        ScoreResult r = mBase->score(features, classes, options);
        const auto& f = features.impl();
        if (!f.conse.defined())
            throw Error("this feature map was encoded without the ConSE classifier; encode the image again");
        // relabel[i]: pixels the model gives to class i are relabelled; candidates: the classes they may take.
        std::vector<bool> relabel(std::size_t(classes.size()), false);
        std::vector<std::uint16_t> candidates;
        std::vector<float> flat; // the candidates' vectors, row after row
        for (int i = 0; i < classes.size(); ++i) {
            const auto& c = classes.classes[i];
            if (!c.enabled || isBackgroundName(c.name))
                continue;
            const bool unseen = !mBase->isSeen(c.vector);
            relabel[std::size_t(i)] = unseen || mScope == ConseScope::All;
            if (!unseen && mScope == ConseScope::Unseen)
                continue;
            if (int64_t(c.vector.size()) != f.conse.size(0))
                throw Error("class '" + c.name + "' has a " + std::to_string(c.vector.size()) + "-d vector, the ConSE classifier's labels " +
                            std::to_string(f.conse.size(0)) + "-d ones");
            candidates.push_back(std::uint16_t(i));
            flat.insert(flat.end(), c.vector.begin(), c.vector.end());
        }
        if (candidates.size() < 2)
            return r; // nothing to choose between
        auto m = at::from_blob(flat.data(), {int64_t(candidates.size()), f.conse.size(0)}, at::kFloat);
        m = m / m.norm(2, 1, true).clamp_min(1e-12);
        UpsampleArgmax p;
        p.outWidth = f.imageWidth;
        p.outHeight = f.imageHeight;
        // Cell i covers classifier-input pixels [i * stride, (i + 1) * stride); that input is the model's input
        // resized by conseScale (rounded: the exact ratio of the sizes, not the nominal factor).
        const double cw = std::max(1.0, double(std::lround(f.inputWidth * f.conseScale)));
        const double ch = std::max(1.0, double(std::lround(f.inputHeight * f.conseScale)));
        p.scaleX = cw / (double(f.conseStride) * f.imageWidth);
        p.scaleY = ch / (double(f.conseStride) * f.imageHeight);
        p.offset.assign(candidates.size(), 0.0f);
        p.labelOf = candidates;
        // The argmax of the bilinearly upsampled cosines (the softmax inside is monotonic; the scale of 10
        // keeps its exponentials well away from underflow).
        LabelMap best(f.imageWidth, f.imageHeight);
        upsampleArgmax(classLogits(f.conse, m, 10.0), p, best.ids.data(), nullptr);
        for (std::size_t i = 0; i < r.labels.ids.size(); ++i) {
            const auto l = r.labels.ids[i];
            if (l != LabelMap::kVoid && relabel[l])
                r.labels.ids[i] = best.ids[i];
        }
        return r;
    }

private:
    at::Tensor forward(const at::Tensor& x) const
    {
        return classifierForward(const_cast<torch::jit::Module&>(mModule), x);
    }

    std::unique_ptr<Segmenter> mBase;
    torch::jit::Module mModule;
    at::Tensor mLabelVectors; ///< [K,D] unit vectors
    torch::Device mDevice{torch::kCPU};
    int mTop = 10;
    ConseScope mScope = ConseScope::Objects;
    int mStride = 32;
    double mInputScale = 1.0;
};

} // namespace

struct ConseRegionClassifier::Impl {
    torch::jit::Module module;
    at::Tensor labelVectors; ///< [K,D] unit vectors
    Options options;
    int top = 10;
    int stride = 32;
    std::vector<float> mean, stdev;

    /// Mean per-cell probabilities [K] over the crop around the mask; undefined when the mask is empty.
    at::Tensor probabilities(const Image& image, const std::vector<std::uint8_t>& mask)
    {
        if (image.empty())
            throw Error("ConSE region: empty image");
        if (mask.size() != std::size_t(image.width) * std::size_t(image.height))
            throw Error("ConSE region: the mask has " + std::to_string(mask.size()) + " pixels, the image " +
                        std::to_string(image.width) + "x" + std::to_string(image.height));
        int x0 = image.width, y0 = image.height, x1 = -1, y1 = -1;
        for (int y = 0; y < image.height; ++y)
            for (int x = 0; x < image.width; ++x)
                if (mask[std::size_t(y) * image.width + x]) {
                    x0 = std::min(x0, x), x1 = std::max(x1, x);
                    y0 = std::min(y0, y), y1 = std::max(y1, y);
                }
        if (x1 < 0)
            return {};
        const int mx = int(std::lround((x1 - x0 + 1) * options.margin)), my = int(std::lround((y1 - y0 + 1) * options.margin));
        x0 = std::max(0, x0 - mx), y0 = std::max(0, y0 - my);
        x1 = std::min(image.width - 1, x1 + mx), y1 = std::min(image.height - 1, y1 + my);
        const int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
        torch::NoGradGuard ng;
        at::Tensor x = imageToTensor(image).slice(1, y0, y1 + 1).slice(2, x0, x1 + 1); // [3,ch,cw]
        // The longer side becomes inputSide; both sides are rounded to a multiple of 32 (and of the stride):
        // classifiers with skips or concatenations need it, and it changes the aspect by a few pixels only.
        const double s = double(options.inputSide) / std::max(cw, ch);
        const int64_t align = std::max(32, stride);
        const auto aligned = [&](double v) { return std::max<int64_t>(align, std::llround(v / double(align)) * align); };
        const int64_t w = aligned(cw * s), h = aligned(ch * s);
        x = normalizeImage(resizeBilinear(x.contiguous(), h, w), mean, stdev);
        if (options.maskContext) {
            auto m = at::empty({ch, cw}, at::kFloat);
            auto* pm = m.data_ptr<float>();
            for (int y = 0; y < ch; ++y)
                for (int xx = 0; xx < cw; ++xx)
                    pm[std::size_t(y) * cw + xx] = mask[std::size_t(y + y0) * image.width + (xx + x0)] ? 1.0f : 0.0f;
            // Bilinear then > 0.5: the region's outline at the crop's new size.
            m = resizeBilinear(m.unsqueeze(0), h, w).squeeze(0).gt(0.5).to(at::kFloat);
            x = x * m.unsqueeze(0);
        }
        const at::Tensor logits = classifierForward(module, x.unsqueeze(0)).squeeze(0); // [K,gh,gw]
        // Mean logits over the cells = the logits of the mean-pooled features for a per-cell classifier
        // (its head is linear), i.e. the classifier's own decision on the crop.
        return at::softmax(logits.reshape({logits.size(0), -1}).mean(1), 0);
    }
};

ConseRegionClassifier::ConseRegionClassifier(const ConseOptions& conse, const Options& options, std::vector<float> mean,
                                             std::vector<float> stdev)
    : d(std::make_unique<Impl>())
{
    const std::string path = conse.classifier.string();
    if (conse.labels.empty() || conse.labels.size() != conse.labelVectors.size())
        throw fileError(path, std::to_string(conse.labels.size()) + " classifier labels but " +
                                  std::to_string(conse.labelVectors.size()) + " label vectors");
    if (conse.top < 1)
        throw Error("ConSE needs T >= 1 classifier classes per region, not " + std::to_string(conse.top));
    if (options.inputSide < 32 || options.inputSide > 2048)
        throw Error("ConSE region: input side " + std::to_string(options.inputSide) + " is outside [32, 2048]");
    if (!(options.margin >= 0 && options.margin <= 2))
        throw Error("ConSE region: margin " + std::to_string(options.margin) + " is outside [0, 2]");
    if (mean.size() != 3 || stdev.size() != 3)
        throw Error("ConSE region: the normalisation needs three means and three deviations");
    const std::size_t dim = conse.labelVectors.front().size();
    std::vector<float> flat;
    for (const auto& v : conse.labelVectors) {
        if (v.size() != dim || dim == 0)
            throw fileError(path, "the classifier's label vectors do not all have the same dimension");
        flat.insert(flat.end(), v.begin(), v.end());
    }
    d->module = loadPerCellClassifier(conse.classifier, int64_t(conse.labels.size()), d->stride);
    d->labelVectors = at::from_blob(flat.data(), {int64_t(conse.labelVectors.size()), int64_t(dim)}, at::kFloat).clone();
    d->labelVectors = d->labelVectors / d->labelVectors.norm(2, 1, true).clamp_min(1e-12);
    d->options = options;
    d->top = conse.top;
    d->mean = std::move(mean);
    d->stdev = std::move(stdev);
}

ConseRegionClassifier::~ConseRegionClassifier() = default;

int ConseRegionClassifier::labelCount() const { return int(d->labelVectors.size(0)); }

std::vector<float> ConseRegionClassifier::regionProbabilities(const Image& image, const std::vector<std::uint8_t>& mask) const
{
    const auto p = d->probabilities(image, mask);
    if (!p.defined())
        return {};
    const auto c = p.contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

std::vector<float> ConseRegionClassifier::regionVector(const Image& image, const std::vector<std::uint8_t>& mask) const
{
    const auto probs = d->probabilities(image, mask);
    if (!probs.defined())
        return {};
    torch::NoGradGuard ng;
    const int64_t t = std::min<int64_t>(d->top, probs.size(0));
    const auto [p, idx] = probs.topk(t);
    auto e = (d->labelVectors.index_select(0, idx) * p.unsqueeze(1)).sum(0);
    e = (e / e.norm().clamp_min(1e-12)).contiguous();
    return {e.data_ptr<float>(), e.data_ptr<float>() + e.numel()};
}

std::unique_ptr<Segmenter> withConse(std::unique_ptr<Segmenter> base, const ConseOptions& options)
{
    if (!base)
        throw Error("withConse: no model to wrap");
    return std::make_unique<ConseSegmenter>(std::move(base), options);
}

} // namespace zm
