// Training of the projection family (SPNet, SPNet-C calibration, transductive loss) with progress,
// cancellation, a JSON-lines log and resumable checkpoints. Torch-free header: the CLI and the GUI
// call it directly. Other methods (zs3, cagnet, vm, self-training) plug in as post-training hooks
// (core/engine/trainhooks.h) that receive the trained backbone.
#pragma once
#include "core/common/dataset.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/common/vectorspace.h"
#include "core/engine/modelcard.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zm {

struct TrainerOptions {
    std::string method = "spnet";     ///< spnet, or a method with a registered post-training hook
    bool selfTrain = false;           ///< passed to the hook (generative methods' self-training)
    /// Backbone preset (small, mobile, resnet50, resnet101) or a TorchScript encoder file (.pt).
    std::string backbone = "small";
    Json backboneOverrides = Json::object(); ///< fields of BackboneOptions that override the preset
    double logitScale = 10.0;         ///< logits = scale * cos(feature, class vector)
    bool cosine = true;

    int iterations = 1500;
    int batchSize = 8;
    int cropSize = 192;
    std::string optimizer = "adamw";  ///< adamw | sgd
    double learningRate = 2e-3;       ///< adamw default; use ~0.01 with sgd
    double weightDecay = 1e-4;
    double momentum = 0.9;            ///< sgd only
    /// The encoder's learning rate as a fraction of the base rate: 1 trains it like the rest, 0.1 fine-tunes
    /// a pretrained encoder gently, 0 freezes it (its weights do not change and get no gradients).
    double backboneLrScale = 1.0;
    /// Batch norm inside the encoder while training: "frozen" keeps its running statistics and normalises
    /// with them (the encoder runs in eval mode, as a frozen pretrained trunk should: ImageNet statistics,
    /// not those of small batches of training crops); "train" updates them from each batch; "auto" is
    /// frozen when backboneLrScale is 0 and train otherwise.
    std::string encoderBatchNorm = "auto";
    double polyPower = 0.9;           ///< lr = base * (1 - it/iterations)^power (DeepLab's poly)
    double minScale = 0.5, maxScale = 1.25; ///< random rescale range
    bool flip = true;
    /// Photometric jitter per training crop (0 = off): brightness and contrast factors uniform in
    /// [1 - 0.4 s, 1 + 0.4 s], saturation in [1 - 0.5 s, 1 + 0.5 s] (adjustColour), before normalisation.
    /// Hue is never changed: colour tells apart classes such as orange and apple.
    double colorJitter = 0.0;

    bool transductive = false;        ///< Liu et al.'s unbiased loss on unlabelled images
    double lambda = 0.5;              ///< its weight
    /// Only target pixels whose largest seen-class probability is below this take part (1 = every
    /// pixel, Liu et al.'s loss as published). See docs/ENGINE.md on why FashionScenes needs < 1.
    double transductiveThreshold = 1.0;
    /// Fraction of the iterations trained without the target loss first (0 = from the start).
    double transductiveWarmup = 0.0;

    /// SPNet-C: hold out images, train the first `calibrationFraction` of the iterations with the
    /// split's seen-val classes hidden, pick the gamma that maximises hIoU(seen, seen-val) on the
    /// held-out images, then train on all seen classes for the rest.
    bool calibrate = true;
    int calibrationImages = 200;
    double calibrationFraction = 0.7;
    float gamma = 0.0f;               ///< used when calibration is off (or no seen-val classes)

    std::uint64_t seed = 1;
    std::string device = "auto";
    int logEvery = 10;                ///< iterations between log lines
    int saveEvery = 250;              ///< iterations between checkpoints (always at the end and on cancel)
    std::size_t cacheBytes = std::size_t(2) << 30; ///< decoded samples kept in memory
    std::filesystem::path outDir;     ///< model folder (card.json, weights.pt, state.*)
    std::filesystem::path logFile;    ///< JSON lines; empty = <outDir>/log.jsonl
    bool resume = false;
    std::string modelName;
};

struct TrainingData {
    const Dataset* labelled = nullptr;     ///< training images with labels (dataset class ids)
    ZeroShotSplit split;
    /// One L2-normalised vector per class of `labelled->classNames()`, same order.
    std::vector<std::vector<float>> classVectors;
    VectorSpaceId space;
    const Dataset* unlabelled = nullptr;   ///< target images for the transductive loss (labels ignored)
    Json description = Json::object();     ///< data folder, format, split name: recorded in the card
};

struct TrainingResult {
    ModelCard card;
    int iterations = 0;
    double seconds = 0;
};

/// Trains and writes the model folder. Throws zm::Error for bad data/options, zm::Cancelled when
/// progress asks to stop (after saving a resumable checkpoint).
TrainingResult trainModel(const TrainingData& data, const TrainerOptions& options, Progress& progress);

/// Methods the trainer accepts ("spnet" plus registered hooks), for help texts and error messages.
std::vector<std::string> trainableMethods();

} // namespace zm
