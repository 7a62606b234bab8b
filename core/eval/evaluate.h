// The one evaluation loop: every figure computed over a data set (zeromask-cli eval through
// evaluateSegmenter, the trainer's gamma search and held-out metrics) walks the samples here, with the
// ground truth remapped by one LabelRemap, so every number is computed the same way.
#pragma once
#include "core/common/dataset.h"
#include "core/common/progress.h"
#include "core/eval/confusionmatrix.h"
#include "core/eval/labelremap.h"

#include <functional>
#include <optional>
#include <vector>

namespace zm {

/// Predicts a label map for one data-set sample: the sample's size, ids = the evaluated classes (the
/// LabelRemap's numbering), kVoid where the predictor abstains. (Not to be confused with
/// zm::FilePredictor of core/io, which predicts an image file of a batch.)
using SamplePredictor = std::function<LabelMap(const Sample& sample)>;

/// Which samples an evaluation visits.
struct EvalSamples {
    std::optional<std::vector<int>> indices; ///< these samples, in this order (possibly none); unset: every sample
    int limit = 0;                           ///< at most the first N of them (0: all)
    bool requireLabels = false;              ///< an unlabelled sample is an error (true) or is skipped (false)

    /// How many samples the loop visits in `data`.
    int count(const Dataset& data) const;
};

/// Called once per labelled sample with the sample and its ground truth remapped to evaluated classes.
using EvalVisitor = std::function<void(const Sample& sample, const LabelMap& truth)>;

/// The loop: loads each chosen sample in order, skips (or refuses) unlabelled ones, checks that the label
/// map has the image's size, remaps its ground truth and calls `visit`. Reports "image k/n" after each
/// sample and stops with zm::Cancelled between samples when `progress` asks. Errors name the data set
/// and the sample. Returns the number of samples visited.
int forEachEvalSample(const Dataset& data, const LabelRemap& remap, const EvalSamples& which, Progress& progress,
                      const EvalVisitor& visit);

/// Adds one image to `m` (truth and prediction in evaluated classes), naming the sample on error (sizes
/// differ, a predicted id outside the matrix).
void addToConfusion(ConfusionMatrix& m, const LabelMap& truth, const LabelMap& prediction, const Dataset& data,
                    const Sample& sample);

/// forEachEvalSample + `predict` on each sample: one confusion matrix of remap.numClasses() classes,
/// accumulated at image resolution over the whole set (ground-truth void pixels skipped).
ConfusionMatrix accumulateConfusion(const Dataset& data, const LabelRemap& remap, const SamplePredictor& predict,
                                    Progress& progress, const EvalSamples& which = {});

} // namespace zm
