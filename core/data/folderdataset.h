// Readers for data sets stored as files: the generic folder layout (which FashionScenes also uses) and
// the base every benchmark reader builds on (a list of image/label file pairs + class names).
//
// Generic layout:
//   classes.txt               one class name per line; id = line number from 0 (background first if any)
//   images/<subset>/*.png|jpg  the images
//   labels/<subset>/<stem>.png 8-bit grey ids (255 = ignore) or a palette PNG (indices are the ids)
//   splits/<subset>.txt        optional: the stems to use, in order (else every image, natural order)
// With an empty subset, images/ and labels/ hold the files directly.
#pragma once
#include "core/common/dataset.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace zm {

/// Reads a class list: one name per line, trimmed; blank lines at the end ignored; a blank or duplicate
/// name elsewhere is an error naming the line.
std::vector<std::string> readClassList(const std::filesystem::path& path);

/// A data set given as explicit (image, label) file pairs. Labels are read with readLabelIds; a
/// per-reader remap turns file values into class ids (e.g. COCO-Stuff 182 -> 171).
class FileListDataset : public Dataset {
public:
    struct Entry {
        std::string id;
        std::filesystem::path image;
        std::filesystem::path label; ///< empty: unlabelled
    };
    /// file value -> class id (-1 or kVoid: ignore). Empty: identity.
    using Remap = std::vector<int>;

    FileListDataset(std::string name, std::vector<std::string> classNames, std::vector<Entry> entries,
                    Remap remap = {}, int voidValue = 255);

    std::string name() const override { return mName; }
    int size() const override { return int(mEntries.size()); }
    Sample get(int index) const override;
    const std::vector<std::string>& classNames() const override { return mClassNames; }

    const Entry& entry(int index) const { return mEntries.at(std::size_t(index)); }
    /// Reads only the labels (no image decoding): statistics, `dataset info`.
    LabelMap labels(int index) const;
    bool hasLabels(int index) const { return !entry(index).label.empty(); }

private:
    std::string mName;
    std::vector<std::string> mClassNames;
    std::vector<Entry> mEntries;
    Remap mRemap;
    int mVoidValue;
};

/// The generic folder layout (see the top of this file). `requireLabels`: a missing label file is an
/// error; otherwise such images are unlabelled samples (transductive targets).
class FolderDataset : public FileListDataset {
public:
    FolderDataset(const std::filesystem::path& root, const std::string& subset, bool requireLabels = true);
    static std::vector<Entry> scan(const std::filesystem::path& root, const std::string& subset, bool requireLabels);
};

/// The subsets (folders under images/) of a generic data set, sorted.
std::vector<std::string> folderSubsets(const std::filesystem::path& root);

} // namespace zm
