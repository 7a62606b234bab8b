// Export/import of label files for single images, export folders and projects.
#include "core/io/exporter.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/io/annotation.h"
#include "core/io/cocojson.h"
#include "core/io/image_io.h"
#include "core/io/project.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace zm {

namespace fs = std::filesystem;

const char* formatName(ExportFormat f)
{
    switch (f) {
    case ExportFormat::Voc: return "voc";
    case ExportFormat::Id: return "id";
    case ExportFormat::Coco: return "coco";
    case ExportFormat::Preview: return "preview";
    }
    return "?";
}

ExportFormat parseExportFormat(const std::string& name)
{
    const std::string n = toLowerAscii(trim(name));
    for (ExportFormat f : {ExportFormat::Voc, ExportFormat::Id, ExportFormat::Coco, ExportFormat::Preview})
        if (n == formatName(f))
            return f;
    throw Error("unknown export format \"" + name + "\" (use voc, id, coco or preview)");
}

bool ExportOptions::has(ExportFormat f) const { return std::find(formats.begin(), formats.end(), f) != formats.end(); }

fs::path exportRelPath(ExportFormat f, const std::string& outputName)
{
    return fs::path(formatName(f)) / (outputName + (f == ExportFormat::Coco ? ".json" : ".png"));
}

std::vector<std::string> outputNames(const std::vector<fs::path>& images)
{
    std::map<std::string, int> stems;
    for (const auto& p : images)
        ++stems[p.stem().string()];
    std::vector<std::string> names;
    for (const auto& p : images)
        names.push_back(stems[p.stem().string()] > 1 ? p.filename().string() : p.stem().string());
    return names;
}

void exportImage(const fs::path& outDir, const std::string& outputName, const std::string& imageFileName, int cocoImageId,
                 const LabelMap& labels, const ClassTable& table, const ExportOptions& options, const Image* photo)
{
    for (ExportFormat f : options.formats) {
        const fs::path file = outDir / exportRelPath(f, outputName);
        switch (f) {
        case ExportFormat::Voc: writePalettePng(file, labels, table, options.palette); break;
        case ExportFormat::Id: writeIdPng(file, labels, table); break;
        case ExportFormat::Coco:
            table.checkIds(labels, file.string());
            saveJsonFile(file, cocoImagePart(cocoImageId, imageFileName, labels));
            break;
        case ExportFormat::Preview: saveImage(file, renderPreview(labels, table, photo, options.previewAlpha)); break;
        }
    }
}

void writeExportMetadata(const fs::path& outDir, const ClassTable& table, const ExportOptions& options)
{
    table.save(outDir / "labelmap.json");
    if (options.has(ExportFormat::Voc))
        writeClassList(outDir / "class_names.txt", table);
}

int mergeCocoFolder(const fs::path& outDir)
{
    const fs::path partsDir = outDir / "coco";
    std::error_code ec;
    if (!fs::is_directory(partsDir, ec))
        throw fileError(partsDir.string(), "no per-image COCO files to merge (export with --export coco first)");
    const ClassTable table = ClassTable::load(outDir / "labelmap.json");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(partsDir, ec))
        if (e.is_regular_file() && e.path().extension() == ".json")
            files.push_back(e.path());
    if (files.empty())
        throw fileError(partsDir.string(), "holds no per-image COCO files");
    std::sort(files.begin(), files.end());
    std::vector<Json> parts;
    for (const auto& f : files) {
        Json j = loadJsonFile(f);
        if (!j.contains("image") || !j.contains("annotations"))
            throw fileError(f.string(), "not a per-image COCO part written by ZeroMask");
        parts.push_back(std::move(j));
    }
    // Image ids by file name order: parts written by different shards or runs (images added to the
    // folder since) still get unique, consistent ids.
    std::sort(parts.begin(), parts.end(), [](const Json& a, const Json& b) {
        return naturalLess(a["image"].value("file_name", std::string()), b["image"].value("file_name", std::string()));
    });
    for (std::size_t i = 0; i < parts.size(); ++i) {
        parts[i]["image"]["id"] = int(i) + 1;
        for (auto& a : parts[i]["annotations"])
            a["image_id"] = int(i) + 1;
    }
    saveJsonFile(outDir / "coco.json", cocoMerge(parts, table));
    return int(parts.size());
}

