// `zeromask-cli eval`: generalised zero-shot evaluation of a model on a labelled data set: seen mIoU,
// unseen mIoU, hIoU and pixel accuracy at image resolution, with the absent-class convention explicit.
#include "app/cli/command.h"
#include "app/cli/conseoptions.h"
#include "app/cli/interrupt.h"
#include "app/cli/refineoptions.h"

#include "core/common/error.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/common/strings.h"
#include "core/data/benchmarkdatasets.h"
#include "core/data/splitpresets.h"
#include "core/embed/embedder.h"
#include "core/embed/senses.h"
#include "core/engine/evaluator.h"
#include "core/engine/segmenter.h"

#include <cmath>
#include <iostream>
#include <limits>
#include <map>

namespace {

namespace fs = std::filesystem;

struct EvalOpts {
    std::string model, data, format = "auto", subset, split, background = "preset", absent = "skip", json, vectors,
        device = "auto", senses = "auto", wordnet;
    float gamma = std::numeric_limits<float>::quiet_NaN();
    float voidThreshold = 0.0f;
    int limit = 0, maxSide = 1024;
    std::vector<std::string> names; ///< --name CLASS=TEXT: score CLASS with the vector of TEXT
    bool dataClasses = false;        ///< --data-classes: exactly the data set's classes, as a person would type them
    std::string classes;             ///< --classes A,B: only these data-set classes, as a person would type them
    bool refine = false;             ///< --refine: edge refinement (core/io/refine.h) of every prediction
    zm::RefineOptions refineOptions;
    std::string tta;                 ///< --tta flip,0.75,1,1.25: test-time augmentation
    zm::cli::ConseCliOptions conse;  ///< --conse FILE.pt ...: ConSE among the unseen classes
};

std::string pct(double v) { return std::isnan(v) ? "n/a" : zm::fmt(100.0 * v, 2) + " %"; }

void run(const EvalOpts& o)
{
    std::error_code ec;
    if (!fs::is_directory(o.data, ec))
        throw zm::fileError(o.data, "data folder not found");
    const auto absent = zm::parseAbsentPolicy(o.absent);
    zm::SegmenterOptions so;
    so.device = o.device;
    so.maxInputSide = o.maxSide;
    zm::parseTestTimeAugmentation(o.tta, so);
    auto seg = zm::Segmenter::load(o.model, so);
    const auto& card = seg->card();

    const std::string format = o.format == "auto" ? zm::detectDatasetFormat(o.data) : o.format;
    const std::string subset = o.subset.empty() ? zm::standardSubsets(format, o.data).test : o.subset;
    auto data = zm::openDataset(format, o.data, subset, true);

    // Classes: the split's (default: the model's own seen/unseen lists), vectors from the card when the
    // name was trained or listed there, else from the vectors file (which must be the model's space).
    std::vector<std::string> seen = card.seenClasses, unseen = card.unseenClasses;
    std::string splitName = card.training.value("split", std::string("model classes"));
    if (!o.split.empty()) {
        auto split = zm::splitPreset(o.split, zm::parseBackgroundMode(o.background));
        zm::validateSplit(split, data->classNames());
        seen.clear();
        for (const auto& s : split.seen)
            if (split.backgroundSeen || s != split.background)
                seen.push_back(s);
        unseen = split.unseen;
        splitName = split.name;
    } else if (o.dataClasses || !o.classes.empty()) {
        // The data set's own class list competes, nothing else: what a person sees after typing those names.
        // A name the model was trained on is seen (calibration applies to it); any other is unseen. Names
        // match exactly, as the card spells them. The data set's background competes only when the model
        // learned it; otherwise (a model trained with background ignored) its pixels are ignored too.
        seen.clear();
        unseen.clear();
        const bool modelHasBackground =
            std::find(card.seenClasses.begin(), card.seenClasses.end(), "background") != card.seenClasses.end();
        std::vector<std::string> listed = data->classNames();
        if (!o.classes.empty()) {
            listed.clear();
            for (const auto& part : zm::split(o.classes, ','))
                if (const std::string n = zm::trim(part); !n.empty()) {
                    const auto& all = data->classNames();
                    if (std::find(all.begin(), all.end(), n) == all.end())
                        throw zm::Error("--classes " + n + ": not a class of " + o.data + " (classes: " + zm::join(all, ", ") + ")");
                    if (std::find(listed.begin(), listed.end(), n) == listed.end())
                        listed.push_back(n);
                }
            if (listed.empty())
                throw zm::Error("--classes is empty: give data-set class names separated by ','");
        }
        for (const auto& n : listed)
            if (n == "background" && !modelHasBackground)
                std::cerr << "--data-classes: the model did not learn 'background'; its pixels are ignored\n";
            else
                (std::find(card.seenClasses.begin(), card.seenClasses.end(), n) != card.seenClasses.end() ? seen : unseen)
                    .push_back(n);
        splitName = o.classes.empty() ? "the data set's classes" : "the classes " + zm::join(listed, ", ");
    }
    // --name CLASS=TEXT: the data set's class CLASS is scored with the vector of TEXT, as if a person had
    // typed TEXT (a synonym, a misspelling, "a; b"); measures what zero-shot naming really gives.
    std::map<std::string, std::string> typed;
    for (const auto& kv : o.names) {
        const auto eq = kv.find('=');
        const std::string cls = eq == std::string::npos ? "" : zm::trim(kv.substr(0, eq));
        const std::string text = eq == std::string::npos ? "" : zm::trim(kv.substr(eq + 1));
        if (cls.empty() || text.empty())
            throw zm::Error("--name '" + kv + "': expected CLASS=TEXT, e.g. --name sandal=flip-flop");
        if (std::find(seen.begin(), seen.end(), cls) == seen.end() && std::find(unseen.begin(), unseen.end(), cls) == unseen.end())
            throw zm::Error("--name " + cls + ": not a class of this evaluation (classes: " + zm::join(seen, ", ") +
                            (unseen.empty() ? "" : ", " + zm::join(unseen, ", ")) + ")");
        typed[cls] = text;
    }
    // Typed names are read as the GUI reads them: with the WordNet sense nearest the model's classes
    // (--senses); names the card lists keep the vectors the model was trained and calibrated with.
    const zm::SenseMode senseMode = zm::parseSenseMode(o.senses);
    std::shared_ptr<const zm::ClassEmbedder> embedder;
    auto loadVectors = [&] {
        std::shared_ptr<const zm::ClassEmbedder> words = zm::ClassEmbedder::load(zm::resolveVectorsPath(o.vectors));
        zm::requireSameSpace(card.vectorSpace, words->spaceId(), "model '" + o.model + "'");
        embedder = zm::nameEmbedderFor(words, card.seenVectors, senseMode, o.wordnet);
    };
    if (!o.vectors.empty())
        loadVectors(); // a file given by name must be the model's space even when the card lists every class
    std::map<std::string, std::string> senseNotes; // class -> how its typed name was read, when a sense was chosen
    auto vectorOf = [&](const std::string& name) {
        if (auto it = typed.find(name); it != typed.end()) {
            if (!embedder)
                loadVectors();
            if (const auto* senses = dynamic_cast<const zm::SenseAwareEmbedder*>(embedder.get()))
                for (const auto& r : senses->read(it->second))
                    if (r.changed) {
                        std::cerr << "--name " << name << "=" << it->second << ": " << r.term << " -> " << r.reason << "\n";
                        auto& note = senseNotes[name];
                        note += (note.empty() ? "" : "; ") + r.term + " = " + r.chosenLemmas + " (" + r.chosenDefinition + ")";
                    }
            return embedder->embed(it->second);
        }
        for (std::size_t i = 0; i < card.seenClasses.size() && i < card.seenVectors.size(); ++i)
            if (card.seenClasses[i] == name)
                return card.seenVectors[i];
        for (std::size_t i = 0; i < card.unseenClasses.size() && i < card.unseenVectors.size(); ++i)
            if (card.unseenClasses[i] == name)
                return card.unseenVectors[i];
        if (!embedder)
            loadVectors();
        return embedder->embed(name);
    };
    zm::ClassSet classes;
    for (const auto& n : seen)
        classes.classes.push_back({n, vectorOf(n)});
    for (const auto& n : unseen)
        classes.classes.push_back({n, vectorOf(n)});

    if (o.conse.enabled()) {
        if (!embedder)
            loadVectors();
        seg = zm::cli::withConseOptions(std::move(seg), o.conse, *embedder);
    }

    zm::EvalOptions eo;
    eo.score.gamma = o.gamma;
    eo.score.voidThreshold = o.voidThreshold;
    eo.absent = absent;
    eo.limit = o.limit;
    if (o.refine) {
        std::vector<std::string> names;
        for (const auto& c : classes.classes)
            names.push_back(c.name);
        const zm::RefineOptions ro = zm::cli::refineOptionsFor(o.refineOptions, names);
        eo.postProcess = [ro](const zm::Image& image, zm::LabelMap& labels) { zm::refineLabels(image, labels, ro); };
    }
    zm::cli::CommandProgress progress("eval"); // Ctrl-C / SIGTERM: stop after the current image, exit 130
    const auto r = zm::evaluateSegmenter(*seg, *data, classes, int(seen.size()), eo, progress);
    progress.finish("done");

    const auto& m = r.metrics;
    std::cout << "model " << o.model << " on " << data->name() << " (" << r.images << " images, split " << splitName
              << ", gamma " << zm::fmt(r.gamma, 2) << ", device " << seg->device() << ")\n";
    for (const auto& [cls, text] : typed)
        std::cout << "class " << cls << " scored as typed '" << text << "'\n";
    std::cout
              << zm::metricsTable(m) << "\n"
              << "seen mIoU:   " << pct(m.mIoUSeen) << "\n"
              << "unseen mIoU: " << pct(m.mIoUUnseen) << "\n"
              << "hIoU:        " << pct(m.hIoU) << "\n"
              << "pixel acc.:  " << pct(m.pixelAccuracy) << "\n";
    if (!o.json.empty()) {
        zm::Json j = zm::metricsToJson(m);
        j["model"] = fs::absolute(o.model).string();
        j["data"] = fs::absolute(o.data).string();
        j["format"] = format;
        j["subset"] = subset;
        j["split"] = splitName;
        j["gamma"] = r.gamma;
        j["images"] = r.images;
        j["seconds"] = r.seconds;
        j["device"] = seg->device();
        if (!o.tta.empty())
            j["tta"] = {{"scales", so.scales}, {"flip", so.flip}};
        if (o.conse.enabled())
            j["conse"] = zm::cli::conseJson(o.conse);
        if (o.refine)
            j["refine"] = {{"core", o.refineOptions.coreFraction}, {"band", o.refineOptions.bandFraction},
                           {"iterations", o.refineOptions.iterations}, {"workSide", o.refineOptions.workSide}};
        if (!typed.empty()) {
            j["typedNames"] = typed;
            j["wordSenses"] = o.senses;
            j["wordSensesActive"] = dynamic_cast<const zm::SenseAwareEmbedder*>(embedder.get()) != nullptr;
            j["wordSenseReadings"] = senseNotes;
        }
        j["confusion"] = r.matrix.toJson();
        zm::saveJsonFile(o.json, j);
    }
}

zm::cli::Registrar reg(41, [](CLI::App& app) {
    auto o = std::make_shared<EvalOpts>();
    auto* cmd = app.add_subcommand("eval", "Evaluate a model on a labelled data set: seen/unseen mIoU, hIoU, pixel accuracy");
    cmd->add_option("--model", o->model, "Model folder (card.json + weights.pt)")->required();
    cmd->add_option("--data", o->data, "Data set folder")->required();
    cmd->add_option("--format", o->format, "generic | fashionscenes | voc | context | cocostuff | cocostuff171 | auto")
        ->capture_default_str();
    cmd->add_option("--subset", o->subset, "Subset to evaluate (default: the format's test list)");
    cmd->add_option("--split", o->split, "Split preset (default: the model's own seen/unseen classes)");
    cmd->add_flag("--data-classes", o->dataClasses,
                  "Score exactly the data set's classes (seen if the model was trained on the name, else unseen), "
                  "as a person typing them would; instead of the model's own lists")
        ->excludes(cmd->get_option("--split"));
    cmd->add_option("--classes", o->classes,
                    "Only these data-set classes compete, comma-separated, as --data-classes does for all of them (the others' "
                    "pixels are ignored): e.g. background,dog for a photo of a dog")
        ->excludes("--split")
        ->excludes("--data-classes");
    cmd->add_option("--background", o->background, "Background class with --split: preset | seen | ignored")->capture_default_str();
    cmd->add_option("--gamma", o->gamma, "Calibration gamma (default: the model's)");
    cmd->add_option("--void-threshold", o->voidThreshold, "Pixels whose best score is below this stay unlabelled");
    cmd->add_option("--absent", o->absent, "Classes absent from the test set: skip (nanmean, SPNet) | zero (ZS3)")
        ->capture_default_str();
    cmd->add_option("--vectors", o->vectors, "Vectors (.bin/.ftz or attribute table .csv) for classes the model card does not list; must be the model's space");
    cmd->add_option("--name", o->names, "CLASS=TEXT, repeatable: score CLASS with the vector of TEXT (e.g. sandal=flip-flop)");
    cmd->add_option("--senses", o->senses, "Typed names (--name) read with the WordNet sense nearest the model's classes: auto | on | off")
        ->capture_default_str();
    cmd->add_option("--wordnet", o->wordnet, "WordNet database folder (default: $ZEROMASK_WORDNET, else /usr/share/wordnet)");
    cmd->add_option("--device", o->device, "auto | cpu | cuda[:N]")->capture_default_str();
    cmd->add_option("--max-side", o->maxSide, "Images are resized so their longest side is at most this (0 = native)")
        ->capture_default_str();
    cmd->add_option("--limit", o->limit, "Evaluate only the first N images");
    cmd->add_option("--tta", o->tta, "Test-time augmentation: 'flip' and/or scales, e.g. flip,0.75,1,1.25 (each image is encoded once per view; the views' logits are averaged)");
    zm::cli::addConseOptions(*cmd, o->conse);
    zm::cli::addRefineOptions(*cmd, o->refine, o->refineOptions);
    cmd->add_option("--json", o->json, "Write every figure (and the confusion matrix) as JSON");
    cmd->callback([o] { run(*o); });
});

} // namespace
