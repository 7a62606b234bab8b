// The annotation state of one image and the pure functions that change it: people's pixels win.
// Pixels hold stable class ids (ClassTable), so renaming or reordering classes changes no pixel.
#pragma once
#include "core/common/image.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zm {

struct AnnotationState {
    LabelMap labels;                   ///< what is shown and exported
    std::vector<std::uint8_t> confirmed; ///< 1 where a person set the pixel; same size as labels
    LabelMap predicted;                ///< last model prediction (may be empty before the first one)

    bool empty() const { return labels.empty(); }
    int width() const { return labels.width; }
    int height() const { return labels.height; }
    /// Throws zm::Error naming `source` when the parts disagree in size.
    void check(const std::string& source) const;
    /// Throws zm::Error naming `source` when the state is not width x height.
    void checkSize(int width, int height, const std::string& source) const;
    std::size_t confirmedCount() const;
    bool operator==(const AnnotationState& o) const
    {
        return labels == o.labels && confirmed == o.confirmed && predicted == o.predicted;
    }
};

/// A fresh state from a prediction: nothing confirmed.
AnnotationState stateFromPrediction(const LabelMap& predicted);
/// A state from imported labels: every non-void pixel confirmed (a person made them).
AnnotationState stateFromImport(const LabelMap& labels);

/// A new prediction replaces only unconfirmed pixels; confirmed pixels keep their class. An empty
/// state takes the prediction as is. Throws zm::Error when the sizes differ.
AnnotationState mergePrediction(const AnnotationState& state, const LabelMap& newPrediction);

/// Sets pixels (mask != 0) to `id` and marks them confirmed: what a brush or fill does.
AnnotationState paint(const AnnotationState& state, const std::vector<std::uint8_t>& mask, std::uint16_t id);

/// Maps class-set indices (what Segmenter::score returns) to stable ids: idOfIndex[i] is the id of
/// the i-th class scored; kVoid stays kVoid. Throws zm::Error for an index without an id.
LabelMap indicesToIds(const LabelMap& indices, const std::vector<std::uint16_t>& idOfIndex);

/// Replaces ids in labels and predictions (e.g. merging class A into B: {A: B}; deleting: {A: kVoid},
/// which also un-confirms those pixels so the next prediction can fill them).
AnnotationState remapIds(const AnnotationState& state, const std::map<std::uint16_t, std::uint16_t>& mapping);

} // namespace zm
