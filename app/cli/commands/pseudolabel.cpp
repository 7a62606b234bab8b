// `zeromask-cli pseudolabel`: transductive ConSE pseudo-labels for the unlabelled regions of a zero-shot
// training set, written as a generic data set to train on (core/data/pseudolabels.h, docs/ENGINE.md).
#include "app/cli/command.h"
#include "app/cli/interrupt.h"

#include "core/common/error.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/data/benchmarkdatasets.h"
#include "core/data/pseudolabels.h"
#include "core/data/splitpresets.h"
#include "core/embed/embedder.h"
#include "core/engine/conse.h"
#include "core/engine/modelcard.h"

#include <iostream>

namespace {

namespace fs = std::filesystem;

struct PseudoOpts {
    std::string data, format = "auto", subset, split, unseen, background = "preset", vectors, classifier, labels, out,
        context = "mask";
    int top = 10, inputSide = 224, limit = 0;
    bool seenCompete = false;
    double margin = 0.1;
    zm::PseudoLabelOptions p;
};

void run(const PseudoOpts& o)
{
    std::error_code ec;
    if (!fs::is_directory(o.data, ec))
        throw zm::fileError(o.data, "data folder not found");
    if (o.split.empty() == o.unseen.empty())
        throw zm::Error("give one of --split PRESET (" + zm::join(zm::splitPresetNames(), ", ") + ") or --unseen \"a,b\"");
    const std::string format = o.format == "auto" ? zm::detectDatasetFormat(o.data) : o.format;
    const std::string subset = o.subset.empty() ? zm::standardSubsets(format, o.data).train : o.subset;
    std::shared_ptr<const zm::Dataset> base = zm::openDataset(format, o.data, subset, true);
    zm::ZeroShotSplit split;
    if (!o.split.empty()) {
        split = zm::splitPreset(o.split, zm::parseBackgroundMode(o.background));
    } else {
        std::vector<std::string> unseen;
        for (const auto& part : zm::split(o.unseen, ','))
            if (!zm::trim(part).empty())
                unseen.push_back(zm::trim(part));
        split = zm::makeSplit("custom", base->classNames(), unseen, {}, o.background != "ignored");
    }
    zm::validateSplit(split, base->classNames());
    zm::ZeroShotOptions zo;
    zo.calibrationImages = 0; // every training image: the trainer holds its own images out later
    zm::ZeroShotDataset train(base, split, zm::ZeroShotStage::Train, zo);

    const auto embedder = zm::ClassEmbedder::load(zm::resolveVectorsPath(o.vectors));
    zm::ConseOptions co = zm::conseOptionsFor(o.classifier, o.labels, *embedder);
    co.top = o.top;
    zm::ConseRegionClassifier::Options ro;
    ro.inputSide = o.inputSide;
    ro.margin = o.margin;
    ro.maskContext = o.context == "mask";
    const zm::ModelCard defaults; // a converted classifier undoes the default (ImageNet) normalisation
    zm::ConseRegionClassifier classifier(co, ro, defaults.mean, defaults.stdev);
    std::vector<std::vector<float>> vectors;
    for (const auto& name : train.classes().unseenNames())
        vectors.push_back(embedder->embed(name));

    zm::PseudoLabelOptions po = o.p;
    po.limit = o.limit;
    if (o.seenCompete)
        for (const auto& name : train.classes().seenNames())
            if (!zm::isBackgroundName(name))
                po.rivals.push_back(embedder->embed(name));
    const zm::Json provenance{{"data", fs::absolute(o.data).lexically_normal().string()},
                              {"format", format},
                              {"subset", subset},
                              {"classifier", fs::absolute(o.classifier).lexically_normal().string()},
                              {"vectors", embedder->file().string()},
                              {"top", o.top},
                              {"inputSide", o.inputSide},
                              {"margin", o.margin},
                              {"context", o.context},
                              {"seenCompete", o.seenCompete},
                              {"balance", o.p.balance}};
    std::cerr << "pseudo-labelling the unlabelled regions of " << (po.limit > 0 ? std::min(po.limit, train.size()) : train.size())
              << " images of " << base->name() << " among " << vectors.size() << " unseen classes ("
              << zm::join(train.classes().unseenNames(), ", ") << ") -> " << o.out << "\n";
    zm::cli::CommandProgress progress("pseudolabel");
    const auto report = zm::writePseudoLabels(train, *base, classifier, vectors, po, o.out, provenance, &progress);
    progress.finish();
    const auto j = report.toJson();
    std::cout << "images " << report.images << ", regions " << report.regions.size() << ", kept " << j["kept"].get<int>();
    if (o.seenCompete)
        std::cout << ", nearest a seen class " << j["nearestARival"].get<long>();
    if (report.checked)
        std::cout << "; checked against the data set's own labels (not used to make them): kept regions correct "
                  << zm::fmt(100.0 * j.value("keptRegionAccuracy", 0.0), 1) << " %, pixel precision "
                  << zm::fmt(100.0 * j.value("keptPixelPrecision", 0.0), 1) << " %";
    std::cout << "\n";
    for (const auto& c : j["classes"]) {
        std::cout << "  " << c["class"].get<std::string>() << ": " << c["regions"].get<int>() << " regions, " << c["kept"].get<int>() << " kept";
        if (po.balance)
            std::cout << " (balance offset " << zm::fmt(c.value("balance", 0.0), 3) << ")";
        if (report.checked && c["kept"].get<int>() > 0)
            std::cout << ", " << c["keptCorrect"].get<int>() << " correct, pixel precision "
                      << zm::fmt(100.0 * c["keptPixelPrecision"].get<double>(), 1) << " %";
        std::cout << "\n";
    }
    std::cout << "train on it: zeromask-cli train --data " << o.out << " --all-seen ...; report: " << (fs::path(o.out) / "pseudolabels.json").string()
              << "\n";
}

zm::cli::Registrar reg(46, [](CLI::App& app) {
    auto o = std::make_shared<PseudoOpts>();
    auto* cmd = app.add_subcommand(
        "pseudolabel",
        "Transductive pseudo-labels: each unlabelled region of a zero-shot training set gets the unseen class an image classifier's "
        "view of it is nearest to (ConSE); writes a generic data set to train on with --all-seen");
    cmd->add_option("--data", o->data, "Data set folder")->required();
    cmd->add_option("--format", o->format, "generic | fashionscenes | stampscenes | voc | ... | auto")->capture_default_str();
    cmd->add_option("--subset", o->subset, "Training subset (default: the format's training list)");
    cmd->add_option("--split", o->split, "Split preset: its unseen classes are the candidates, its seen labels are kept");
    cmd->add_option("--unseen", o->unseen, "Instead of --split: the unseen classes, comma-separated")->excludes("--split");
    cmd->add_option("--background", o->background, "Background class: preset | seen | ignored")->capture_default_str();
    cmd->add_option("--conse", o->classifier,
                    "Per-cell image classifier (backbone convert --per-cell; efficientnet-b0-classifier.pt of "
                    "ZEROMASK_EFFICIENTNET=1 scripts/fetch-backbones.sh)")
        ->required();
    cmd->add_option("--conse-labels", o->labels, "The classifier's class names (default: <classifier>.labels.json beside it)");
    cmd->add_option("--conse-top", o->top, "ConSE's T: the most probable classifier classes mixed per region")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->add_option("--vectors", o->vectors, "Word vectors for the class and label names (default: the default vectors; use the model's)");
    cmd->add_option("--keep", o->p.keepFraction, "Per class, the most confident share of its regions that keeps the label (ZS5Net's p)")
        ->check(CLI::Range(0.01, 1.0))
        ->capture_default_str();
    cmd->add_option("--hubness-k", o->p.hubnessK,
                    "Hubness correction (CSLS): each class's cosines less the mean of its k highest over all regions; 0: none")
        ->check(CLI::Range(0, 1 << 20))
        ->capture_default_str();
    cmd->add_flag("--balance", o->p.balance,
                  "Share the regions out among the unseen classes in equal parts (one offset per class added to the cosines, "
                  "found by entropic optimal transport); assumes they are about equally frequent among the unlabelled regions");
    cmd->add_option("--balance-temperature", o->p.balanceTemperature, "Softmax temperature of the balanced assignment (cosine units)")
        ->check(CLI::Range(1e-4, 10.0))
        ->capture_default_str();
    cmd->add_flag("--seen-compete", o->seenCompete,
                  "The seen classes (but the background) compete too: a region nearest one of them stays unlabelled");
    cmd->add_option("--erode", o->p.erodeRadius, "Soft edges thinner than twice this many pixels are not regions")
        ->check(CLI::Range(0, 32))
        ->capture_default_str();
    cmd->add_option("--min-pixels", o->p.minPixels, "Smallest region (pixels, after erosion)")->check(CLI::Range(1, 1 << 30))->capture_default_str();
    cmd->add_option("--input-side", o->inputSide, "The classifier sees each region's box resized to this longer side")
        ->check(CLI::Range(32, 2048))
        ->capture_default_str();
    cmd->add_option("--margin", o->margin, "Context around each region's box, as a fraction of its size")->check(CLI::Range(0.0, 2.0))->capture_default_str();
    cmd->add_option("--context", o->context, "mask: the classifier sees the region alone (the rest of the box grey); keep: the whole box")
        ->check(CLI::IsMember({"mask", "keep"}))
        ->capture_default_str();
    cmd->add_option("--limit", o->limit, "Only the first N training images");
    cmd->add_option("--out", o->out, "Output folder (a generic data set; refused if it holds anything else)")->required();
    cmd->callback([o] { run(*o); });
});

} // namespace
