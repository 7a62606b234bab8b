// Data-set evaluation through the public Segmenter API (so it measures exactly what users run).
#include "core/engine/evaluator.h"

#include "core/common/error.h"

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
    const auto& names = data.classNames();
    // Data-set id -> class-set index (by name); other classes are ignored.
    std::vector<int> lut(names.size(), -1);
    EvalResult r;
    for (int c = 0; c < classes.size(); ++c) {
        const auto& n = classes.classes[std::size_t(c)].name;
        r.classNames.push_back(n);
        bool found = false;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == n) {
                lut[i] = c;
                found = true;
            }
        if (!found)
            throw Error("class '" + n + "' is not a class of data set '" + data.name() + "'");
    }
    r.matrix = ConfusionMatrix(classes.size());
    r.gamma = std::isnan(options.score.gamma) ? segmenter.card().gamma : options.score.gamma;
    const int n = options.limit > 0 ? std::min(options.limit, data.size()) : data.size();
    if (n == 0)
        throw Error("data set '" + data.name() + "' has no images to evaluate");
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        checkCancelled(progress);
        const Sample s = data.get(i);
        if (s.labels.empty())
            throw Error("sample '" + s.id + "' of '" + data.name() + "' has no labels; evaluation needs labelled images");
        if (s.labels.width != s.image.width || s.labels.height != s.image.height)
            throw Error("sample '" + s.id + "': label map size differs from the image size");
        const auto f = segmenter.encode(s.image);
        const auto pred = segmenter.score(*f, classes, options.score);
        LabelMap truth(s.labels.width, s.labels.height);
        for (std::size_t p = 0; p < truth.ids.size(); ++p) {
            const std::size_t id = s.labels.ids[p];
            truth.ids[p] = id < lut.size() && lut[id] >= 0 ? std::uint16_t(lut[id]) : LabelMap::kVoid;
        }
        r.matrix.add(truth, pred.labels);
        ++r.images;
        progress.update(double(i + 1) / n, "image " + std::to_string(i + 1) + "/" + std::to_string(n));
    }
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
