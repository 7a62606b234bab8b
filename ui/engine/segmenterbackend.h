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

/// Loads a checkpoint (folder with card.json, or a file); throws zm::Error naming the problem. With
/// `testTimeAugmentation` every image is encoded in the views of zm::kTestTimeAugmentationPreset.
std::shared_ptr<const Backend> loadSegmenterBackend(const std::filesystem::path& model, bool testTimeAugmentation = false);
/// Wraps a loaded segmenter (tests build one in-process).
std::shared_ptr<const Backend> makeSegmenterBackend(std::shared_ptr<const zm::Segmenter> segmenter, int views = 1);
/// Loads a fastText vectors file; throws zm::Error naming the problem.
std::shared_ptr<const zm::ClassEmbedder> loadEmbedder(const std::filesystem::path& vectors);

} // namespace zm::ui
