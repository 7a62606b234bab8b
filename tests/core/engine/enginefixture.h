// Shared helpers of the engine tests: a seeded fixture, a tensor-tolerance check, a tiny in-memory
// dataset of coloured shapes, tiny backbone options and a test vector space.
#pragma once
#include "core/common/dataset.h"
#include "core/common/progress.h"
#include "core/common/vectorspace.h"
#include "core/engine/backbone.h"
#include "core/engine/trainer.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace zm::test {

class EngineTest : public ::testing::Test {
protected:
    EngineTest() { torch::manual_seed(0); }
};

/// max |a - b| <= atol + rtol * |b|, with the worst element in the failure message.
inline ::testing::AssertionResult tensorsClose(const at::Tensor& a, const at::Tensor& b, double atol = 1e-5, double rtol = 1e-4)
{
    if (a.sizes() != b.sizes())
        return ::testing::AssertionFailure() << "shapes differ: " << a.sizes() << " vs " << b.sizes();
    auto diff = (a.to(at::kDouble) - b.to(at::kDouble)).abs();
    auto tol = atol + rtol * b.to(at::kDouble).abs();
    auto excess = (diff - tol).max().item<double>();
    if (excess <= 0)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "max |a-b| = " << diff.max().item<double>() << " exceeds tolerance";
}

/// A tiny backbone: a few thousand parameters, trains in seconds.
inline BackboneOptions tinyBackbone()
{
    return BackboneOptions().kind("mobile").width(0.25).depth(0.34).outputStride(16).asppChannels(16).featureDim(16).lowLevelChannels(8);
}

inline Json tinyOverrides() { return tinyBackbone().toJson(); }

inline VectorSpaceId testSpace(int dim = 16, const std::string& checksum = "0123456789abcdef")
{
    VectorSpaceId id;
    id.name = "test-space";
    id.dim = dim;
    id.checksum = checksum;
    return id;
}

/// Random unit vectors, one per class, seeded.
inline std::vector<std::vector<float>> randomVectors(int n, int dim, unsigned seed = 7)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g;
    std::vector<std::vector<float>> v(static_cast<std::size_t>(n), std::vector<float>(static_cast<std::size_t>(dim)));
    for (auto& row : v) {
        double s = 0;
        for (auto& x : row) {
            x = g(rng);
            s += double(x) * x;
        }
        for (auto& x : row)
            x = float(x / std::sqrt(s));
    }
    return v;
}

/// Images of `size` px: a grey-noise background (class 0) with one solid square per image whose
/// colour identifies its class (1..classes-1).
class ShapesDataset : public Dataset {
public:
    ShapesDataset(int count, int size, std::vector<std::string> names, unsigned seed = 3)
        : mCount(count), mSize(size), mNames(std::move(names)), mSeed(seed) {}
    std::string name() const override { return "shapes"; }
    int size() const override { return mCount; }
    const std::vector<std::string>& classNames() const override { return mNames; }
    Sample get(int index) const override
    {
        std::mt19937 rng(mSeed * 7919u + unsigned(index));
        Sample s;
        s.id = "shape" + std::to_string(index);
        s.image = Image(mSize, mSize, 3);
        s.labels = LabelMap(mSize, mSize, 0);
        std::uniform_int_distribution<int> noise(90, 150);
        for (auto& p : s.image.pixels)
            p = std::uint8_t(noise(rng));
        const int cls = 1 + int(index % (int(mNames.size()) - 1));
        const int side = mSize / 2;
        std::uniform_int_distribution<int> pos(0, mSize - side);
        const int x0 = pos(rng), y0 = pos(rng);
        const std::uint8_t r = std::uint8_t((cls * 97) % 256), g = std::uint8_t((cls * 53 + 40) % 256), b = std::uint8_t((cls * 211) % 256);
        for (int y = y0; y < y0 + side; ++y)
            for (int x = x0; x < x0 + side; ++x) {
                auto* px = s.image.row(y) + x * 3;
                px[0] = r;
                px[1] = g;
                px[2] = b;
                s.labels.at(x, y) = std::uint16_t(cls);
            }
        return s;
    }

private:
    int mCount, mSize;
    std::vector<std::string> mNames;
    unsigned mSeed;
};

/// The shapes world as a zero-shot problem: background, red and green seen, blue unseen, random class
/// vectors in the test space.
inline TrainingData shapesData(const Dataset& d)
{
    TrainingData td;
    td.labelled = &d;
    td.split.name = "shapes";
    td.split.seen = {"background", "red", "green"};
    td.split.unseen = {"blue"};
    td.classVectors = randomVectors(4, 16);
    td.space = testSpace();
    return td;
}

/// Cancels after `n` progress updates (the trainer reports once per iteration).
class CancelAfter : public CancellableProgress {
public:
    explicit CancelAfter(int n) : mLeft(n) {}
    bool update(double, const std::string&) override
    {
        if (--mLeft <= 0)
            cancel();
        return !cancelled();
    }

private:
    int mLeft;
};

} // namespace zm::test
