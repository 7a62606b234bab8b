// `zeromask-cli predict DIR --classes "cat; kitten, dog, sofa" --export voc --out OUT`: headless batch
// segmentation of a folder with a progress bar, resume after interruption, --shard i/N for arrays of
// jobs, and a summary (images, seconds, images/s).
#include "app/cli/command.h"
#include "app/cli/conseoptions.h"
#include "app/cli/interrupt.h"
#include "app/cli/refineoptions.h"

#include "core/common/error.h"
#include "core/common/paths.h"
#include "core/common/progress.h"
#include "core/common/strings.h"
#include "core/embed/embedder.h"
#include "core/embed/senses.h"
#include "core/engine/segmenter.h"
#include "core/io/annotation.h"
#include "core/io/batch.h"

#include <cmath>
#include <iostream>
#include <limits>
#include <tuple>

namespace {

namespace fs = std::filesystem;

struct PredictOpts {
    std::string input, classes, model, vectors, device = "auto", out, shard = "0/1", palette = "voc", senses = "auto", wordnet, tta;
    zm::cli::ConseCliOptions conse;
    std::vector<std::string> exports;
    float gamma = std::numeric_limits<float>::quiet_NaN();
    float voidThreshold = 0.0f;
    bool resume = true, overwrite = false;
    bool refine = false;
    zm::RefineOptions refineOptions;
};

std::string numberText(float v) { return std::isnan(v) ? "model" : zm::fmt(v, 4); }

/// Test-time augmentation changes every mask: part of what a resumed run must match (empty for one plain view).
std::string ttaSignature(const zm::SegmenterOptions& so)
{
    if (so.singleView())
        return {};
    std::string s = " | tta=" + std::string(so.flip ? "flip" : "");
    for (const double x : so.scales)
        s += (s.back() == '=' ? "" : ",") + zm::fmt(x, 4);
    return s;
}

void run(const PredictOpts& o)
{
    // Everything a person can get wrong is checked before the model loads.
    const zm::ClassTable parsed = zm::ClassTable::fromTyped(zm::ClassTable::splitClassList(o.classes));
    if (parsed.empty())
        throw zm::Error("--classes is empty: give class names separated by ',' (synonyms by ';'), e.g. \"cat; kitten, dog\"");
    const zm::SenseMode senseMode = zm::parseSenseMode(o.senses);
    zm::BatchOptions b;
    b.inputDir = o.input;
    b.outDir = o.out;
    std::tie(b.shardIndex, b.shardCount) = zm::parseShard(o.shard);
    b.resume = o.resume;
    b.overwrite = o.overwrite;
    b.exports.formats.clear();
    for (const auto& e : o.exports)
        for (const auto& part : zm::split(e, ','))
            if (!b.exports.has(zm::parseExportFormat(part)))
                b.exports.formats.push_back(zm::parseExportFormat(part));
    if (b.exports.formats.empty())
        b.exports.formats = {zm::ExportFormat::Voc};
    if (o.palette == "project")
        b.exports.palette = zm::PaletteKind::Project;
    else if (o.palette != "voc")
        throw zm::Error("--palette \"" + o.palette + "\": use voc or project");
    std::error_code ec;
    if (!fs::is_directory(o.input, ec))
        throw zm::fileError(o.input, "not a folder");

    const fs::path model = o.model.empty() ? zm::defaultModelPath() : fs::path(o.model);
    if (model.empty())
        throw zm::Error("no model found: give --model DIR, or install the default model (scripts/setup.sh)");
    const fs::path vectors = o.vectors.empty() ? zm::defaultVectorsPath() : fs::path(o.vectors);
    if (vectors.empty())
        throw zm::Error("no word vectors found: give --vectors FILE (.bin/.ftz or an attribute table .csv), or build the default vectors (scripts/setup.sh)");

    zm::SegmenterOptions so;
    so.device = o.device;
    zm::parseTestTimeAugmentation(o.tta, so);
    auto segmenter = zm::Segmenter::load(model, so);
    const zm::ModelCard& card = segmenter->card();
    std::shared_ptr<const zm::ClassEmbedder> embedder = zm::ClassEmbedder::load(vectors);
    if (card.vectorSpace.valid())
        zm::requireSameSpace(card.vectorSpace, embedder->spaceId(), "model " + model.string());
    // Names are read as the GUI reads them: a word with several senses takes the one nearest the model's classes.
    embedder = zm::nameEmbedderFor(embedder, card.seenVectors, senseMode, o.wordnet);
    const auto* senses = dynamic_cast<const zm::SenseAwareEmbedder*>(embedder.get());
    segmenter = zm::cli::withConseOptions(std::move(segmenter), o.conse, *embedder);

    zm::ClassTable table = parsed;
    table.vectorSpace = embedder->spaceId();
    table.model = {{"name", card.name}, {"method", card.method}, {"path", fs::absolute(model).string()},
                   {"created", card.created}};
    zm::ClassSet classSet;
    std::vector<std::uint16_t> idOfIndex;
    std::string senseSignature; // the senses that changed a class vector: part of what a resumed run must match
    for (const auto& c : table.classes()) {
        zm::ClassSpec spec;
        spec.name = c.typed();
        spec.vector = embedder->embed(c.typed());
        if (senses)
            for (const auto& r : senses->read(c.typed()))
                if (r.changed) {
                    std::cerr << "class " << c.typed() << ": " << r.term << " -> " << r.reason << "\n";
                    senseSignature += " | sense " + r.term + "=" + r.chosenLemmas + " (" + r.chosenDefinition + ")";
                }
        classSet.classes.push_back(std::move(spec));
        idOfIndex.push_back(c.id);
    }
    zm::ScoreOptions score;
    score.gamma = o.gamma;
    score.voidThreshold = o.voidThreshold;

    std::vector<std::string> typed;
    for (const auto& c : table.classes())
        typed.push_back(c.typed());
    zm::RefineOptions refine = o.refineOptions;
    if (o.refine) {
        std::vector<std::string> names; // display names ("background; bg" is named background)
        for (const auto& c : table.classes())
            names.push_back(c.name);
        refine = zm::cli::refineOptionsFor(refine, names);
    }
    b.signature = "classes=" + zm::join(typed, ", ") + " | model=" + fs::absolute(model).lexically_normal().string() +
                  " | vectors=" + embedder->spaceId().str() + " | gamma=" + numberText(o.gamma) +
                  " | void-threshold=" + numberText(o.voidThreshold) + senseSignature + ttaSignature(so) + zm::cli::conseSignature(o.conse) +
                  (o.refine ? " | refine v2 core=" + zm::fmt(refine.coreFraction, 4) + " band=" + zm::fmt(refine.bandFraction, 4) +
                                 " iterations=" + std::to_string(refine.iterations) + " work=" + std::to_string(refine.workSide)
                           : "");

    std::cerr << "model " << (card.name.empty() ? model.string() : card.name) << " on " << segmenter->device() << "; "
              << table.size() << " classes; shard " << b.shardIndex << "/" << b.shardCount << "\n";
    // Ctrl-C (or a job scheduler's SIGTERM) stops after the current image; finished images stay finished.
    zm::cli::CommandProgress progress("predict");
    // encode() of a large image stops on Ctrl-C too, without drawing its tiles over the batch bar.
    zm::CancelOnlyProgress stopper(progress);
    const zm::FilePredictor predict = [&](const zm::Image& image, const fs::path&) {
        const auto features = segmenter->encode(image, &stopper);
        zm::ScoreResult r = segmenter->score(*features, classSet, score);
        if (o.refine)
            zm::refineLabels(image, r.labels, refine);
        return zm::indicesToIds(r.labels, idOfIndex);
    };

    const zm::BatchSummary s = zm::runBatch(b, table, predict, progress);
    progress.finish();

    std::cout << "images: " << s.shardImages << " in this shard (" << s.folderImages << " in the folder): " << s.processed
              << " predicted, " << s.skipped << " already done, " << s.failed.size() << " failed\n"
              << "seconds: " << zm::fmt(s.seconds, 1) << "\n"
              << "images/s: " << zm::fmt(s.imagesPerSecond(), 2) << "\n";
    if (b.exports.has(zm::ExportFormat::Coco))
        std::cout << (s.cocoMerged ? "coco.json written (all images finished)\n"
                                   : "coco.json not yet written: other shards are unfinished (the last one writes it, or "
                                     "run 'zeromask-cli export merge-coco OUT')\n");
    for (const auto& [image, message] : s.failed)
        std::cerr << "failed: " << image << ": " << message << "\n";
    if (!s.failed.empty())
        zm::cli::exitCode() = 1;
}

zm::cli::Registrar reg(50, [](CLI::App& app) {
    auto o = std::make_shared<PredictOpts>();
    auto* cmd = app.add_subcommand("predict", "Segment every image of a folder and export the labels (batch, resumable, shardable)");
    cmd->add_option("dir", o->input, "Folder of images")->required();
    cmd->add_option("--classes", o->classes, "Classes separated by ',', synonyms by ';': \"cat; kitten, dog, sofa\"")
        ->required();
    cmd->add_option("--export", o->exports, "voc | id | coco | preview (repeatable; default voc)");
    cmd->add_option("--out", o->out, "Output folder")->required();
    cmd->add_option("--model", o->model, "Model folder (default: the installed default model)");
    cmd->add_option("--vectors", o->vectors, "fastText .bin/.ftz word vectors or class -> attribute table .csv (default: the default vectors)");
    cmd->add_option("--gamma", o->gamma, "Calibration subtracted from seen classes (default: the model's)");
    cmd->add_option("--void-threshold", o->voidThreshold, "Pixels scoring below this stay void (default 0 = off)");
    zm::cli::addRefineOptions(*cmd, o->refine, o->refineOptions);
    cmd->add_option("--senses", o->senses, "Read each name with the WordNet sense nearest the model's classes: auto | on | off")
        ->capture_default_str();
    cmd->add_option("--wordnet", o->wordnet, "WordNet database folder (default: $ZEROMASK_WORDNET, else /usr/share/wordnet)");
    cmd->add_option("--device", o->device, "auto | cpu | cuda[:N]");
    cmd->add_option("--tta", o->tta, "Test-time augmentation: 'flip' and/or scales, e.g. flip,0.75,1,1.25 (slower, often more exact masks)");
    zm::cli::addConseOptions(*cmd, o->conse);
    cmd->add_option("--shard", o->shard, "i/N: process only image k with k mod N = i (0-based), for N parallel jobs");
    cmd->add_option("--palette", o->palette, "Palette of VOC PNGs: voc (default) or project");
    cmd->add_flag("--resume,!--no-resume", o->resume, "Skip images whose outputs are complete (default on)");
    cmd->add_flag("--overwrite", o->overwrite, "Redo every image, even results of another run in --out");
    cmd->callback([o] { run(*o); });
});

} // namespace
