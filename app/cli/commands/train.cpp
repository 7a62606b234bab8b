// `zeromask-cli train`: trains a zero-shot segmentation model (SPNet + SPNet-C calibration, optional
// transductive loss; other methods through the trainer's hooks) on a data set and split preset, with a
// progress bar, a JSON-lines log, resumable checkpoints and Ctrl-C that saves before stopping.
#include "app/cli/command.h"
#include "app/cli/interrupt.h"

#include "core/common/error.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/common/strings.h"
#include "core/data/benchmarkdatasets.h"
#include "core/data/splitpresets.h"
#include "core/embed/embedder.h"
#include "core/engine/generative/generative.h"
#include "core/engine/trainer.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct TrainOpts {
    std::string data, format = "auto", split, unseen, seenVal, background = "preset", vectors, out, log;
    std::string trainSubset, unlabelledSubset, from;
    std::vector<std::string> gen; // --gen key=value: generative hyper-parameters (docs/GENERATIVE.md)
    bool noCalibrate = false;
    bool allSeen = false;
    zm::TrainerOptions t;
};

// --from MODEL: a generative method (or a longer SPNet run's post-training) reuses a trained SPNet
// backbone instead of training it again. The model's card, weights and resume state are copied into --out
// and the training resumes there at its last iteration, so only the method's own stage runs. The
// training options that shaped the backbone are taken from the source card so the new card tells the truth.
void startFrom(TrainOpts& o, bool copy)
{
    const fs::path src = o.from, dst = o.out;
    std::error_code ec;
    if (!fs::is_directory(src, ec))
        throw zm::fileError(o.from, "--from: model folder not found");
    for (const char* f : {"card.json", "weights.pt", "state.json", "state.pt"})
        if (!fs::is_regular_file(src / f, ec))
            throw zm::fileError((src / f).string(), std::string("--from needs a model folder with its resume state (") + f +
                                                        " is missing; shipped models drop state.*: train one with zeromask-cli train)");
    if (fs::exists(dst / "card.json", ec))
        throw zm::fileError(o.out, "already holds a model; --from writes a new model folder");
    if (fs::equivalent(src, dst, ec))
        throw zm::fileError(o.out, "--from and --out must be different folders");
    const zm::Json card = zm::loadJsonFile(src / "card.json");
    if (card.value("method", std::string("spnet")) != "spnet")
        throw zm::fileError((src / "card.json").string(), "--from needs an SPNet model (this one is " +
                                                               card.value("method", std::string()) + ")");
    const zm::Json state = zm::loadJsonFile(src / "state.json");
    const zm::Json t = card.value("training", zm::Json::object());
    if (state.value("iteration", -1) != state.value("iterations", -2))
        throw zm::fileError(o.from, "training is not finished (iteration " + std::to_string(state.value("iteration", 0)) + " of " +
                                        std::to_string(state.value("iterations", 0)) + "); finish it with --resume first");
    o.t.iterations = state.value("iterations", o.t.iterations);
    o.t.batchSize = t.value("batchSize", o.t.batchSize);
    o.t.cropSize = t.value("cropSize", o.t.cropSize);
    o.t.learningRate = t.value("learningRate", o.t.learningRate);
    o.t.optimizer = t.value("optimizer", o.t.optimizer);
    o.t.seed = t.value("seed", o.t.seed);
    o.t.transductive = t.value("transductive", o.t.transductive);
    o.t.lambda = t.value("lambda", o.t.lambda);
    o.t.transductiveThreshold = t.value("transductiveThreshold", o.t.transductiveThreshold);
    o.t.transductiveWarmup = t.value("transductiveWarmup", o.t.transductiveWarmup);
    // The optimiser state holds one parameter group per learning-rate scale: resume with the same scale.
    o.t.backboneLrScale = t.value("backboneLrScale", o.t.backboneLrScale);
    // Models trained before the option existed updated the encoder's batch norm: "train".
    o.t.encoderBatchNorm = t.value("encoderBatchNorm", std::string("train"));
    const zm::Json archAll = card.value("architecture", zm::Json::object());
    const zm::Json arch = archAll.is_object() ? archAll.value("backbone", zm::Json::object()) : zm::Json::object();
    if (!arch.is_object())
        throw zm::fileError((src / "card.json").string(), "'architecture.backbone' is not an object");
    const bool script = arch.value("kind", std::string()) == "torchscript";
    if (script)
        o.t.backbone = (dst / "backbone.pt").string(); // copied below: the encoder's structure lives in it
    if (script && !fs::is_regular_file(src / "backbone.pt", ec))
        throw zm::fileError((src / "backbone.pt").string(), "--from: the model's TorchScript backbone is missing");
    if (t.contains("heldOutImages")) // the held-out images are excluded from training: the same set again
        o.t.calibrationImages = t.value("heldOutImages", o.t.calibrationImages);
    if (!copy)
        return;
    fs::create_directories(dst, ec);
    if (ec)
        throw zm::fileError(o.out, "cannot create the model folder: " + ec.message());
    for (const char* f : {"card.json", "weights.pt", "state.json", "state.pt", "log.jsonl", "backbone.pt"}) {
        if (!fs::exists(src / f, ec))
            continue;
        fs::copy_file(src / f, dst / f, fs::copy_options::overwrite_existing, ec);
        if (ec)
            throw zm::fileError((dst / f).string(), "cannot copy from " + o.from + ": " + ec.message());
    }
    o.t.resume = true;
    std::cerr << "starting from the trained SPNet model " << o.from << " (" << o.t.iterations << " iterations done)\n";
}

