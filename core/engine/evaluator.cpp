// Data-set evaluation through the public Segmenter API (so it measures exactly what users run).
#include "core/engine/evaluator.h"

#include "core/common/error.h"
#include "core/eval/evaluate.h"

#include <chrono>
#include <cmath>

namespace zm {

EvalResult evaluateSegmenter(const Segmenter& segmenter, const Dataset& data, const ClassSet& classes, int seenCount,
                             const EvalOptions& options, Progress& progress)
{
    if (classes.size() == 0)
        throw Error("evaluation needs at least one class");
    if (seenCount < 0 || seenCount > classes.size())
        throw Error("evaluation: seen count " + std::to_string(seenCount) + " out of range");
    EvalResult r;
    for (const auto& c : classes.classes)
        r.classNames.push_back(c.name);
    // Data-set classes outside `classes` are ignored (void) in the ground truth.
    const LabelRemap remap = LabelRemap::byNames(data.classNames(), r.classNames, data.name());
    r.gamma = std::isnan(options.score.gamma) ? segmenter.card().gamma : options.score.gamma;
    EvalSamples which;
    which.limit = options.limit;
    which.requireLabels = true;
    r.images = which.count(data);
    if (r.images == 0)
        throw Error("data set '" + data.name() + "' has no images to evaluate");
    const auto t0 = std::chrono::steady_clock::now();
    r.matrix = accumulateConfusion(
        data, remap,
        [&](const Sample& s) {
            const auto f = segmenter.encode(s.image);
            LabelMap labels = segmenter.score(*f, classes, options.score).labels;
            if (options.postProcess)
                options.postProcess(s.image, labels);
            return labels;
        },
        progress, which);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    MetricOptions mo;
    mo.absent = options.absent;
    mo.classNames = r.classNames;
    for (int c = 0; c < classes.size(); ++c)
        (c < seenCount ? mo.seen : mo.unseen).push_back(c);
    r.metrics = computeMetrics(r.matrix, mo);
    return r;
}

} // namespace zm
