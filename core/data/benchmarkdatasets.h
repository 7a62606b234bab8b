// Readers for the standard benchmarks in their usual on-disk layouts, and a factory that opens any
// supported format by name (what `zeromask-cli train/eval --format` use).
//
//   voc          VOC2012/ (or VOCdevkit/VOC2012/): JPEGImages/<id>.jpg, SegmentationClass/<id>.png
//                (palette PNG, indices 0..20, 255 border = ignore), ImageSets/Segmentation/<subset>.txt;
//                subsets ending in "_aug" (train_aug, trainval_aug: SBD-augmented, 10,582 images) read
//                ImageSets/SegmentationAug/<subset>.txt and SegmentationClassAug/<id>.png (grey ids).
//   context      VOC2010/ (or VOCdevkit/VOC2010/): JPEGImages/, SegmentationClassContext/<id>.png
//                (59 classes + 0 = background, 255 = ignore; the Detail-API conversion most code uses),
//                ImageSets/SegmentationContext/<subset>.txt.
//   cocostuff    images/<subset>/*.jpg and annotations/<subset>/<stem>.png (or stuffthingmaps_trainval2017/
//                <subset>/), values 0..181 = COCO id - 1, 255 = unlabelled; subsets train2017, val2017.
//   cocostuff171 the same files read into the 171 used classes (ZegFormer/ZegCLIP numbering).
//   generic, fashionscenes, stampscenes  the generic folder layout (folderdataset.h).
#pragma once
#include "core/common/dataset.h"
#include "core/data/folderdataset.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zm {

class VocDataset : public FileListDataset {
public:
    VocDataset(const std::filesystem::path& root, const std::string& subset);
};

class ContextDataset : public FileListDataset {
public:
    ContextDataset(const std::filesystem::path& root, const std::string& subset);
};

class CocoStuffDataset : public FileListDataset {
public:
    CocoStuffDataset(const std::filesystem::path& root, const std::string& subset, bool classes171 = false);
};

/// "generic", "fashionscenes", "stampscenes", "voc", "context", "cocostuff", "cocostuff171".
const std::vector<std::string>& datasetFormats();

/// Guesses the format of a folder (dataset.json / classes.txt / JPEGImages / annotations); zm::Error if
/// nothing matches.
std::string detectDatasetFormat(const std::filesystem::path& root);

/// Opens a data set; format "auto" detects it. Unknown format or subset: zm::Error naming the choices.
std::shared_ptr<Dataset> openDataset(const std::string& format, const std::filesystem::path& root,
                                     const std::string& subset, bool requireLabels = true);

/// The usual subset names of a format: training, test, unlabelled (transductive; empty when the format has
/// none). VOC gives train_aug when the SBD lists exist, else train.
struct StandardSubsets {
    std::string train, test, unlabelled;
};
StandardSubsets standardSubsets(const std::string& format, const std::filesystem::path& root);

} // namespace zm
