// The work behind the export, import and statistics dialogs, as plain functions (testable without a
// dialog): export the current document as it is in memory or the whole project, import labels into a
// document or the project (open documents take the import as an undo step), and collect statistics
// where open documents count with their unsaved edits.
#pragma once
#include "core/common/progress.h"
#include "core/io/classtable.h"
#include "core/io/exporter.h"
#include "core/io/statistics.h"

#include <QString>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace zm {
class Project;
}

namespace zm::ui {

class ImageDocument;

/// Looks up the open document of an image key (file name); nullptr when the image is not open.
using DocumentLookup = std::function<ImageDocument*(const std::string& key)>;

/// Writes the document's labels (unsaved edits included) in every chosen format, plus the label map
/// (and class_names.txt / coco.json as the formats need). The preview blends over the document's image.
void exportDocument(const std::filesystem::path& outDir, const ImageDocument& doc, const zm::ClassTable& table,
                    const zm::ExportOptions& options);

/// Labels of one image from a label PNG or COCO file, checked against the document's size and the
/// table's ids (zm::Error naming the file otherwise), applied as one undo step. Returns changed pixels.
std::size_t importIntoDocument(ImageDocument& doc, const std::filesystem::path& file, const zm::ClassTable& table);

/// Imports a folder of label PNGs or a COCO file into every image of the project (zm::importIntoProject),
/// then brings open documents up to date as one undo step each. Save open documents first, so the
/// import merges with their latest state.
zm::ImportSummary importIntoProject(zm::Project& project, const std::filesystem::path& source,
                                    const DocumentLookup& documentFor, zm::Progress& progress);

/// Per-image statistics of the project's images: an open document counts with its current (unsaved)
/// state, other images with their saved annotation; images with neither are left out.
std::vector<zm::LabelStats> collectStats(const zm::Project& project, const DocumentLookup& documentFor,
                                         zm::Progress& progress);

/// Writes <dir>/class_counts.csv and <dir>/edits.csv atomically (the rows of the folder plus "ALL").
void writeStatsCsv(const std::filesystem::path& dir, const std::vector<zm::LabelStats>& perImage,
                   const zm::ClassTable& table);

} // namespace zm::ui
