// Accumulating a confusion matrix over a whole data set with any predictor: the one loop the
// evaluator, the calibration search and the CLI share, so every number is computed the same way.
#pragma once
#include "core/common/dataset.h"
#include "core/common/progress.h"
#include "core/eval/confusionmatrix.h"

#include <functional>

namespace zm {

/// Predicts a label map (same size as the image, ids into the evaluated class list) for one data-set
/// sample. (Not to be confused with zm::FilePredictor of core/io, which predicts an image file of a batch.)
using SamplePredictor = std::function<LabelMap(const Sample& sample)>;

/// Runs `predict` on every labelled sample of `data` and accumulates the confusion matrix at image
/// resolution (ground-truth ignore pixels skipped). Unlabelled samples are skipped. Reports progress and
/// stops with zm::Cancelled when asked. A prediction of the wrong size throws zm::Error naming the sample.
ConfusionMatrix accumulateConfusion(const Dataset& data, int numClasses, const SamplePredictor& predict, Progress& progress);

} // namespace zm
