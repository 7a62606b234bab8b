// `zeromask-cli export`, `export merge-coco`, `import` and `stats`: label files of a project (or of a
// batch output folder) in and out, and pixel statistics as CSV.
#include "app/cli/command.h"
#include "app/cli/interrupt.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/progress.h"
#include "core/common/strings.h"
#include "core/io/exporter.h"
#include "core/io/labelpng.h"
#include "core/io/image_io.h"
#include "core/io/project.h"
#include "core/io/statistics.h"

#include <iostream>

namespace {

namespace fs = std::filesystem;

// A project folder, or a folder of images with its project in the default place.
std::unique_ptr<zm::Project> openProject(const fs::path& path)
{
    if (zm::Project::exists(path))
        return zm::Project::open(path);
    if (zm::Project::exists(zm::Project::defaultFolder(path)))
        return zm::Project::open(zm::Project::defaultFolder(path));
    throw zm::fileError(path.string(), "is neither a ZeroMask project nor a folder of images with one (" +
                                           std::string(zm::Project::kDefaultFolderName) + "/)");
}

zm::ExportOptions exportOptions(const std::vector<std::string>& formats, const std::string& palette)
{
    zm::ExportOptions o;
    o.formats.clear();
    for (const auto& f : formats)
        for (const auto& part : zm::split(f, ','))
            if (!o.has(zm::parseExportFormat(part)))
                o.formats.push_back(zm::parseExportFormat(part));
    if (o.formats.empty())
        o.formats = {zm::ExportFormat::Voc};
    if (palette == "project")
        o.palette = zm::PaletteKind::Project;
    else if (palette != "voc")
        throw zm::Error("--palette \"" + palette + "\": use voc or project");
    return o;
}

struct ExportOpts {
    std::string project, out, palette = "voc", mergeDir;
    std::vector<std::string> formats, images;
};

zm::cli::Registrar regExport(60, [](CLI::App& app) {
    auto o = std::make_shared<ExportOpts>();
    auto* cmd = app.add_subcommand("export", "Export a project's labels (VOC palette PNG, id PNG, COCO JSON, preview)");
    cmd->add_option("project", o->project, "Project folder, or the images folder holding zeromask-project/");
    cmd->add_option("--export,--format", o->formats, "voc | id | coco | preview (repeatable; default voc)");
    cmd->add_option("--out", o->out, "Output folder");
    cmd->add_option("--palette", o->palette, "Palette of VOC PNGs: voc (default) or project (the class colours)");
    cmd->add_option("--image", o->images, "Export only this image (file name; repeatable)");
    auto* merge = cmd->add_subcommand("merge-coco", "Merge OUT/coco/*.json (per-image parts, e.g. from sharded "
                                                    "'predict' runs) into OUT/coco.json");
    merge->add_option("out", o->mergeDir, "The output folder of 'predict' or 'export'")->required();
    merge->callback([o] {
        const int n = zm::mergeCocoFolder(o->mergeDir);
        std::cout << "merged " << n << " images into " << (fs::path(o->mergeDir) / "coco.json").string() << "\n";
    });
    cmd->callback([o, merge] {
        if (merge->parsed())
            return;
        if (o->project.empty() || o->out.empty())
            throw zm::Error("export needs a project and --out (or: export merge-coco OUT)");
        const auto project = openProject(o->project);
        const auto options = exportOptions(o->formats, o->palette);
        zm::cli::CommandProgress progress("export");
        const auto s = zm::exportProject(*project, o->out, options, progress, o->images);
        progress.finish();
        std::cout << "exported " << s.images << " images (" << s.skipped << " without labels) to " << o->out << " in "
                  << zm::fmt(s.seconds, 1) << " s\n";
    });
});

struct ImportOpts {
    std::string project, from, images;
};

zm::cli::Registrar regImport(61, [](CLI::App& app) {
    auto o = std::make_shared<ImportOpts>();
    auto* cmd = app.add_subcommand("import", "Import labels (a folder of VOC/id PNGs, an export folder, or a COCO "
                                             "JSON) into a project to continue work on them");
    cmd->add_option("project", o->project, "Project folder, or the images folder (its project is created if needed)")
        ->required();
    cmd->add_option("--from", o->from, "Label folder (with labelmap.json) or COCO .json file")->required();
    cmd->callback([o] {
        std::unique_ptr<zm::Project> project;
        const fs::path p = o->project;
        if (zm::Project::exists(p) || zm::Project::exists(zm::Project::defaultFolder(p)))
            project = openProject(p);
        else
            project = zm::Project::openOrCreate(zm::Project::defaultFolder(p), p);
        zm::cli::CommandProgress progress("import");
        const auto s = zm::importIntoProject(*project, o->from, progress);
        progress.finish();
        std::cout << "imported labels of " << s.imported << " images into " << project->folder().string() << "\n";
        if (!s.missing.empty())
            std::cout << s.missing.size() << " images have no labels in " << o->from << " (first: " << s.missing.front()
                      << ")\n";
    });
});

struct StatsOpts {
    std::string path, csv, editsCsv, labelmap;
};

zm::cli::Registrar regStats(62, [](CLI::App& app) {
    auto o = std::make_shared<StatsOpts>();
    auto* cmd = app.add_subcommand("stats", "Pixel counts per class per image and for the folder, and the share of "
                                            "the prediction people changed");
    cmd->add_option("path", o->path, "Project (or images folder with one), or an export/predict output folder")->required();
    cmd->add_option("--csv", o->csv, "Write per-class pixel counts as CSV (image,class_id,class_name,pixels,share)");
    cmd->add_option("--edits-csv", o->editsCsv, "Write per-image edit shares as CSV (projects only)");
    cmd->callback([o] {
        std::vector<zm::LabelStats> stats;
        zm::ClassTable table;
        bool edits = false;
        const fs::path path = o->path;
        std::error_code ec;
        if (zm::Project::exists(path) || zm::Project::exists(zm::Project::defaultFolder(path))) {
            const auto project = openProject(path);
            table = project->classes();
            for (const auto& key : project->annotated())
                stats.push_back(zm::computeStats(key, project->load(key)));
            edits = true;
        } else if (fs::is_regular_file(path / "labelmap.json", ec)) {
            table = zm::ClassTable::load(path / "labelmap.json");
            fs::path dir;
            for (const char* sub : {"id", "voc"})
                if (dir.empty() && fs::is_directory(path / sub, ec))
                    dir = path / sub;
            if (dir.empty())
                throw zm::fileError(path.string(), "has no id/ or voc/ label folder");
            std::vector<fs::path> files;
            for (const auto& e : fs::directory_iterator(dir, ec))
                if (e.path().extension() == ".png")
                    files.push_back(e.path());
            std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
                return zm::naturalLess(a.filename().string(), b.filename().string());
            });
            for (const auto& f : files)
                stats.push_back(zm::computeStats(f.filename().string(), zm::readLabelPng(f, table)));
        } else {
            throw zm::fileError(path.string(), "is neither a project nor an export folder (no labelmap.json)");
        }
        if (stats.empty())
            throw zm::fileError(path.string(), "holds no labelled images");
        const zm::LabelStats all = zm::totalStats(stats);
        std::cout << "images: " << stats.size() << ", pixels: " << all.pixels << "\n";
        for (const auto& [id, n] : all.counts) {
            const zm::ClassEntry* e = table.find(id);
            const std::string name = id == zm::LabelMap::kVoid ? "(void)" : (e ? e->name : "(unknown id " + std::to_string(id) + ")");
            std::cout << "  " << name << ": " << n << " px (" << zm::fmt(100.0 * double(n) / double(all.pixels), 2)
                      << " %)\n";
        }
        if (edits)
            std::cout << "confirmed by people: " << all.confirmed << " px; changed against the prediction: " << all.changed
                      << " px (" << zm::fmt(100.0 * all.changedShare(), 2) << " % of all pixels)\n";
        if (!o->csv.empty()) {
            zm::writeFileAtomic(o->csv, zm::classCountsCsv(stats, table));
            std::cout << "wrote " << o->csv << "\n";
        }
        if (!o->editsCsv.empty()) {
            if (!edits)
                throw zm::Error("--edits-csv needs a project (an export folder has no prediction to compare with)");
            zm::writeFileAtomic(o->editsCsv, zm::editsCsv(stats));
            std::cout << "wrote " << o->editsCsv << "\n";
        }
    });
});

} // namespace
