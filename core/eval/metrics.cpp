// Segmentation metrics (see metrics.h for the definitions).
#include "core/eval/metrics.h"

#include "core/common/error.h"
#include "core/common/strings.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace zm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double meanOf(const std::vector<double>& values, AbsentClassPolicy policy)
{
    double sum = 0;
    int n = 0;
    for (double v : values) {
        if (std::isnan(v)) {
            if (policy == AbsentClassPolicy::Skip)
                continue;
            v = 0;
        }
        sum += v;
        ++n;
    }
    return n ? sum / n : kNaN;
}

Json numberOrNull(double v) { return std::isnan(v) ? Json(nullptr) : Json(v); }

std::string pct(double v) { return std::isnan(v) ? std::string("-") : fmt(100.0 * v, 2); }

const char* roleName(ClassRole r)
{
    switch (r) {
    case ClassRole::Seen: return "seen";
    case ClassRole::Unseen: return "unseen";
    case ClassRole::Excluded: return "excluded";
    }
    return "?";
}

} // namespace

std::string absentPolicyName(AbsentClassPolicy p) { return p == AbsentClassPolicy::Skip ? "skip" : "zero"; }

AbsentClassPolicy parseAbsentPolicy(const std::string& name)
{
    const std::string n = toLowerAscii(trim(name));
    if (n == "skip" || n == "nanmean")
        return AbsentClassPolicy::Skip;
    if (n == "zero" || n == "nan_to_num")
        return AbsentClassPolicy::CountAsZero;
    throw Error("absent-class policy '" + name + "': expected 'skip' (nanmean, SPNet/CaGNet) or 'zero' (ZS3Net)");
}

std::string absentPolicyDescription(AbsentClassPolicy p)
{
    return p == AbsentClassPolicy::Skip
               ? "absent classes (no ground truth, never predicted): skipped in means (nanmean, as SPNet/CaGNet)"
               : "absent classes (no ground truth, never predicted): counted as IoU 0 (nan_to_num, as ZS3Net)";
}

bool ClassScore::absent() const { return std::isnan(iou); }

double harmonicMean(double seen, double unseen)
{
    if (std::isnan(seen) || std::isnan(unseen))
        return kNaN;
    return seen + unseen > 0 ? 2.0 * seen * unseen / (seen + unseen) : 0.0;
}

SegmentationMetrics computeMetrics(const ConfusionMatrix& matrix, const MetricOptions& options)
{
    const int n = matrix.numClasses();
    if (n <= 0)
        throw Error("metrics: the confusion matrix has no classes");
    if (!options.classNames.empty() && int(options.classNames.size()) != n)
        throw Error("metrics: " + std::to_string(options.classNames.size()) + " class names given for a matrix of " +
                    std::to_string(n) + " classes");

    SegmentationMetrics m;
    m.absent = options.absent;
    m.pixels = matrix.total();
    m.classes.resize(std::size_t(n));

    const bool allSeen = options.seen.empty() && options.unseen.empty();
    for (auto& c : m.classes)
        c.role = allSeen ? ClassRole::Seen : ClassRole::Excluded;
    auto assign = [&](const std::vector<int>& ids, ClassRole role) {
        for (int id : ids) {
            if (id < 0 || id >= n)
                throw Error("metrics: class id " + std::to_string(id) + " is outside the " + std::to_string(n) +
                            " classes");
            if (m.classes[std::size_t(id)].role != ClassRole::Excluded)
                throw Error("metrics: class id " + std::to_string(id) + " is listed twice (seen and unseen must be disjoint)");
            m.classes[std::size_t(id)].role = role;
        }
    };
    if (!allSeen) {
        assign(options.seen, ClassRole::Seen);
        assign(options.unseen, ClassRole::Unseen);
    }

    std::uint64_t correct = 0;
    for (int c = 0; c < n; ++c) {
        ClassScore& s = m.classes[std::size_t(c)];
        s.name = options.classNames.empty() ? "class " + std::to_string(c) : options.classNames[std::size_t(c)];
        s.truePositives = matrix.truePositives(c);
        s.truthPixels = matrix.truthPixels(c);
        s.predictedPixels = matrix.predictedPixels(c);
        const std::uint64_t uni = s.truthPixels + s.predictedPixels - s.truePositives; // TP + FN + FP
        s.iou = uni ? double(s.truePositives) / double(uni) : kNaN;
        s.accuracy = s.truthPixels ? double(s.truePositives) / double(s.truthPixels) : kNaN;
        correct += s.truePositives;
    }
    m.pixelAccuracy = m.pixels ? double(correct) / double(m.pixels) : kNaN;

    std::vector<double> seenIou, unseenIou, allIou, allAcc;
    std::uint64_t evaluatedPixels = 0;
    double weighted = 0;
    for (const auto& s : m.classes) {
        if (s.role == ClassRole::Excluded)
            continue;
        (s.role == ClassRole::Seen ? seenIou : unseenIou).push_back(s.iou);
        allIou.push_back(s.iou);
        allAcc.push_back(s.accuracy);
        // Frequency weighting follows the FCN/DeepLab code: only classes with ground truth carry weight.
        if (s.truthPixels > 0) {
            evaluatedPixels += s.truthPixels;
            weighted += double(s.truthPixels) * s.iou;
        }
    }
    auto counted = [&](const std::vector<double>& v) {
        int k = 0;
        for (double x : v)
            k += (!std::isnan(x) || options.absent == AbsentClassPolicy::CountAsZero) ? 1 : 0;
        return k;
    };
    m.mIoUSeen = meanOf(seenIou, options.absent);
    m.mIoUUnseen = meanOf(unseenIou, options.absent);
    m.seenCount = counted(seenIou);
    m.unseenCount = counted(unseenIou);
    m.hIoU = harmonicMean(m.mIoUSeen, m.mIoUUnseen);
    m.mIoU = meanOf(allIou, options.absent);
    m.meanAccuracy = meanOf(allAcc, options.absent);
    m.fwIoU = evaluatedPixels ? weighted / double(evaluatedPixels) : kNaN;
    return m;
}