ExportSummary exportProject(const Project& project, const fs::path& outDir, const ExportOptions& options, Progress& progress,
                            const std::vector<std::string>& only)
{
    const auto t0 = std::chrono::steady_clock::now();
    const ClassTable table = project.classes();
    const auto all = project.images();
    const auto allNames = outputNames(all);
    std::vector<fs::path> images;
    std::vector<std::string> names;
    std::vector<int> cocoIds;
    for (const auto& key : only)
        if (std::none_of(all.begin(), all.end(), [&](const fs::path& p) { return Project::keyOf(p) == key; }))
            throw fileError((project.imagesDir() / key).string(), "is not an image of the project");
    for (std::size_t i = 0; i < all.size(); ++i)
        if (only.empty() || std::find(only.begin(), only.end(), Project::keyOf(all[i])) != only.end()) {
            images.push_back(all[i]);
            names.push_back(allNames[i]);
            cocoIds.push_back(int(i) + 1);
        }
    writeExportMetadata(outDir, table, options);
    ExportSummary summary;
    std::vector<Json> parts;
    for (std::size_t i = 0; i < images.size(); ++i) {
        checkCancelled(progress);
        const std::string key = Project::keyOf(images[i]);
        progress.update(double(i) / double(images.size()), key);
        if (!project.hasAnnotation(key)) {
            ++summary.skipped;
            continue;
        }
        const AnnotationState state = project.load(key);
        Image photo;
        if (options.has(ExportFormat::Preview))
            photo = loadImageRgb(images[i]);
        exportImage(outDir, names[i], key, cocoIds[i], state.labels, table, options, photo.empty() ? nullptr : &photo);
        ++summary.images;
    }
    if (options.has(ExportFormat::Coco) && summary.images > 0)
        mergeCocoFolder(outDir);
    progress.update(1.0, "done");
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return summary;
}

LabelMap importLabels(const fs::path& file, const ClassTable& table, const std::string& imageFileName, int width, int height)
{
    const std::string ext = toLowerAscii(file.extension().string());
    if (ext == ".png")
        return readLabelPng(file, table, width, height);
    if (ext == ".json")
        return cocoReadLabels(loadJsonFile(file), file.string(), imageFileName, table, width, height);
    throw fileError(file.string(), "unknown label format (expected a .png label image or a COCO .json file)");
}

namespace {

// The folder that holds <stem>.png label files inside `source` (an export folder or a plain folder).
fs::path labelFolder(const fs::path& source)
{
    std::error_code ec;
    for (const char* sub : {"voc", "id"})
        if (fs::is_directory(source / sub, ec))
            return source / sub;
    return source;
}

} // namespace

ImportSummary importIntoProject(Project& project, const fs::path& source, Progress& progress)
{
    std::error_code ec;
    if (!fs::exists(source, ec))
        throw fileError(source.string(), "not found");
    const bool coco = fs::is_regular_file(source, ec);
    Json cocoJson;
    ClassTable table = project.classes();
    if (coco) {
        cocoJson = loadJsonFile(source);
        if (table.empty())
            table = cocoClassTable(cocoJson, source.string());
    } else if (table.empty()) {
        for (const fs::path& lm : {source / "labelmap.json", labelFolder(source).parent_path() / "labelmap.json"})
            if (fs::is_regular_file(lm, ec)) {
                table = ClassTable::load(lm);
                break;
            }
        if (table.empty())
            throw fileError(source.string(), "no labelmap.json found beside the labels, and the project has no classes");
    }
    const fs::path folder = coco ? fs::path() : labelFolder(source);
    const auto images = project.images();
    const auto names = outputNames(images);
    // Read everything first: a refused file leaves the project untouched.
    std::vector<std::pair<std::string, LabelMap>> loaded;
    ImportSummary summary;
    for (std::size_t i = 0; i < images.size(); ++i) {
        checkCancelled(progress);
        const std::string key = Project::keyOf(images[i]);
        progress.update(0.9 * double(i) / double(images.size()), key);
        fs::path file = coco ? source : folder / (names[i] + ".png");
        if (!coco && !fs::exists(file, ec))
            file = folder / (images[i].stem().string() + ".png");
        if (!coco && !fs::exists(file, ec)) {
            summary.missing.push_back(key);
            continue;
        }
        ImageInfo info;
        loadImageRgb(images[i], &info);
        try {
            LabelMap labels = coco ? cocoReadLabels(cocoJson, source.string(), key, table, info.width, info.height)
                                   : readLabelPng(file, table, info.width, info.height);
            loaded.emplace_back(key, std::move(labels));
        } catch (const Error& e) {
            if (coco && std::string(e.what()).find("has no image named") != std::string::npos) {
                summary.missing.push_back(key);
                continue;
            }
            throw;
        }
    }
    if (project.classes().empty())
        project.setClasses(table);
    for (auto& [key, labels] : loaded) {
        AnnotationState state = project.load(key);
        if (state.empty()) {
            state = stateFromImport(labels);
        } else {
            std::vector<std::uint8_t> mask(labels.ids.size());
            for (std::size_t k = 0; k < mask.size(); ++k)
                mask[k] = labels.ids[k] != LabelMap::kVoid;
            state.checkSize(labels.width, labels.height, key);
            for (std::size_t k = 0; k < mask.size(); ++k)
                if (mask[k]) {
                    state.labels.ids[k] = labels.ids[k];
                    state.confirmed[k] = 1;
                }
        }
        project.save(key, state);
        ++summary.imported;
    }
    progress.update(1.0, "done");
    return summary;
}

} // namespace zm
