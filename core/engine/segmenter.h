// Segmenter: the API the GUI and the CLI share. encode() is the expensive, once-per-image step;
// score() is the cheap step that reruns whenever classes, thresholds or calibration change.
// No Torch types here (ui/ includes this header): tensors live behind FeatureMap's pimpl.
#pragma once
#include "core/common/image.h"
#include "core/common/progress.h"
#include "core/engine/classset.h"
#include "core/engine/modelcard.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zm {

/// Encoded image: per-pixel features (feature resolution) plus what is needed to map back to the
/// image. Immutable once made; shareable across threads.
class FeatureMap {
public:
    struct Impl;
    explicit FeatureMap(std::unique_ptr<Impl> impl);
    ~FeatureMap();
    int imageWidth() const;
    int imageHeight() const;
    int featureWidth() const;
    int featureHeight() const;
    std::size_t bytes() const; ///< memory held, for the cache's budget
    const Impl& impl() const { return *mImpl; }

private:
    std::unique_ptr<Impl> mImpl;
};
using FeatureMapPtr = std::shared_ptr<const FeatureMap>;

struct ScoreResult {
    LabelMap labels;                ///< at image resolution; indices into the ClassSet; kVoid where void
    std::vector<float> confidence;  ///< winning calibrated score per pixel, image resolution, row-major
    /// When ScoreOptions::keepProbabilities: classes x featureHeight x featureWidth, row-major.
    std::vector<float> probabilities;
    int probWidth = 0, probHeight = 0;
    double milliseconds = 0;        ///< time score() took
};

struct SegmenterOptions {
    std::string device = "auto";          ///< auto | cpu | cuda[:N]
    int tileSize = 1024;                  ///< images larger than this (either side) are encoded in tiles
    int tileOverlap = 64;
    /// Longest side the image is resized to before encoding (0 = native). Labels always come back at
    /// image resolution.
    int maxInputSide = 1024;
    /// When valid, load() refuses a model trained in another vector space.
    VectorSpaceId vectorSpace;
    /// Test-time augmentation: the (resized) input is encoded at each of these scales, and mirrored
    /// too when `flip`; each view's features are resampled onto the scale-1 grid (mirrored back) and
    /// averaged, so score() is as cheap as ever and its logits are the views' mean logits (exactly for
    /// SPNet and the linear generative classifiers). {1} without flip is one plain pass. Scales must be
    /// in [0.25, 4]; encode() costs about the sum of the views' areas (twice that with flip).
    std::vector<double> scales{1.0};
    bool flip = false;
    /// Views encode() averages: each scale, mirrored too when `flip`.
    int views() const { return int(scales.size()) * (flip ? 2 : 1); }
    /// One plain pass (no test-time augmentation).
    bool singleView() const { return !flip && scales == std::vector<double>{1.0}; }
};

/// The test-time augmentation the GUI's "More exact masks" and the docs' figures use: six views.
inline constexpr const char* kTestTimeAugmentationPreset = "flip,0.75,1,1.25";

/// "flip" / "0.75,1,1.25" / "flip,0.75,1,1.25" -> SegmenterOptions::scales (exactly those listed; {1} when
/// none is) and flip. "" is one plain pass. Throws zm::Error naming the bad item.
void parseTestTimeAugmentation(const std::string& text, SegmenterOptions& options);

class Segmenter {
public:
    /// Loads a model (a checkpoint folder or file with its card). Throws zm::Error with a clear
    /// message for a missing/corrupt file or a card that does not fit.
    static std::unique_ptr<Segmenter> load(const std::filesystem::path& model, const SegmenterOptions& options = {});
    virtual ~Segmenter() = default;

    virtual const ModelCard& card() const = 0;
    /// "cpu" or "cuda:0": where encode() and score() run.
    virtual std::string device() const = 0;

    /// Expensive: backbone forward pass. Thread-safe. Progress reports tiles; cancellation throws zm::Cancelled.
    virtual FeatureMapPtr encode(const Image& image, Progress* progress = nullptr) const = 0;

    /// Cheap: projection + class scores + calibration + argmax, up-sampled to image resolution.
    /// Thread-safe. Throws zm::Error when the class vectors' dimension does not match the model's space.
    virtual ScoreResult score(const FeatureMap& features, const ClassSet& classes, const ScoreOptions& options = {}) const = 0;

    /// Mean semantic-space embedding (the projected feature, L2-normalised) of the pixels where
    /// mask != 0 (mask at image resolution). For "suggest a name for this region". Empty if no pixel.
    virtual std::vector<float> regionEmbedding(const FeatureMap& features, const LabelMap& mask, std::uint16_t id) const = 0;

    /// True when `vector` is (cosine >= 0.999) one of the classes seen in training: those get gamma.
    virtual bool isSeen(const std::vector<float>& vector) const = 0;
};

} // namespace zm
