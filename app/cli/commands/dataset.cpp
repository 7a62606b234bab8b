// `zeromask-cli dataset ...`: generate the FashionScenes and StampScenes benchmarks, describe a data set
// folder, list the zero-shot split presets.
#include "app/cli/command.h"
#include "app/cli/interrupt.h"

#include "core/common/error.h"
#include "core/common/progress.h"
#include "core/common/strings.h"
#include "core/data/benchmarkdatasets.h"
#include "core/data/datasetinfo.h"
#include "core/data/fashionscenes.h"
#include "core/data/splitpresets.h"
#include "core/data/stampscenes.h"
#include "core/common/json.h"

#include <chrono>
#include <filesystem>

#include <iostream>

namespace {

void addFashionScenes(CLI::App& parent)
{
    auto* cmd = parent.add_subcommand("fashionscenes",
                                      "Generate the FashionScenes synthetic zero-shot benchmark (Fashion-MNIST items "
                                      "pasted on photos from Debian packages)");
    auto opts = std::make_shared<zm::FashionScenesOptions>();
    auto out = std::make_shared<std::string>();
    auto backgrounds = std::make_shared<std::vector<std::string>>();
    auto fmnist = std::make_shared<std::string>();
    auto noSystem = std::make_shared<bool>(false);
    cmd->add_option("--out", *out, "Output folder (new, empty, or an earlier FashionScenes folder)")->required();
    cmd->add_option("--seed", opts->seed, "Random seed; same seed and options give identical files")
        ->capture_default_str();
    cmd->add_option("--train", opts->trainScenes, "Training scenes")->capture_default_str();
    cmd->add_option("--test", opts->testScenes, "Test scenes")->capture_default_str();
    cmd->add_option("--unlabelled", opts->unlabelledScenes,
                    "Unlabelled scenes for transductive training (Fashion-MNIST training items)")
        ->capture_default_str();
    cmd->add_option("--size", opts->size, "Scene side in pixels")->capture_default_str();
    cmd->add_option("--min-items", opts->minItems, "Fewest items per scene")->capture_default_str();
    cmd->add_option("--max-items", opts->maxItems, "Most items per scene")->capture_default_str();
    cmd->add_option("--min-item-size", opts->minItemSize, "Smallest item box (px)")->capture_default_str();
    cmd->add_option("--max-item-size", opts->maxItemSize, "Largest item box (px)")->capture_default_str();
    cmd->add_option("--rotation", opts->maxRotationDeg, "Largest rotation (degrees, either way)")->capture_default_str();
    cmd->add_option("--threads", opts->threads, "Worker threads")->capture_default_str();
    cmd->add_option("--fashion-mnist", *fmnist, "Folder of the Fashion-MNIST IDX files (default: Debian's)");
    cmd->add_option("--backgrounds", *backgrounds, "Extra folder(s) of background photos");
    cmd->add_flag("--no-system-backgrounds", *noSystem, "Use only the --backgrounds folders");
    cmd->callback([=] {
        zm::FashionScenesOptions o = *opts;
        o.fashionMnistDir = *fmnist;
        for (const auto& b : *backgrounds)
            o.backgroundDirs.emplace_back(b);
        o.systemBackgrounds = !*noSystem;
        const auto start = std::chrono::steady_clock::now();
        zm::FashionScenesGenerator gen(o);
        // Ctrl-C / SIGTERM stop generation cleanly (exit 130) instead of leaving a half-written file.
        zm::cli::CommandProgress progress("fashionscenes");
        const zm::Json info = gen.write(*out, progress);
        progress.finish();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::cout << "wrote " << *out << ": " << info["scenes"].dump() << " scenes of " << o.size << "x" << o.size
                  << " in " << zm::fmt(secs, 1) << " s (seed " << o.seed << ")\n"
                  << "presets: fashion-unseen-2, fashion-unseen-4; e.g. zeromask-cli train --data " << *out
                  << " --split fashion-unseen-4 --out MODEL_DIR\n";
    });
}

void addStampScenes(CLI::App& parent)
{
    auto* cmd = parent.add_subcommand("stampscenes",
                                      "Generate the StampScenes real-object zero-shot benchmark (Tux Paint photo stamps "
                                      "pasted on photos from Debian packages)");
    auto opts = std::make_shared<zm::StampScenesOptions>();
    auto out = std::make_shared<std::string>();
    auto backgrounds = std::make_shared<std::vector<std::string>>();
    auto stamps = std::make_shared<std::string>();
    auto table = std::make_shared<std::string>();
    auto noSystem = std::make_shared<bool>(false);
    auto noWallpapers = std::make_shared<bool>(false);
    cmd->add_option("--out", *out, "Output folder (new, empty, or an earlier StampScenes folder)")->required();
    cmd->add_option("--seed", opts->seed, "Random seed; same seed and options give identical files")
        ->capture_default_str();
    cmd->add_option("--train", opts->trainScenes, "Training scenes")->capture_default_str();
    cmd->add_option("--test", opts->testScenes, "Test scenes")->capture_default_str();
    cmd->add_option("--unlabelled", opts->unlabelledScenes, "Unlabelled scenes for transductive training")
        ->capture_default_str();
    cmd->add_option("--size", opts->size, "Scene side in pixels")->capture_default_str();
    cmd->add_option("--min-items", opts->minItems, "Fewest stamps per scene")->capture_default_str();
    cmd->add_option("--max-items", opts->maxItems, "Most stamps per scene")->capture_default_str();
    cmd->add_option("--min-item-size", opts->minItemSize, "Shortest longer side of a pasted stamp (px)")
        ->capture_default_str();
    cmd->add_option("--max-item-size", opts->maxItemSize, "Longest longer side of a pasted stamp (px)")
        ->capture_default_str();
    cmd->add_option("--max-upscale", opts->maxUpscale, "Largest enlargement of a stamp")->capture_default_str();
    cmd->add_option("--threads", opts->threads, "Worker threads")->capture_default_str();
    cmd->add_option("--stamps", *stamps,
                    "Tux Paint stamps folder (default: /usr/share/tuxpaint/stamps from tuxpaint-stamps-default)");
    cmd->add_option("--table", *table, "Class -> stamp table (TSV: class, train|test|both, path; default: built in)");
    cmd->add_option("--backgrounds", *backgrounds, "Extra folder(s) of background photos");
    cmd->add_flag("--no-system-backgrounds", *noSystem, "Use only the --backgrounds folders");
    cmd->add_flag("--no-wallpapers", *noWallpapers,
                  "Leave out the wallpaper photos (plasma-workspace-wallpapers, mate-backgrounds) that generator "
                  "version 2 adds");
    cmd->callback([=] {
        zm::StampScenesOptions o = *opts;
        o.stampsDir = *stamps;
        o.tableFile = *table;
        for (const auto& b : *backgrounds)
            o.backgroundDirs.emplace_back(b);
        o.systemBackgrounds = !*noSystem;
        o.wallpaperBackgrounds = !*noWallpapers;
        const auto start = std::chrono::steady_clock::now();
        zm::StampScenesGenerator gen(o);
        // Ctrl-C / SIGTERM stop generation cleanly (exit 130); rerunning into the folder finishes the job.
        zm::cli::CommandProgress progress("stampscenes");
        const zm::Json info = gen.write(*out, progress);
        progress.finish();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::cout << "wrote " << *out << ": " << info["scenes"].dump() << " scenes of " << o.size << "x" << o.size
                  << ", " << gen.classNames().size() - 1 << " classes, " << gen.stamps().size() << " stamps, in "
                  << zm::fmt(secs, 1) << " s (seed " << o.seed << ")\n";
        if (o.tableFile.empty())
            std::cout << "presets: stamp-animals-4, stamp-objects-4, stamp-all-8, stamp-oracle; e.g. zeromask-cli "
                         "train --data "
                      << *out << " --split stamp-all-8 --out MODEL_DIR\n";
    });
}

void addInfo(CLI::App& parent)
{
    auto* cmd = parent.add_subcommand("info", "Describe a data set folder: format, classes, images and class pixel shares");
    auto dir = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>("auto");
    auto subsets = std::make_shared<std::vector<std::string>>();
    auto json = std::make_shared<std::string>();
    cmd->add_option("DIR", *dir, "Data set folder")->required();
    cmd->add_option("--format", *format, "auto|" + zm::join(zm::datasetFormats(), "|"))->capture_default_str();
    cmd->add_option("--subset", *subsets, "Subset(s) to read (default: the format's train/test/unlabelled)");
    cmd->add_option("--json", *json, "Also write the statistics as JSON to this file");
    cmd->callback([=] {
        const std::string fmtName = *format == "auto" ? zm::detectDatasetFormat(*dir) : *format;
        std::vector<std::string> names = *subsets;
        if (names.empty()) {
            const auto std = zm::standardSubsets(fmtName, *dir);
            for (const auto& s : {std.train, std.test, std.unlabelled})
                if (!s.empty())
                    names.push_back(s);
        }
        if (names.empty())
            throw zm::Error(*dir + ": no subset found; name one with --subset");
        std::cout << "format: " << fmtName << "\n";
        zm::Json out = {{"folder", *dir}, {"format", fmtName}, {"subsets", zm::Json::array()}};
        bool printedClasses = false;
        for (const auto& subset : names) {
            const auto data = zm::openDataset(fmtName, *dir, subset, /*requireLabels=*/false);
            const auto* files = dynamic_cast<const zm::FileListDataset*>(data.get());
            if (!files)
                throw zm::Error(*dir + ": statistics need a file-based data set");
            if (!printedClasses) {
                std::cout << "classes (" << data->classNames().size() << "): " << zm::join(data->classNames(), ", ") << "\n";
                out["classes"] = data->classNames();
                printedClasses = true;
            }
            zm::cli::CommandProgress progress("reading " + subset);
            const auto stats = zm::computeDatasetStats(*files, progress);
            progress.finish();
            std::cout << zm::statsTable(stats, data->classNames());
            out["subsets"].push_back(zm::statsToJson(stats, data->classNames()));
        }
        const auto meta = std::filesystem::path(*dir) / "dataset.json";
        if (std::filesystem::is_regular_file(meta))
            out["dataset_json"] = zm::loadJsonFile(meta);
        if (!json->empty())
            zm::saveJsonFile(*json, out);
    });
}

void addPresets(CLI::App& parent)
{
    auto* cmd = parent.add_subcommand("presets", "List the zero-shot split presets, or show one");
    auto name = std::make_shared<std::string>();
    cmd->add_option("NAME", *name, "Preset to show in full");
    cmd->callback([=] {
        const std::vector<std::string> names = name->empty() ? zm::splitPresetNames() : std::vector<std::string>{*name};
        for (const auto& n : names) {
            const zm::ZeroShotSplit s = zm::splitPreset(n);
            std::cout << n << "  (format " << zm::splitPresetFormat(n) << ", " << s.seen.size() << " seen / "
                      << s.unseen.size() << " unseen, background "
                      << (s.background.empty() ? "none" : (s.backgroundSeen ? "seen" : "ignored")) << ")\n";
            if (!name->empty() || names.size() == 1) {
                std::cout << "  unseen:   " << zm::join(s.unseen, ", ") << "\n";
                std::cout << "  seen-val: " << zm::join(s.seenVal, ", ") << "\n";
                std::cout << "  seen:     " << zm::join(s.seen, ", ") << "\n";
            } else {
                std::cout << "  unseen: " << zm::join(s.unseen, ", ") << "\n";
            }
        }
    });
}

zm::cli::Registrar reg(40, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("dataset", "Data sets: generate FashionScenes or StampScenes, describe a folder, list split presets");
    cmd->require_subcommand(1);
    addFashionScenes(*cmd);
    addStampScenes(*cmd);
    addInfo(*cmd);
    addPresets(*cmd);
});

} // namespace
