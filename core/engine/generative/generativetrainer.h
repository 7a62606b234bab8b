// Trains a generative zero-shot head on features of a frozen backbone: ZS3Net (GMMN + classifier
// retraining), CaGNet (contextual module + generator + discriminator, alternating schedule) and
// variational mapping, each optionally followed by self-training. Progress, cancellation, resumable
// state and JSON log events as the engine's trainer (internal to core/engine: Torch types).
#pragma once
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/engine/generative/generativemodel.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace zm::generative {

/// One batch of real features from the frozen backbone.
struct FeatureBatch {
    at::Tensor features; ///< [B,D,h,w] float (no gradient needed)
    /// [B,h,w] int64 at feature resolution (nearest-neighbour shrunk): index into the trainer's class
    /// vectors, -1 = ignore. Unseen-class labels are treated as ignore. In an unlabelled batch the labels
    /// are optional: pixels with a label >= 0 are known and never pseudo-labelled, so a labelled
    /// training batch also serves (its void pixels are pseudo-labelled, as in ZS5Net).
    at::Tensor labels;
};

/// Called once per training step. `step` is the global step (use it to pick images so a resumed run
/// sees the same sequence); `labelled` = false asks for unlabelled images (self-training only).
using FeatureSource = std::function<FeatureBatch(std::int64_t step, bool labelled)>;

struct TrainHooks {
    Progress* progress = nullptr;            ///< fraction over all stages; cancel -> zm::Cancelled
    std::function<void(const Json&)> log;    ///< one event object per logged step (JSON-lines log)
    std::filesystem::path stateFile;         ///< resumable state (written atomically); empty = none
    bool resume = false;                     ///< continue from stateFile when it exists
    int logEvery = 10;
    std::string device = "cpu";
};

class GenerativeTrainer {
public:
    /// classVectors [C,E]: every training class (seen and unseen, e.g. the split's classes in label
    /// order); unseen[c] marks those without labels. Throws zm::Error for an inconsistent setup.
    GenerativeTrainer(const GenerativeOptions& options, int featureDim, const at::Tensor& classVectors,
                      const std::vector<bool>& unseen);
    ~GenerativeTrainer();

    /// Runs all stages and returns the model in inference mode. On cancellation the state is saved
    /// (when stateFile is set) and zm::Cancelled is thrown; a later call with resume = true goes on
    /// from the last saved step.
    std::unique_ptr<GenerativeModel> train(const FeatureSource& source, const TrainHooks& hooks);

    std::int64_t totalSteps() const;
    /// Stage names with their step counts and seconds, steps resumed from, last losses: for the card.
    Json summary() const;

private:
    struct State;
    std::unique_ptr<State> mState;
};

} // namespace zm::generative
