// Headless batch prediction over a folder: exports every image of a shard, resumes after an
// interruption (an image counts as finished only once all its outputs are written and its completion
// marker is written atomically after them), and splits a folder exactly across N shards (image k of
// the sorted folder belongs to shard k mod N), so N machines or array jobs can share one output folder.
// The predictor is a plain function so the runner is testable without a model.
#pragma once
#include "core/common/image.h"
#include "core/common/progress.h"
#include "core/io/classtable.h"
#include "core/io/exporter.h"

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace zm {

struct BatchOptions {
    std::filesystem::path inputDir;
    std::filesystem::path outDir;
    ExportOptions exports;
    int shardIndex = 0; ///< 0-based
    int shardCount = 1;
    bool resume = true;     ///< skip images whose outputs are complete
    bool overwrite = false; ///< redo everything, even results of another run
    /// What makes results differ (classes, model, thresholds): resuming into a folder written with
    /// another signature is refused unless overwrite.
    std::string signature;
};

struct BatchSummary {
    int folderImages = 0; ///< images in the whole folder
    int shardImages = 0;  ///< images in this shard
    int processed = 0;
    int skipped = 0;      ///< already finished (resume)
    std::vector<std::pair<std::string, std::string>> failed; ///< image, message
    double seconds = 0;
    bool cocoMerged = false; ///< coco.json written (every image of the folder is finished)
    double imagesPerSecond() const { return seconds > 0 ? processed / seconds : 0.0; }
};

/// Predicts one image file of a batch: class ids (of the ClassTable) per pixel at the image's size.
/// (Not to be confused with zm::SamplePredictor of core/eval, which predicts a data-set sample.)
using FilePredictor = std::function<LabelMap(const Image& image, const std::filesystem::path& file)>;

/// Parses "i/N" (0 <= i < N); throws zm::Error naming the value otherwise.
std::pair<int, int> parseShard(const std::string& text);
/// Positions (in the sorted folder) that belong to shard i of N.
std::vector<std::size_t> shardPositions(std::size_t count, int index, int shardCount);

/// Runs the batch. A failing image (unreadable, wrong prediction size) is recorded and skipped;
/// cancellation throws zm::Cancelled after the current image.
BatchSummary runBatch(const BatchOptions& options, const ClassTable& table, const FilePredictor& predict, Progress& progress);

} // namespace zm
