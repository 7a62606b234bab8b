// A data set seen through a zero-shot split: the labels the trainer, the calibration search and the
// evaluator must see, in one class space shared by all stages.
//
// Class space ("model classes"): the seen classes (in data-set order) then the unseen classes (in data-set
// order). Seen class i has the same id in training (where only ids < seenCount exist) and at test time,
// so the trainer can use the first seenCount class vectors and the evaluator all of them.
//
// Stages:
//   Train        training images minus the calibration hold-out; unseen pixels -> ignore (inductive
//                setting); background pixels -> ignore when the split ignores background.
//   Calibration  the last `calibrationImages` of the training list (SPNet: 500 for VOC, 2,000 for
//                COCO-Stuff); labels as in Train. Evaluate with calibrationMetricOptions(): the
//                seen-val classes play the unseen role, the other seen classes the seen role.
//   Test         every test image; labels of seen and unseen classes; background -> ignore when ignored.
//   Unlabelled   transductive target images: labels removed.
//   TestUnseenOnly  the ZS3 (not generalised) setting: test images with only the unseen pixels labelled
//                (ids still in the model space); predict among the unseen classes only and score with
//                zs3MetricOptions().
#pragma once
#include "core/common/dataset.h"
#include "core/eval/labelremap.h"
#include "core/eval/metrics.h"

#include <memory>
#include <string>
#include <vector>

namespace zm {

/// The class space of a split over a data set.
struct ZeroShotClasses {
    std::vector<std::string> names; ///< seen then unseen
    int seenCount = 0;
    std::vector<int> seenVal;        ///< model ids of the seen-val classes (all < seenCount)
    std::vector<int> datasetToModel; ///< per data-set class id: model id, or -1 (ignored)

    int size() const { return int(names.size()); }
    std::vector<std::string> seenNames() const { return {names.begin(), names.begin() + seenCount}; }
    std::vector<std::string> unseenNames() const { return {names.begin() + seenCount, names.end()}; }
    std::vector<int> seenIds() const;
    std::vector<int> unseenIds() const;
    /// GZS3 test metrics: seen vs unseen over every model class.
    MetricOptions testMetricOptions(AbsentClassPolicy absent = AbsentClassPolicy::Skip) const;
    /// Calibration metrics over the seen classes only: seen-val play the unseen role.
    MetricOptions calibrationMetricOptions(AbsentClassPolicy absent = AbsentClassPolicy::Skip) const;
    /// ZS3 metrics: unseen classes only (seen classes excluded from every mean).
    MetricOptions zs3MetricOptions(AbsentClassPolicy absent = AbsentClassPolicy::Skip) const;
};

/// Validates the split against the data set's classes and builds the class space (zm::Error on mismatch).
ZeroShotClasses resolveSplit(const ZeroShotSplit& split, const std::vector<std::string>& datasetClasses);

enum class ZeroShotStage { Train, Calibration, Test, Unlabelled, TestUnseenOnly };

struct ZeroShotOptions {
    /// Images held out at the end of the training list for calibration; -1: SPNet's rule scaled to the
    /// set (min(500, size / 10)); 0: none (Calibration is then empty).
    int calibrationImages = -1;
    /// Train stage only: seen-val pixels -> ignore as well, for a model whose calibration mimics unseen
    /// classes faithfully (train it, tune gamma, then train the final model without this flag).
    bool holdOutSeenVal = false;
};

class ZeroShotDataset : public Dataset {
public:
    ZeroShotDataset(std::shared_ptr<const Dataset> base, const ZeroShotSplit& split, ZeroShotStage stage,
                    ZeroShotOptions options = {});

    std::string name() const override;
    int size() const override { return int(mIndices.size()); }
    /// The base sample with labels remapped into the model class space for this stage.
    Sample get(int index) const override;
    /// Model classes visible at this stage: the seen names (Train, Calibration) or all (Test, Unlabelled).
    const std::vector<std::string>& classNames() const override { return mStageNames; }

    const ZeroShotClasses& classes() const { return mClasses; }
    const ZeroShotSplit& split() const { return mSplit; }
    ZeroShotStage stage() const { return mStage; }
    /// Index of sample i in the base data set.
    int baseIndex(int i) const { return mIndices.at(std::size_t(i)); }
    /// Remaps a base label map for this stage (exposed for tests and for callers that read labels only).
    LabelMap remap(const LabelMap& baseLabels) const;

private:
    std::shared_ptr<const Dataset> mBase;
    ZeroShotSplit mSplit;
    ZeroShotStage mStage;
    ZeroShotClasses mClasses;
    std::vector<std::string> mStageNames;
    std::vector<int> mIndices;
    LabelRemap mRemap; ///< base id -> stage label (void: ignore); an id beyond the base classes throws
};

/// Number of calibration images the options give for a training set of `trainSize` images.
int calibrationImageCount(int trainSize, const ZeroShotOptions& options);

} // namespace zm
