// Toy feature world for the generative tests: class c has features N(mu_c, 0.3^2) with mu_c = 2 M e_c
// (a linear function of its class vector; the seen vectors span the 3-d space, so a generator can
// extrapolate to the unseen class). Feature
// maps are 2 x 8 x 8, each 4 x 4 quadrant one class. Deterministic (own std::mt19937).
#pragma once
#include "core/engine/generative/generativetrainer.h"

#include <random>
#include <vector>

namespace zm::test {

struct ToyWorld {
    int featureDim = 8, embedDim = 3, classes = 5;
    std::vector<bool> unseen{false, false, false, false, true};
    at::Tensor vectors; ///< [C,E], L2-normalised
    at::Tensor means;   ///< [C,D]
    mutable std::mt19937 rng{7};

    explicit ToyWorld(int nClasses = 5, std::vector<bool> unseenFlags = {false, false, false, false, true})
        : classes(nClasses), unseen(std::move(unseenFlags))
    {
        vectors = normal({classes, embedDim});
        vectors = vectors / vectors.norm(2, 1, true);
        means = at::matmul(vectors, normal({embedDim, featureDim})) * 2.0;
    }

    at::Tensor normal(std::vector<int64_t> shape, double sd = 1.0) const
    {
        std::normal_distribution<float> d(0.f, float(sd));
        int64_t n = 1;
        for (auto s : shape)
            n *= s;
        std::vector<float> v(static_cast<std::size_t>(n));
        for (auto& x : v)
            x = d(rng);
        return at::from_blob(v.data(), shape, at::kFloat).clone();
    }

    /// Features of `n` pixels of class c: [n, D].
    at::Tensor sample(int c, int64_t n) const { return means[c].unsqueeze(0) + normal({n, featureDim}, 0.3); }

    /// A batch whose quadrants draw from `pool` classes; labels are the true classes.
    generative::FeatureBatch batch(const std::vector<int>& pool) const
    {
        const int64_t b = 2, h = 8, w = 8;
        auto labels = at::empty({b, h, w}, at::kLong);
        std::uniform_int_distribution<int> pick(0, int(pool.size()) - 1);
        for (int64_t i = 0; i < b; ++i)
            for (int qy = 0; qy < 2; ++qy)
                for (int qx = 0; qx < 2; ++qx)
                    labels[i].slice(0, qy * 4, qy * 4 + 4).slice(1, qx * 4, qx * 4 + 4).fill_(pool[std::size_t(pick(rng))]);
        auto flat = labels.reshape({-1});
        auto feats = means.index_select(0, flat) + normal({flat.size(0), featureDim}, 0.3);
        return {feats.reshape({b, h, w, featureDim}).permute({0, 3, 1, 2}).contiguous(), labels};
    }

    std::vector<int> seenClasses() const
    {
        std::vector<int> v;
        for (int c = 0; c < classes; ++c)
            if (!unseen[std::size_t(c)])
                v.push_back(c);
        return v;
    }
    std::vector<int> allClasses() const
    {
        std::vector<int> v;
        for (int c = 0; c < classes; ++c)
            v.push_back(c);
        return v;
    }

    /// Labelled batches show seen classes only; unlabelled ones show every class, with the unseen
    /// class's pixels void (-1) as in a training image whose unseen objects are unlabelled.
    generative::FeatureSource source() const
    {
        return [this](std::int64_t, bool labelled) {
            if (labelled)
                return batch(seenClasses());
            auto b = batch(allClasses());
            for (int c = 0; c < classes; ++c)
                if (unseen[std::size_t(c)])
                    b.labels.masked_fill_(b.labels.eq(c), -1);
            return b;
        };
    }

    /// Small, fast options for tests.
    generative::GenerativeOptions options(generative::Method m) const
    {
        generative::GenerativeOptions o;
        o.method = m;
        o.noiseDim = 8;
        o.generatorHidden = 32;
        o.generatorSteps = 150;
        o.classifierSteps = 150;
        o.classifierHidden = 16;
        o.samplesPerClass = 32;
        o.maxRealPixels = 256;
        o.cagnetHidden = 32;
        o.discriminatorHidden = 32;
        o.intervalStep1 = 10;
        o.intervalStep2 = 10;
        o.vmHidden = 32;
        o.vmLatentDim = 8;
        o.selfTrainSteps = 40;
        o.checkpointEvery = 0;
        o.generatorLr = 5e-3f;
        o.classifierLr = 1e-2f;
        o.discriminatorLr = 2e-3f;
        o.transferLr = 2e-3f;
        return o;
    }

    /// Fraction of `features` [N,D] the model assigns to class c (over all classes of the world).
    double accuracy(const generative::GenerativeModel& model, const at::Tensor& features, int c) const
    {
        const auto pred = model.logits(features, vectors).argmax(1);
        return pred.eq(c).to(at::kFloat).mean().item<double>();
    }
};

} // namespace zm::test
