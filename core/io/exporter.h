// Export and import of labels in every format, shared by the GUI and the CLI: per image or for a whole
// project, with progress. Layout of an export folder:
//   labelmap.json              the label map (always written)
//   class_names.txt            VOC class list (with voc)
//   voc/<name>.png             8-bit palette PNG, 255 = void
//   id/<name>.png              grey id PNG (8-bit, 16-bit beyond 255 classes)
//   coco/<name>.json           per-image COCO part; coco.json merges them
//   preview/<name>.png         coloured preview over the photo
// <name> is the image's file stem (the whole file name when two images share a stem).
#pragma once
#include "core/common/image.h"
#include "core/common/progress.h"
#include "core/io/classtable.h"
#include "core/io/labelpng.h"

#include <filesystem>
#include <string>
#include <vector>

namespace zm {

class Project;

enum class ExportFormat { Voc, Id, Coco, Preview };

const char* formatName(ExportFormat f);
/// "voc" | "id" | "coco" | "preview"; throws zm::Error naming the value otherwise.
ExportFormat parseExportFormat(const std::string& name);

struct ExportOptions {
    std::vector<ExportFormat> formats{ExportFormat::Voc};
    PaletteKind palette = PaletteKind::Voc;
    double previewAlpha = 0.5;
    bool has(ExportFormat f) const;
};

/// "voc/<name>.png", "coco/<name>.json", ...
std::filesystem::path exportRelPath(ExportFormat f, const std::string& outputName);

/// Output names for a folder's images: the stem, or the file name where two images share a stem.
std::vector<std::string> outputNames(const std::vector<std::filesystem::path>& images);

/// Writes one image's files (atomically, each). `photo` (same size) makes the preview a blend.
void exportImage(const std::filesystem::path& outDir, const std::string& outputName, const std::string& imageFileName,
                 int cocoImageId, const LabelMap& labels, const ClassTable& table, const ExportOptions& options,
                 const Image* photo = nullptr);

/// labelmap.json, and class_names.txt when VOC is exported.
void writeExportMetadata(const std::filesystem::path& outDir, const ClassTable& table, const ExportOptions& options);

/// Merges outDir/coco/*.json into outDir/coco.json with the label map of outDir/labelmap.json.
/// Returns the number of images. Throws zm::Error when there is nothing to merge.
int mergeCocoFolder(const std::filesystem::path& outDir);

struct ExportSummary {
    int images = 0;   ///< images exported
    int skipped = 0;  ///< images without annotation
    double seconds = 0;
};

/// Exports every image of a project that has a saved annotation, or only the images (file names) in
/// `only` when it is not empty (an unknown name is refused).
ExportSummary exportProject(const Project& project, const std::filesystem::path& outDir, const ExportOptions& options,
                            Progress& progress, const std::vector<std::string>& only = {});

/// Labels of one image from a palette/id PNG (.png) or a COCO file (.json). Refuses a size other than
/// width x height and ids/categories not in the table, naming the file.
LabelMap importLabels(const std::filesystem::path& file, const ClassTable& table, const std::string& imageFileName,
                      int width, int height);

struct ImportSummary {
    int imported = 0;
    std::vector<std::string> missing; ///< images with no labels in the source
};

/// Imports labels for every image of the project from a folder of label PNGs (<stem>.png, or any
/// subfolder voc/ or id/ of an export) or a COCO file. Imported pixels become confirmed; existing
/// confirmed pixels elsewhere are kept. When the project has no classes yet it takes the source's
/// label map (labelmap.json beside the labels, or the COCO categories).
ImportSummary importIntoProject(Project& project, const std::filesystem::path& source, Progress& progress);

} // namespace zm
