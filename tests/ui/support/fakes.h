// Test doubles for the GUI: a tiny colour "model" and a three-word embedder. The model's feature
// at a pixel is its unit RGB vector, so a class named "red" wins exactly where pixels are red:
// tests can predict the label map by hand.
#pragma once
#include "ui/engine/backend.h"

#include "core/common/error.h"
#include "core/embed/embedder.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

namespace zm::test {

class FakeEncoding : public ui::Encoding {
public:
    int width = 0, height = 0;
    std::vector<float> features; ///< 3 per pixel, unit length
    std::size_t bytes() const override { return features.size() * sizeof(float); }
};

class FakeBackend : public ui::Backend {
public:
    std::atomic<int> encodeCount{0};
    std::atomic<int> scoreCount{0};
    std::atomic<int> cancelledCount{0};
    std::atomic<int> encodeDelayMs{0}; ///< read by worker threads; tests change it between phases

    QString modelName() const override { return QStringLiteral("fake colour model"); }
    QString device() const override { return QStringLiteral("cpu"); }
    VectorSpaceId vectorSpace() const override { return space(); }
    float defaultGamma() const override { return 0.0f; }
    /// What trainedClassVectors() returns (word-sense tests set it; empty by default).
    std::vector<std::vector<float>> trained;
    std::vector<std::vector<float>> trainedClassVectors() const override { return trained; }
    /// What the card's class names would be (first-start tests set them; empty by default).
    QStringList seen, unseen;
    QStringList seenClassNames() const override { return seen; }
    QStringList unseenClassNames() const override { return unseen; }
    static VectorSpaceId space() { return VectorSpaceId{"fake-rgb", 3, "0123456789abcdef"}; }

    ui::EncodingPtr encode(const Image& image, Progress* progress) const override
    {
        const auto t0 = std::chrono::steady_clock::now();
        const int delayMs = encodeDelayMs.load();
        while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(delayMs)) {
            if (progress && progress->cancelled()) {
                const_cast<std::atomic<int>&>(cancelledCount)++;
                throw Cancelled();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        auto enc = std::make_shared<FakeEncoding>();
        enc->width = image.width;
        enc->height = image.height;
        enc->features.resize(std::size_t(image.width) * image.height * 3);
        for (std::size_t i = 0; i < std::size_t(image.width) * image.height; ++i) {
            float v[3];
            for (int c = 0; c < 3; ++c)
                v[c] = image.pixels[i * image.channels + (image.channels == 3 ? c : 0)] / 255.0f;
            const float n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            for (int c = 0; c < 3; ++c)
                enc->features[i * 3 + c] = n > 0 ? v[c] / n : 0.0f;
        }
        const_cast<std::atomic<int>&>(encodeCount)++;
        return enc;
    }

    ScoreResult score(const ui::Encoding& e, const ClassSet& classes, const ScoreOptions& options) const override
    {
        const auto& enc = static_cast<const FakeEncoding&>(e);
        if (classes.dim() != 3)
            throw Error("class vectors have dimension " + std::to_string(classes.dim()) + ", the model needs 3");
        ScoreResult r;
        r.labels = LabelMap(enc.width, enc.height);
        r.confidence.assign(r.labels.ids.size(), 0.0f);
        for (std::size_t i = 0; i < r.labels.ids.size(); ++i) {
            float best = -1e9f;
            int arg = -1;
            for (int k = 0; k < classes.size(); ++k) {
                const auto& v = classes.classes[std::size_t(k)].vector;
                const float s = v[0] * enc.features[i * 3] + v[1] * enc.features[i * 3 + 1] +
                                v[2] * enc.features[i * 3 + 2] + classes.classes[std::size_t(k)].bias;
                if (s > best) {
                    best = s;
                    arg = k;
                }
            }
            r.confidence[i] = best;
            r.labels.ids[i] = (arg < 0 || best < options.voidThreshold) ? LabelMap::kVoid : std::uint16_t(arg);
        }
        const_cast<std::atomic<int>&>(scoreCount)++;
        return r;
    }

    std::vector<float> regionEmbedding(const ui::Encoding& e, const LabelMap& mask, std::uint16_t id) const override
    {
        const auto& enc = static_cast<const FakeEncoding&>(e);
        std::vector<float> m(3, 0.0f);
        int n = 0;
        for (std::size_t i = 0; i < mask.ids.size(); ++i)
            if (mask.ids[i] == id) {
                for (int c = 0; c < 3; ++c)
                    m[std::size_t(c)] += enc.features[i * 3 + c];
                ++n;
            }
        if (!n)
            return {};
        const float norm = std::sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
        for (float& v : m)
            v /= norm;
        return m;
    }
};

class FakeEmbedder : public ClassEmbedder {
public:
    /// Unknown words get a hashed vector instead of an error.
    bool hashUnknown = false;

