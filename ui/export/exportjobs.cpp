// Export, import and statistics jobs.
#include "ui/export/exportjobs.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/classedits.h"
#include "ui/edit/editcommands.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/project.h"

#include <QFileInfo>

#include <algorithm>

namespace zm::ui {

void exportDocument(const std::filesystem::path& outDir, const ImageDocument& doc, const zm::ClassTable& table,
                    const zm::ExportOptions& options)
{
    if (!doc.hasLabels())
        throw zm::fileError(doc.path().toStdString(), "nothing to export: the image has no labels yet");
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec)
        throw zm::fileError(outDir.string(), "cannot create the export folder: " + ec.message());
    const std::filesystem::path image = doc.path().toStdString();
    const std::string name = zm::outputNames({image}).front();
    zm::writeExportMetadata(outDir, table, options);
    const zm::Image* photo = doc.image().empty() ? nullptr : &doc.image();
    zm::exportImage(outDir, name, image.filename().string(), 1, doc.labels(), table, options, photo);
    if (options.has(zm::ExportFormat::Coco))
        zm::mergeCocoFolder(outDir);
}

std::size_t importIntoDocument(ImageDocument& doc, const std::filesystem::path& file, const zm::ClassTable& table)
{
    const std::string imageName = QFileInfo(doc.path()).fileName().toStdString();
    const zm::LabelMap labels = zm::importLabels(file, table, imageName, doc.width(), doc.height());
    return importLabels(doc, labels, QString::fromStdString(file.string()));
}

zm::ImportSummary importIntoProject(zm::Project& project, const std::filesystem::path& source,
                                    const DocumentLookup& documentFor, zm::Progress& progress)
{
    const zm::ImportSummary summary = zm::importIntoProject(project, source, progress);
    if (!documentFor)
        return summary;
    for (const auto& image : project.images()) {
        const std::string key = zm::Project::keyOf(image);
        ImageDocument* doc = documentFor(key);
        if (!doc || !doc->hasLabels() || !project.hasAnnotation(key))
            continue;
        const zm::AnnotationState saved = project.load(key);
        if (saved.width() != doc->width() || saved.height() != doc->height())
            continue;
        // One undo step from what the person sees to the imported state; history stays intact.
        LabelDelta delta = LabelDelta::fromState(*doc, doc->bounds(), saved.labels.ids, saved.confirmed);
        if (!delta.isEmpty())
            doc->undoStack()->push(new ImportCommand(doc, std::move(delta)));
    }
    return summary;
}

std::vector<zm::LabelStats> collectStats(const zm::Project& project, const DocumentLookup& documentFor,
                                         zm::Progress& progress)
{
    std::vector<zm::LabelStats> out;
    const auto images = project.images();
    for (std::size_t i = 0; i < images.size(); ++i) {
        zm::checkCancelled(progress);
        const std::string key = zm::Project::keyOf(images[i]);
        progress.update(double(i) / double(std::max<std::size_t>(1, images.size())), key);
        if (ImageDocument* doc = documentFor ? documentFor(key) : nullptr; doc && doc->hasLabels())
            out.push_back(zm::computeStats(key, doc->state()));
        else if (project.hasAnnotation(key))
            out.push_back(zm::computeStats(key, project.load(key)));
    }
    progress.update(1.0, "done");
    return out;
}

void writeStatsCsv(const std::filesystem::path& dir, const std::vector<zm::LabelStats>& perImage,
                   const zm::ClassTable& table)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw zm::fileError(dir.string(), "cannot create the folder: " + ec.message());
    zm::writeFileAtomic(dir / "class_counts.csv", zm::classCountsCsv(perImage, table));
    zm::writeFileAtomic(dir / "edits.csv", zm::editsCsv(perImage));
}

} // namespace zm::ui
