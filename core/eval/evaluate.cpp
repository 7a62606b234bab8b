// The shared evaluation loop.
#include "core/eval/evaluate.h"

#include "core/common/error.h"

#include <algorithm>

namespace zm {

namespace {

std::string sampleName(const Dataset& data, const Sample& s) { return data.name() + ", sample '" + s.id + "'"; }

std::string sizeText(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

} // namespace

int EvalSamples::count(const Dataset& data) const
{
    const int all = indices ? int(indices->size()) : data.size();
    return limit > 0 ? std::min(limit, all) : all;
}

int forEachEvalSample(const Dataset& data, const LabelRemap& remap, const EvalSamples& which, Progress& progress,
                      const EvalVisitor& visit)
{
    if (remap.datasetClasses() != data.classNames().size())
        throw Error("evaluation of '" + data.name() + "': the label remap knows " + std::to_string(remap.datasetClasses()) +
                    " classes, the data set has " + std::to_string(data.classNames().size()));
    const int n = which.count(data);
    int visited = 0;
    for (int k = 0; k < n; ++k) {
        checkCancelled(progress);
        const int index = which.indices ? (*which.indices)[std::size_t(k)] : k;
        if (index < 0 || index >= data.size())
            throw Error("evaluation of '" + data.name() + "': sample " + std::to_string(index) + " out of range (size " +
                        std::to_string(data.size()) + ")");
        const Sample s = data.get(index);
        if (s.labels.empty()) {
            if (which.requireLabels)
                throw Error("sample '" + s.id + "' of '" + data.name() + "' has no labels; evaluation needs labelled images");
        } else {
            if (s.labels.width != s.image.width || s.labels.height != s.image.height)
                throw Error(sampleName(data, s) + ": label map " + sizeText(s.labels.width, s.labels.height) +
                            " differs from the image size " + sizeText(s.image.width, s.image.height));
            LabelMap truth;
            try {
                truth = remap.apply(s.labels);
            } catch (const Error& e) {
                throw Error(sampleName(data, s) + ": " + e.what());
            }
            visit(s, truth);
            ++visited;
        }
        if (!progress.update(double(k + 1) / n, "image " + std::to_string(k + 1) + "/" + std::to_string(n)) && k + 1 < n)
            throw Cancelled();
    }
    return visited;
}

void addToConfusion(ConfusionMatrix& m, const LabelMap& truth, const LabelMap& prediction, const Dataset& data,
                    const Sample& sample)
{
    try {
        m.add(truth, prediction);
    } catch (const Error& e) {
        throw Error(sampleName(data, sample) + ": " + e.what());
    }
}

ConfusionMatrix accumulateConfusion(const Dataset& data, const LabelRemap& remap, const SamplePredictor& predict,
                                    Progress& progress, const EvalSamples& which)
{
    ConfusionMatrix m(remap.numClasses());
    forEachEvalSample(data, remap, which, progress,
                      [&](const Sample& s, const LabelMap& truth) { addToConfusion(m, truth, predict(s), data, s); });
    return m;
}

} // namespace zm