    FakeEmbedder()
    {
        mWords = {{"red", {1, 0, 0}},      {"green", {0, 1, 0}},         {"blue", {0, 0, 1}},
                  {"crimson", {0.999f, 0.0447f, 0}}, {"grass", {0.1f, 0.995f, 0}}, {"sky", {0.1f, 0.1f, 0.99f}}};
        for (auto& [w, v] : mWords)
            normalise(v);
    }
    /// Adds (or replaces) a vocabulary word; the vector is normalised.
    void addWord(const std::string& word, std::vector<float> v)
    {
        normalise(v);
        std::lock_guard<std::mutex> lock(mMutex);
        mWords[word] = std::move(v);
    }
    int dim() const override { return 3; }
    const VectorSpaceId& spaceId() const override { return mSpace; }
    const std::filesystem::path& file() const override { return mFile; }
    std::vector<float> embed(const std::string& name) const override
    {
        std::lock_guard<std::mutex> lock(mMutex);
        std::vector<float> sum(3, 0.0f);
        int n = 0;
        std::string word;
        auto flush = [&] {
            if (word.empty())
                return;
            auto it = mWords.find(word);
            if (it == mWords.end() && hashUnknown) {
                // A deterministic colour for any word (benchmarks need many distinct classes).
                std::size_t h = std::hash<std::string>()(word);
                std::vector<float> v{float(h & 255) + 1, float((h >> 8) & 255), float((h >> 16) & 255)};
                normalise(v);
                it = mWords.emplace(word, v).first;
            }
            if (it == mWords.end())
                throw Error("\"" + word + "\" is not in the fake vocabulary");
            for (int c = 0; c < 3; ++c)
                sum[std::size_t(c)] += it->second[std::size_t(c)];
            ++n;
            word.clear();
        };
        for (char ch : name) {
            if (ch == ';' || ch == ',' || ch == ' ')
                flush();
            else
                word += char(std::tolower(static_cast<unsigned char>(ch)));
        }
        flush();
        if (!n)
            throw Error("empty class name");
        normalise(sum);
        return sum;
    }
    std::vector<Neighbor> neighbors(const std::vector<float>& v, int k) const override
    {
        std::lock_guard<std::mutex> lock(mMutex);
        std::vector<Neighbor> out;
        for (const auto& [w, u] : mWords)
            out.push_back({w, v[0] * u[0] + v[1] * u[1] + v[2] * u[2]});
        std::sort(out.begin(), out.end(), [](const Neighbor& a, const Neighbor& b) { return a.cosine > b.cosine; });
        if (int(out.size()) > k)
            out.resize(std::size_t(k));
        return out;
    }
    float similarity(const std::string& a, const std::string& b) const override
    {
        const auto u = embed(a), v = embed(b);
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    }
    bool inVocabulary(const std::string& w) const override
    {
        std::lock_guard<std::mutex> lock(mMutex);
        return mWords.count(w) > 0;
    }
    std::string explain(const std::string& name) const override { return name; }
    int vocabularySize() const override
    {
        std::lock_guard<std::mutex> lock(mMutex);
        return int(mWords.size());
    }

private:
    static void normalise(std::vector<float>& v)
    {
        const float n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for (float& x : v)
            x /= n;
    }
    mutable std::mutex mMutex;
    mutable std::map<std::string, std::vector<float>> mWords;
    VectorSpaceId mSpace = FakeBackend::space();
    std::filesystem::path mFile = "fake.bin";
};

} // namespace zm::test
