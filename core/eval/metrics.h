// Segmentation metrics from a confusion matrix, with the papers' definitions: per-class
// IoU = TP / (TP + FP + FN) over the whole set, mIoU over seen and over unseen classes,
// hIoU = 2 s u / (s + u), pixel accuracy, mean accuracy and frequency-weighted IoU.
#pragma once
#include "core/common/json.h"
#include "core/eval/confusionmatrix.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zm {

/// What to do with a class whose IoU is undefined (TP + FP + FN = 0: absent from the ground truth of the
/// test set and never predicted). The papers differ silently; ZeroMask makes it an option and prints it.
enum class AbsentClassPolicy {
    Skip,       ///< left out of every mean, as np.nanmean does (SPNet, CaGNet)
    CountAsZero ///< counted as IoU 0 / accuracy 0, as np.nan_to_num does (ZS3Net)
};

/// "skip" / "zero" (the CLI spelling) and back; parse throws zm::Error on anything else.
std::string absentPolicyName(AbsentClassPolicy p);
AbsentClassPolicy parseAbsentPolicy(const std::string& name);
/// One line for report headers, e.g. "absent classes: skipped (nanmean, as SPNet/CaGNet)".
std::string absentPolicyDescription(AbsentClassPolicy p);

enum class ClassRole { Seen, Unseen, Excluded };

struct MetricOptions {
    AbsentClassPolicy absent = AbsentClassPolicy::Skip;
    /// Names in class-id order (optional; used in tables and JSON). Size 0 or numClasses.
    std::vector<std::string> classNames;
    /// Class ids of the seen and unseen classes. Both empty: every class counts as seen and mIoU is over
    /// all classes. Otherwise classes in neither list are reported but excluded from every mean
    /// (e.g. background under the SPNet protocol).
    std::vector<int> seen;
    std::vector<int> unseen;
};

struct ClassScore {
    std::string name;
    ClassRole role = ClassRole::Seen;
    double iou = 0;            ///< NaN when undefined (absent class)
    double accuracy = 0;       ///< TP / ground-truth pixels; NaN when the class has no ground truth
    std::uint64_t truthPixels = 0;
    std::uint64_t predictedPixels = 0;
    std::uint64_t truePositives = 0;
    bool absent() const;       ///< IoU undefined
};

/// Every mean is a fraction in [0, 1]; NaN when it has no class to average (e.g. no unseen class).
struct SegmentationMetrics {
    AbsentClassPolicy absent = AbsentClassPolicy::Skip;
    std::vector<ClassScore> classes;
    std::uint64_t pixels = 0;   ///< labelled pixels counted
    double mIoU = 0;            ///< over seen + unseen classes
    double mIoUSeen = 0;
    double mIoUUnseen = 0;
    double hIoU = 0;            ///< 2 s u / (s + u); 0 when s + u = 0; NaN when s or u is NaN
    double pixelAccuracy = 0;   ///< correctly labelled / labelled pixels
    double meanAccuracy = 0;    ///< mean of per-class accuracy over seen + unseen classes
    double fwIoU = 0;           ///< IoU weighted by ground-truth frequency over seen + unseen classes
    int seenCount = 0;          ///< classes that entered the seen mean
    int unseenCount = 0;
};

/// Computes the metrics. Throws zm::Error when a class id in the options is out of range, a class is in
/// both lists, or classNames has the wrong size.
SegmentationMetrics computeMetrics(const ConfusionMatrix& matrix, const MetricOptions& options = {});

/// Harmonic mean 2 s u / (s + u) (0 when both are 0).
double harmonicMean(double seen, double unseen);

/// JSON with every figure (undefined values as null), the policy, and per-class rows.
Json metricsToJson(const SegmentationMetrics& m);
/// A text report: a header naming the absent-class policy, the summary (in %), then one row per class.
std::string metricsTable(const SegmentationMetrics& m);

} // namespace zm