Json metricsToJson(const SegmentationMetrics& m)
{
    Json classes = Json::array();
    for (const auto& c : m.classes)
        classes.push_back({{"name", c.name},
                           {"role", roleName(c.role)},
                           {"iou", numberOrNull(c.iou)},
                           {"accuracy", numberOrNull(c.accuracy)},
                           {"truth_pixels", c.truthPixels},
                           {"predicted_pixels", c.predictedPixels},
                           {"true_positives", c.truePositives}});
    return Json{{"absent_policy", absentPolicyName(m.absent)},
                {"absent_policy_description", absentPolicyDescription(m.absent)},
                {"pixels", m.pixels},
                {"miou", numberOrNull(m.mIoU)},
                {"miou_seen", numberOrNull(m.mIoUSeen)},
                {"miou_unseen", numberOrNull(m.mIoUUnseen)},
                {"hiou", numberOrNull(m.hIoU)},
                {"pixel_accuracy", numberOrNull(m.pixelAccuracy)},
                {"mean_accuracy", numberOrNull(m.meanAccuracy)},
                {"fw_iou", numberOrNull(m.fwIoU)},
                {"seen_classes_in_mean", m.seenCount},
                {"unseen_classes_in_mean", m.unseenCount},
                {"classes", std::move(classes)}};
}

std::string metricsTable(const SegmentationMetrics& m)
{
    std::ostringstream os;
    os << "# " << absentPolicyDescription(m.absent) << "\n";
    os << "# " << m.pixels << " labelled pixels; IoU = TP/(TP+FP+FN) over the whole set; values in %\n";
    os << "mIoU seen     " << pct(m.mIoUSeen) << "  (" << m.seenCount << " classes)\n";
    os << "mIoU unseen   " << pct(m.mIoUUnseen) << "  (" << m.unseenCount << " classes)\n";
    os << "hIoU          " << pct(m.hIoU) << "\n";
    os << "mIoU          " << pct(m.mIoU) << "\n";
    os << "pixel acc.    " << pct(m.pixelAccuracy) << "\n";
    os << "mean acc.     " << pct(m.meanAccuracy) << "\n";
    os << "fw IoU        " << pct(m.fwIoU) << "\n";
    std::size_t w = 5;
    for (const auto& c : m.classes)
        w = std::max(w, c.name.size());
    char line[512];
    std::snprintf(line, sizeof line, "%-*s  %-8s  %7s  %7s  %12s  %12s\n", int(w), "class", "role", "IoU", "acc",
                  "gt pixels", "predicted");
    os << line;
    for (const auto& c : m.classes) {
        const std::string iou = c.absent() ? std::string("absent") : pct(c.iou);
        std::snprintf(line, sizeof line, "%-*s  %-8s  %7s  %7s  %12llu  %12llu\n", int(w), c.name.c_str(),
                      roleName(c.role), iou.c_str(), pct(c.accuracy).c_str(),
                      static_cast<unsigned long long>(c.truthPixels), static_cast<unsigned long long>(c.predictedPixels));
        os << line;
    }
    return os.str();
}

} // namespace zm