void run(TrainOpts& o)
{
    // zs3 / cagnet / vm plug into the trainer as post-training hooks, with the papers' defaults
    // overridden by --gen key=value (values are JSON: numbers, true/false, [2,5,10]).
    zm::Json genJson = zm::generative::GenerativeOptions{}.toJson();
    for (const auto& kv : o.gen) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw zm::Error("--gen '" + kv + "': expected key=value (keys: docs/GENERATIVE.md)");
        const std::string key = zm::trim(kv.substr(0, eq)), value = zm::trim(kv.substr(eq + 1));
        if (key == "method" || key == "seed" || key == "self_train") // these have their own options
            throw zm::Error("--gen " + key + ": use --" + (key == "self_train" ? std::string("self-train") : key) + " instead");
        if (!genJson.contains(key)) {
            std::vector<std::string> keys;
            for (auto it = genJson.begin(); it != genJson.end(); ++it)
                if (it.key() != "method" && it.key() != "seed" && it.key() != "self_train")
                    keys.push_back(it.key());
            throw zm::Error("--gen: unknown key '" + key + "'; keys: " + zm::join(keys, ", "));
        }
        const zm::Json v = zm::Json::parse(value, nullptr, false);
        if (v.is_discarded())
            throw zm::Error("--gen " + key + ": '" + value + "' is not a number, true/false or a [list]");
        genJson[key] = v;
    }
    zm::generative::registerGenerativeMethods(zm::generative::GenerativeOptions::fromJson(genJson, "--gen"));
    std::error_code ec;
    if (!fs::is_directory(o.data, ec))
        throw zm::fileError(o.data, "data folder not found");
    if (!o.from.empty())
        startFrom(o, false); // checks and options first; the copy happens once the data and split are valid
    if (o.allSeen && !o.seenVal.empty())
        throw zm::Error("--all-seen holds nothing out: --seen-val does not apply (use --unseen with --seen-val)");
    if (int(!o.split.empty()) + int(!o.unseen.empty()) + int(o.allSeen) != 1)
        throw zm::Error("give one of --split PRESET (" + zm::join(zm::splitPresetNames(), ", ") +
                        "), --unseen \"a,b\" or --all-seen");
    const std::string format = o.format == "auto" ? zm::detectDatasetFormat(o.data) : o.format;
    const auto subsets = zm::standardSubsets(format, o.data);
    const std::string trainSubset = o.trainSubset.empty() ? subsets.train : o.trainSubset;
    auto labelled = zm::openDataset(format, o.data, trainSubset, true);

    zm::ZeroShotSplit split;
    if (!o.split.empty()) {
        split = zm::splitPreset(o.split, zm::parseBackgroundMode(o.background));
    } else if (o.allSeen) {
        // Fully supervised on every class of the data set (a model to ship, or an oracle on a custom set):
        // names typed later are still scored through their word vectors.
        split = zm::makeSplit("all-seen", labelled->classNames(), {}, {}, o.background != "ignored");
    } else {
        const auto trimList = [](const std::string& s) {
            std::vector<std::string> v;
            for (const auto& p : zm::split(s, ','))
                if (!zm::trim(p).empty())
                    v.push_back(zm::trim(p));
            return v;
        };
        const bool bgSeen = o.background != "ignored";
        split = zm::makeSplit("custom", labelled->classNames(), trimList(o.unseen), trimList(o.seenVal), bgSeen);
    }
    zm::validateSplit(split, labelled->classNames());

    std::shared_ptr<zm::Dataset> unlabelled;
    if (o.t.transductive) {
        const std::string sub = o.unlabelledSubset.empty() ? subsets.unlabelled : o.unlabelledSubset;
        if (sub.empty())
            throw zm::Error("--transductive needs unlabelled target images: the " + format +
                            " format has no unlabelled subset; name one with --unlabelled-subset");
        unlabelled = zm::openDataset(format, o.data, sub, false);
    }

    // Class vectors: only the split's classes are embedded (the others are never used).
    const auto embedder = zm::ClassEmbedder::load(zm::resolveVectorsPath(o.vectors));
    zm::TrainingData td;
    td.labelled = labelled.get();
    td.unlabelled = unlabelled.get();
    td.split = split;
    td.space = embedder->spaceId();
    const auto& names = labelled->classNames();
    td.classVectors.assign(names.size(), std::vector<float>(std::size_t(embedder->dim()), 0.0f));
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& n = names[i];
        const bool used = std::count(split.seen.begin(), split.seen.end(), n) || std::count(split.unseen.begin(), split.unseen.end(), n);
        if (used)
            td.classVectors[i] = embedder->embed(n);
    }
    td.description = zm::Json{{"folder", fs::absolute(o.data).string()}, {"format", format}, {"subset", trainSubset},
                              {"split", split.name}, {"vectors", embedder->file().string()}};

    if (!o.from.empty())
        startFrom(o, true);
    o.t.outDir = o.out;
    o.t.logFile = o.log;
    o.t.calibrate = !o.noCalibrate;
    std::cerr << "training " << o.t.method << " (" << o.t.backbone << " backbone) on " << labelled->size() << " images of "
              << labelled->name() << ", split " << split.name << ": " << split.seen.size() << " seen, " << split.unseen.size()
              << " unseen; " << o.t.iterations << " iterations of " << o.t.batchSize << " -> " << o.out << "\n";
    // Ctrl-C / SIGTERM: stop between batches; the trainer saves a resumable checkpoint first.
    zm::cli::CommandProgress progress("train");
    zm::TrainingResult r;
    try {
        r = zm::trainModel(td, o.t, progress);
    } catch (const zm::Cancelled&) {
        progress.finish("stopped; resume with the same command and --resume");
        throw;
    }
    progress.finish("done");
    std::cout << "model: " << fs::absolute(o.out).string() << "\n"
              << "iterations: " << r.iterations << " in " << zm::fmt(r.seconds, 1) << " s\n"
              << "gamma: " << zm::fmt(r.card.gamma, 2) << "\n";
    if (r.card.metrics.contains("heldOut") && r.card.training.value("heldOutImages", 0) > 0)
        std::cout << "held-out training images: " << r.card.metrics["heldOut"].dump() << "\n";
}

