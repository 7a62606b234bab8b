// SegmenterBackend: the GUI's Backend over the real engine (zm::Segmenter), and the loaders for a
// model folder and a vectors file that turn every failure into a zm::Error message.
#pragma once
#include "ui/engine/backend.h"

#include <filesystem>
#include <memory>

namespace zm {
class ClassEmbedder;
class Segmenter;
}

namespace zm::ui {

struct BackendLoadOptions {
    /// Every image is encoded in the views of zm::kTestTimeAugmentationPreset.
    bool testTimeAugmentation = false;
    /// ConSE over this per-cell classifier (its labels beside it, <classifier>.labels.json), scope
    /// "objects", the labels embedded with `embedder` (which must be the model's space); empty: none.
    std::filesystem::path conseClassifier;
    std::shared_ptr<const zm::ClassEmbedder> embedder;
};

/// Loads a checkpoint (folder with card.json, or a file); throws zm::Error naming the problem (a model,
/// classifier or labels file).
std::shared_ptr<const Backend> loadSegmenterBackend(const std::filesystem::path& model, const BackendLoadOptions& options = {});
/// Wraps a loaded segmenter (tests build one in-process).
std::shared_ptr<const Backend> makeSegmenterBackend(std::shared_ptr<const zm::Segmenter> segmenter, int views = 1, bool conse = false);
/// Where `fetch-backbones` puts the ImageNet classifier ConSE reads (<cache>/backbones/efficientnet-b0-classifier.pt),
/// whether or not it is there.
std::filesystem::path defaultConseClassifier();
/// Loads a fastText vectors file; throws zm::Error naming the problem.
std::shared_ptr<const zm::ClassEmbedder> loadEmbedder(const std::filesystem::path& vectors);

} // namespace zm::ui
