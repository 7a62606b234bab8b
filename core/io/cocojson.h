// COCO JSON for semantic labels: one annotation per class per image whose segmentation is the
// compressed RLE of the COCO API; categories come from the label map (category id = class id).
// Per-image parts can be written independently (batch shards, resume) and merged into one file.
#pragma once
#include "core/common/image.h"
#include "core/common/json.h"
#include "core/io/classtable.h"

#include <filesystem>
#include <string>
#include <vector>

namespace zm {

/// COCO "categories" from the label map (id, name, supercategory "", plus synonyms and color).
Json cocoCategories(const ClassTable& table);

/// One image's part: {"image": {id, file_name, width, height}, "annotations": [...]} with annotation ids
/// left out (they are assigned when parts are merged). iscrowd is 0 (semantic masks, not crowds).
Json cocoImagePart(int imageId, const std::string& fileName, const LabelMap& labels);

/// A whole COCO file from parts (ordered by image id), annotation ids 1, 2, ... in that order.
Json cocoMerge(const std::vector<Json>& parts, const ClassTable& table);

/// Reads the labels of one image from a COCO file: the image is found by file name (exactly, else by
/// base name); compressed or uncompressed RLE and polygons are accepted. Refuses (zm::Error naming the
/// file) an image whose size differs from width x height (when > 0), categories that are not in the
/// table, and RLE whose size differs from the image. Pixels without annotation are void.
LabelMap cocoReadLabels(const Json& coco, const std::string& source, const std::string& fileName,
                        const ClassTable& table, int width = 0, int height = 0);

/// The label map carried by a COCO file written by ZeroMask (its categories), for import.
ClassTable cocoClassTable(const Json& coco, const std::string& source);

} // namespace zm