zm::cli::Registrar reg(40, [](CLI::App& app) {
    auto o = std::make_shared<TrainOpts>();
    auto* cmd = app.add_subcommand("train", "Train a zero-shot segmentation model on a data set and split");
    cmd->add_option("--data", o->data, "Data set folder")->required();
    cmd->add_option("--format", o->format, "generic | fashionscenes | voc | context | cocostuff | cocostuff171 | auto")
        ->capture_default_str();
    cmd->add_option("--split", o->split, "Split preset (voc-spnet-15-5, fashion-unseen-2, ...)");
    cmd->add_option("--unseen", o->unseen, "Custom split: unseen class names, comma-separated (instead of --split)");
    cmd->add_flag("--all-seen", o->allSeen, "Every class of the data set seen (no zero-shot split; instead of --split/--unseen)");
    cmd->add_option("--seen-val", o->seenVal, "Custom split: seen classes held out to tune gamma, comma-separated");
    cmd->add_option("--background", o->background, "Background class: preset | seen | ignored")->capture_default_str();
    cmd->add_option("--subset", o->trainSubset, "Training subset (default: the format's training list)");
    cmd->add_option("--method", o->t.method, "spnet | zs3 | cagnet | vm (the last three train SPNet's backbone, then their generator and classifier)")
        ->capture_default_str();
    cmd->add_option("--gen", o->gen, "Generative hyper-parameter key=value, repeatable (e.g. --gen generator_steps=1000)");
    cmd->add_flag("--self-train", o->t.selfTrain, "Self-training with pseudo-labels (generative methods)");
    cmd->add_flag("--transductive", o->t.transductive, "Add the transductive unbiased loss on unlabelled images");
    cmd->add_option("--lambda", o->t.lambda, "Weight of the transductive loss")->capture_default_str();
    cmd->add_option("--transductive-threshold", o->t.transductiveThreshold,
                    "Transductive loss only on target pixels whose top seen-class probability is below this (1 = all pixels, as published)")
        ->capture_default_str();
    cmd->add_option("--transductive-warmup", o->t.transductiveWarmup,
                    "Fraction of the iterations trained before the transductive loss starts")
        ->capture_default_str();
    cmd->add_option("--unlabelled-subset", o->unlabelledSubset, "Subset of unlabelled target images (transductive)");
    cmd->add_option("--vectors", o->vectors, "Word-vector file (.bin/.ftz) or class -> attribute table (.csv); default: the installed default vectors");
    cmd->add_option("--backbone", o->t.backbone, "small | mobile | resnet50 | resnet101 | a TorchScript encoder .pt")
        ->capture_default_str();
    cmd->add_option("--iterations", o->t.iterations, "Training iterations (batches)")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--batch", o->t.batchSize, "Images per batch")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--crop", o->t.cropSize, "Training crop side in pixels")->capture_default_str()->check(CLI::Range(32, 4096));
    cmd->add_option("--lr", o->t.learningRate, "Base learning rate (poly schedule)")->capture_default_str();
    cmd->add_option("--optimizer", o->t.optimizer, "adamw | sgd")->capture_default_str();
    cmd->add_option("--backbone-lr-scale", o->t.backboneLrScale,
                    "The encoder's learning rate as a fraction of --lr: 0.1 fine-tunes a pretrained --backbone gently, 0 freezes it")
        ->check(CLI::Range(0.0, 10.0))
        ->capture_default_str();
    cmd->add_option("--encoder-bn", o->t.encoderBatchNorm,
                    "Batch norm in the encoder while training: frozen (running statistics kept, as a frozen pretrained trunk needs), "
                    "train (updated from each batch), auto (frozen when --backbone-lr-scale is 0)")
        ->check(CLI::IsMember({"auto", "frozen", "train"}))
        ->capture_default_str();
    cmd->add_option("--color-jitter", o->t.colorJitter,
                    "Photometric jitter of training crops, 0-1 (brightness/contrast +-0.4x, saturation +-0.5x; 0 = off)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--scale", o->t.logitScale, "Logit scale of the cosine head (the card's temperature)")->capture_default_str();
    cmd->add_option("--calibration-images", o->t.calibrationImages, "Held-out images for the gamma search")->capture_default_str();
    cmd->add_flag("--no-calibrate", o->noCalibrate, "Skip the SPNet-C gamma search (use --gamma)");
    cmd->add_option("--gamma", o->t.gamma, "Gamma when calibration is off")->capture_default_str();
    cmd->add_option("--seed", o->t.seed, "Random seed")->capture_default_str();
    cmd->add_option("--device", o->t.device, "auto | cpu | cuda[:N]")->capture_default_str();
    cmd->add_option("--save-every", o->t.saveEvery, "Iterations between checkpoints")->capture_default_str();
    cmd->add_option("--name", o->t.modelName, "Model name recorded in the card (default: the folder name)");
    cmd->add_option("--out", o->out, "Model folder to write (card.json, weights.pt, state.*, log.jsonl)")->required();
    cmd->add_flag("--resume", o->t.resume, "Continue the training saved in --out");
    cmd->add_option("--from", o->from, "Start from a trained SPNet model folder (with its state.*): only the --method's own stage runs")
        ->excludes("--resume");
    cmd->add_option("--log", o->log, "JSON-lines log file (default: <out>/log.jsonl)");
    cmd->callback([o] { run(*o); });
});

} // namespace
