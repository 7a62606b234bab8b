// The shared evaluation loop.
#include "core/eval/evaluate.h"

#include "core/common/error.h"

namespace zm {

ConfusionMatrix accumulateConfusion(const Dataset& data, int numClasses, const SamplePredictor& predict, Progress& progress)
{
    ConfusionMatrix m(numClasses);
    const int n = data.size();
    for (int i = 0; i < n; ++i) {
        checkCancelled(progress);
        if (!progress.update(n ? double(i) / n : 1.0, "evaluating " + std::to_string(i + 1) + "/" + std::to_string(n)))
            throw Cancelled();
        const Sample s = data.get(i);
        if (s.labels.empty())
            continue;
        const LabelMap p = predict(s);
        try {
            m.add(s.labels, p);
        } catch (const Error& e) {
            throw Error(data.name() + ", sample " + s.id + ": " + e.what());
        }
    }
    progress.update(1.0, "evaluated " + std::to_string(n));
    return m;
}

} // namespace zm
