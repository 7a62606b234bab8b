// Annotation state: merging predictions under confirmed pixels, painting, id remapping.
#include "core/io/annotation.h"

#include "core/common/error.h"

#include <algorithm>

namespace zm {

namespace {
std::string sizeText(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }
} // namespace

void AnnotationState::check(const std::string& source) const
{
    const std::size_t n = std::size_t(labels.width) * std::size_t(labels.height);
    if (labels.ids.size() != n || confirmed.size() != n)
        throw Error(source + ": annotation parts disagree in size (labels " + sizeText(labels.width, labels.height) +
                    ", " + std::to_string(confirmed.size()) + " confirmed flags)");
    if (!predicted.empty() && (predicted.width != labels.width || predicted.height != labels.height ||
                               predicted.ids.size() != n))
        throw Error(source + ": prediction is " + sizeText(predicted.width, predicted.height) + " but labels are " +
                    sizeText(labels.width, labels.height));
}

void AnnotationState::checkSize(int width, int height, const std::string& source) const
{
    if (labels.width != width || labels.height != height)
        throw Error(source + ": annotation is " + sizeText(labels.width, labels.height) + " but the image is " +
                    sizeText(width, height));
}

std::size_t AnnotationState::confirmedCount() const
{
    return std::size_t(std::count_if(confirmed.begin(), confirmed.end(), [](std::uint8_t c) { return c != 0; }));
}

AnnotationState stateFromPrediction(const LabelMap& predicted)
{
    AnnotationState s;
    s.labels = predicted;
    s.predicted = predicted;
    s.confirmed.assign(predicted.ids.size(), 0);
    return s;
}

AnnotationState stateFromImport(const LabelMap& labels)
{
    AnnotationState s;
    s.labels = labels;
    s.confirmed.resize(labels.ids.size());
    for (std::size_t i = 0; i < labels.ids.size(); ++i)
        s.confirmed[i] = labels.ids[i] != LabelMap::kVoid ? 1 : 0;
    return s;
}

AnnotationState mergePrediction(const AnnotationState& state, const LabelMap& newPrediction)
{
    if (state.empty())
        return stateFromPrediction(newPrediction);
    state.check("annotation");
    if (newPrediction.width != state.width() || newPrediction.height != state.height() ||
        newPrediction.ids.size() != state.labels.ids.size())
        throw Error("prediction is " + sizeText(newPrediction.width, newPrediction.height) + " but the annotation is " +
                    sizeText(state.width(), state.height()));
    AnnotationState out = state;
    out.predicted = newPrediction;
    for (std::size_t i = 0; i < out.labels.ids.size(); ++i)
        if (!out.confirmed[i])
            out.labels.ids[i] = newPrediction.ids[i];
    return out;
}

AnnotationState paint(const AnnotationState& state, const std::vector<std::uint8_t>& mask, std::uint16_t id)
{
    state.check("annotation");
    if (mask.size() != state.labels.ids.size())
        throw Error("paint mask has " + std::to_string(mask.size()) + " pixels but the annotation has " +
                    std::to_string(state.labels.ids.size()));
    AnnotationState out = state;
    for (std::size_t i = 0; i < mask.size(); ++i)
        if (mask[i]) {
            out.labels.ids[i] = id;
            out.confirmed[i] = 1;
        }
    return out;
}

LabelMap indicesToIds(const LabelMap& indices, const std::vector<std::uint16_t>& idOfIndex)
{
    LabelMap out(indices.width, indices.height);
    for (std::size_t i = 0; i < indices.ids.size(); ++i) {
        const std::uint16_t k = indices.ids[i];
        if (k == LabelMap::kVoid)
            continue;
        if (k >= idOfIndex.size())
            throw Error("prediction holds class index " + std::to_string(k) + " but only " +
                        std::to_string(idOfIndex.size()) + " classes were scored");
        out.ids[i] = idOfIndex[k];
    }
    return out;
}

AnnotationState remapIds(const AnnotationState& state, const std::map<std::uint16_t, std::uint16_t>& mapping)
{
    state.check("annotation");
    std::vector<std::uint16_t> table(65536);
    for (std::size_t v = 0; v < table.size(); ++v)
        table[v] = std::uint16_t(v);
    for (const auto& [from, to] : mapping)
        table[from] = to;
    AnnotationState out = state;
    for (std::size_t i = 0; i < out.labels.ids.size(); ++i) {
        const std::uint16_t before = out.labels.ids[i];
        out.labels.ids[i] = table[before];
        if (before != LabelMap::kVoid && out.labels.ids[i] == LabelMap::kVoid)
            out.confirmed[i] = 0;
    }
    for (auto& v : out.predicted.ids)
        v = table[v];
    return out;
}

} // namespace zm
