// Confusion matrix of a semantic segmentation, accumulated pixel by pixel over a whole data set at
// image resolution (the papers' protocol: one matrix for the set, not a mean of per-image scores).
#pragma once
#include "core/common/image.h"
#include "core/common/json.h"

#include <cstdint>
#include <vector>

namespace zm {

class ConfusionMatrix {
public:
    ConfusionMatrix() = default;
    explicit ConfusionMatrix(int numClasses);

    int numClasses() const { return mN; }

    /// Adds one image: rows are ground truth, columns predictions. Ground-truth LabelMap::kVoid pixels
    /// are skipped (ignore index). A kVoid prediction on a labelled pixel (the model abstained) counts as
    /// a miss of the true class (a false negative, no false positive). Throws zm::Error when the sizes
    /// differ or an id is outside [0, numClasses).
    void add(const LabelMap& truth, const LabelMap& prediction);
    /// Adds `count` pixels of true class `truth` predicted as `predicted` (predicted may be -1: abstained).
    void add(int truth, int predicted, std::uint64_t count = 1);
    /// Adds another matrix of the same size (e.g. from a worker thread).
    void merge(const ConfusionMatrix& other);
    void clear();

    std::uint64_t at(int truth, int predicted) const { return mCounts[std::size_t(truth) * mN + predicted]; }
    std::uint64_t truePositives(int c) const { return at(c, c); }
    std::uint64_t truthPixels(int c) const;     ///< row sum plus abstentions: pixels whose truth is c
    std::uint64_t predictedPixels(int c) const; ///< column sum: pixels predicted as c
    std::uint64_t abstained(int c) const { return mAbstained[std::size_t(c)]; }
    std::uint64_t total() const;                ///< labelled pixels counted

    /// {"classes": N, "counts": [[...]...], "abstained": [...]} and back (throws zm::Error on bad JSON).
    Json toJson() const;
    static ConfusionMatrix fromJson(const Json& j);

private:
    int mN = 0;
    std::vector<std::uint64_t> mCounts;    ///< mN x mN, row-major, row = truth
    std::vector<std::uint64_t> mAbstained; ///< per true class: pixels predicted as kVoid
};

} // namespace zm
