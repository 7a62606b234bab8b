// Generalised zero-shot evaluation of a Segmenter on a labelled data set: every image is encoded and
// scored with the seen + unseen classes at once, predictions are compared at image resolution and one
// confusion matrix is accumulated over the set (core/eval computes the metrics). Torch-free header.
#pragma once

#include "core/common/dataset.h"
#include "core/common/progress.h"
#include "core/engine/classset.h"
#include "core/engine/segmenter.h"
#include "core/eval/metrics.h"

#include <functional>
#include <vector>

namespace zm {

struct EvalOptions {
    ScoreOptions score;               ///< gamma (NaN = the card's), void threshold, ...
    AbsentClassPolicy absent = AbsentClassPolicy::Skip;
    int limit = 0;                    ///< evaluate only the first N images (0 = all)
    /// Applied to every prediction (class indices of `classes`, at the image's size) before it is scored,
    /// e.g. the edge refinement of core/io/refine.h; empty = none.
    std::function<void(const Image& image, LabelMap& labels)> postProcess;
};

struct EvalResult {
    SegmentationMetrics metrics;
    ConfusionMatrix matrix;
    int images = 0;
    double seconds = 0;
    float gamma = 0;                  ///< the gamma that was used
    std::vector<std::string> classNames; ///< seen then unseen (matrix order)
};

/// `classes` must hold the split's seen classes then its unseen classes (names as in the data set),
/// `seenCount` of them seen. Data-set classes outside `classes` are ignored (void) in the ground truth.
EvalResult evaluateSegmenter(const Segmenter& segmenter, const Dataset& data, const ClassSet& classes, int seenCount,
                             const EvalOptions& options, Progress& progress);

} // namespace zm
