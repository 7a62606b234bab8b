// The classes a person (or a dataset) asks for: names with their semantic vectors. Shared by the
// engine, the CLI and the GUI; no Torch here.
#pragma once
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace zm {

struct ClassSpec {
    std::string name;           ///< display name as typed, e.g. "car; automobile"
    std::vector<float> vector;  ///< semantic vector (L2-normalised by the embedder), dimension of the space
    float bias = 0.0f;          ///< added to this class's calibrated score (per-class threshold slider)
    bool enabled = true;        ///< disabled classes take no pixels
};

struct ClassSet {
    std::vector<ClassSpec> classes;
    int dim() const { return classes.empty() ? 0 : int(classes.front().vector.size()); }
    int size() const { return int(classes.size()); }
};

struct ScoreOptions {
    /// SPNet-C calibration: subtracted from the probability of classes the model saw in training.
    /// NaN = use the gamma stored in the model card.
    float gamma = std::numeric_limits<float>::quiet_NaN();
    /// Pixels whose best (calibrated) score is below this stay void (LabelMap::kVoid). 0 = off.
    float voidThreshold = 0.0f;
    /// Softmax temperature override; NaN = the model's.
    float temperature = std::numeric_limits<float>::quiet_NaN();
    /// Also return the per-class probability planes (at feature resolution) in ScoreResult.
    bool keepProbabilities = false;
};

} // namespace zm
