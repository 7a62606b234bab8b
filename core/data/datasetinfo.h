// Statistics of a data set for `zeromask-cli dataset info`: image counts and class pixel shares.
#pragma once
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/data/folderdataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zm {

struct DatasetStats {
    std::string name;
    int images = 0;
    int labelled = 0;
    std::uint64_t pixels = 0;       ///< labelled pixels (ignore excluded)
    std::uint64_t ignored = 0;      ///< ignore pixels
    std::vector<std::uint64_t> classPixels; ///< per class id
    std::vector<int> classImages;          ///< images in which the class appears
};

/// Reads every label map (not the images) of a file-based data set. Cancellable.
DatasetStats computeDatasetStats(const FileListDataset& data, Progress& progress);

Json statsToJson(const DatasetStats& stats, const std::vector<std::string>& classNames);
std::string statsTable(const DatasetStats& stats, const std::vector<std::string>& classNames);

} // namespace zm
