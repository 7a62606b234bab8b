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
        std::error_code ec;
        if (!std::filesystem::is_regular_file(options.classifier, ec))
            throw fileError(path, "ConSE classifier not found");
        try {
            mModule = torch::jit::load(path, torch::kCPU);
        } catch (const c10::Error& e) {
            throw fileError(path, "not a loadable TorchScript file (" + std::string(e.what_without_backtrace()) + ")");
        }
        mModule.eval();
        torch::NoGradGuard ng;
        at::Tensor probe;
        try {
            probe = forward(torch::zeros({1, 3, 64, 64}));
        } catch (const std::exception& e) {
            throw fileError(path, std::string("the classifier failed on a [1,3,64,64] input (") + e.what() + ")");
        }
        if (probe.dim() != 4 || probe.size(2) < 1 || 64 % probe.size(2) != 0 || probe.size(1) != int64_t(options.labels.size()))
            throw fileError(path, "a per-cell classifier must map [B,3,H,W] to [B," + std::to_string(options.labels.size()) +
                                      ",H/s,W/s] (one channel per label); got " + std::to_string(probe.dim()) + "-d output with " +
                                      std::to_string(probe.dim() == 4 ? probe.size(1) : 0) + " channels");
        mStride = int(64 / probe.size(2));
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
        return scriptEncoderOutputs(const_cast<torch::jit::Module&>(mModule).forward({x})).second;
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

std::unique_ptr<Segmenter> withConse(std::unique_ptr<Segmenter> base, const ConseOptions& options)
{
    if (!base)
        throw Error("withConse: no model to wrap");
    return std::make_unique<ConseSegmenter>(std::move(base), options);
}

} // namespace zm
