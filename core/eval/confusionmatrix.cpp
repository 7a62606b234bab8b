// Confusion matrix accumulation.
#include "core/eval/confusionmatrix.h"

#include "core/common/error.h"

#include <string>

namespace zm {

ConfusionMatrix::ConfusionMatrix(int numClasses) : mN(numClasses)
{
    if (numClasses <= 0 || numClasses >= LabelMap::kVoid)
        throw Error("confusion matrix: the number of classes must be in [1, 65534], got " + std::to_string(numClasses));
    mCounts.assign(std::size_t(mN) * mN, 0);
    mAbstained.assign(std::size_t(mN), 0);
}

void ConfusionMatrix::add(const LabelMap& truth, const LabelMap& prediction)
{
    if (truth.width != prediction.width || truth.height != prediction.height)
        throw Error("confusion matrix: prediction is " + std::to_string(prediction.width) + "x" +
                    std::to_string(prediction.height) + " but the ground truth is " + std::to_string(truth.width) +
                    "x" + std::to_string(truth.height) + " (metrics are computed at image resolution)");
    const std::size_t n = truth.ids.size();
    if (prediction.ids.size() != n)
        throw Error("confusion matrix: label map storage does not match its size");
    // Validate first so that a bad image leaves the matrix unchanged.
    for (std::size_t i = 0; i < n; ++i) {
        const auto t = truth.ids[i];
        if (t == LabelMap::kVoid)
            continue;
        if (t >= mN)
            throw Error("confusion matrix: ground-truth id " + std::to_string(t) + " is outside the " +
                        std::to_string(mN) + " classes");
        const auto p = prediction.ids[i];
        if (p != LabelMap::kVoid && p >= mN)
            throw Error("confusion matrix: predicted id " + std::to_string(p) + " is outside the " +
                        std::to_string(mN) + " classes");
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto t = truth.ids[i];
        if (t == LabelMap::kVoid)
            continue;
        const auto p = prediction.ids[i];
        if (p == LabelMap::kVoid)
            ++mAbstained[t];
        else
            ++mCounts[std::size_t(t) * mN + p];
    }
}

void ConfusionMatrix::add(int truth, int predicted, std::uint64_t count)
{
    if (truth < 0 || truth >= mN)
        throw Error("confusion matrix: ground-truth id " + std::to_string(truth) + " is outside the " +
                    std::to_string(mN) + " classes");
    if (predicted < -1 || predicted >= mN)
        throw Error("confusion matrix: predicted id " + std::to_string(predicted) + " is outside the " +
                    std::to_string(mN) + " classes");
    if (predicted < 0)
        mAbstained[std::size_t(truth)] += count;
    else
        mCounts[std::size_t(truth) * mN + predicted] += count;
}

void ConfusionMatrix::merge(const ConfusionMatrix& other)
{
    if (other.mN != mN)
        throw Error("confusion matrix: cannot merge a matrix of " + std::to_string(other.mN) + " classes into one of " +
                    std::to_string(mN));
    for (std::size_t i = 0; i < mCounts.size(); ++i)
        mCounts[i] += other.mCounts[i];
    for (std::size_t i = 0; i < mAbstained.size(); ++i)
        mAbstained[i] += other.mAbstained[i];
}

void ConfusionMatrix::clear()
{
    std::fill(mCounts.begin(), mCounts.end(), 0);
    std::fill(mAbstained.begin(), mAbstained.end(), 0);
}

std::uint64_t ConfusionMatrix::truthPixels(int c) const
{
    std::uint64_t s = mAbstained[std::size_t(c)];
    for (int j = 0; j < mN; ++j)
        s += at(c, j);
    return s;
}

std::uint64_t ConfusionMatrix::predictedPixels(int c) const
{
    std::uint64_t s = 0;
    for (int i = 0; i < mN; ++i)
        s += at(i, c);
    return s;
}

std::uint64_t ConfusionMatrix::total() const
{
    std::uint64_t s = 0;
    for (auto v : mCounts)
        s += v;
    for (auto v : mAbstained)
        s += v;
    return s;
}

Json ConfusionMatrix::toJson() const
{
    Json rows = Json::array();
    for (int i = 0; i < mN; ++i) {
        Json row = Json::array();
        for (int j = 0; j < mN; ++j)
            row.push_back(at(i, j));
        rows.push_back(std::move(row));
    }
    return Json{{"classes", mN}, {"counts", std::move(rows)}, {"abstained", mAbstained}};
}

ConfusionMatrix ConfusionMatrix::fromJson(const Json& j)
{
    try {
        const int n = j.at("classes").get<int>();
        ConfusionMatrix m(n);
        const Json& rows = j.at("counts");
        if (!rows.is_array() || int(rows.size()) != n)
            throw Error("confusion matrix JSON: \"counts\" must hold " + std::to_string(n) + " rows");
        for (int i = 0; i < n; ++i) {
            if (!rows[i].is_array() || int(rows[i].size()) != n)
                throw Error("confusion matrix JSON: row " + std::to_string(i) + " must hold " + std::to_string(n) +
                            " counts");
            for (int k = 0; k < n; ++k)
                m.mCounts[std::size_t(i) * n + k] = rows[i][k].get<std::uint64_t>();
        }
        if (j.contains("abstained")) {
            const auto a = j.at("abstained").get<std::vector<std::uint64_t>>();
            if (int(a.size()) != n)
                throw Error("confusion matrix JSON: \"abstained\" must hold " + std::to_string(n) + " counts");
            m.mAbstained = a;
        }
        return m;
    } catch (const Json::exception& e) {
        throw Error(std::string("confusion matrix JSON: ") + e.what());
    }
}

} // namespace zm
