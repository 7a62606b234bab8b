// `zeromask-cli backbone convert|time`: pretrained encoders from package sources. `convert` turns the
// convolutional trunk of a TF.js model (a Keras layers model as model.json or the browserify
// model.min.js bundle of npm nsfwjs, or a graph model such as the CenterNet of npm @vladmandic/human)
// into a TorchScript encoder for `train --backbone FILE.pt` (core/engine/tfjsconvert.h);
// `time` measures a backbone's forward on this machine (core/engine/backbonetiming.h).
#include "app/cli/command.h"

#include "core/common/error.h"
#include "core/common/strings.h"
#include "core/engine/backbonetiming.h"
#include "core/engine/tfjsconvert.h"

#include <cmath>
#include <iostream>

namespace {

struct ConvertOpts {
    std::string model, out;
    zm::TfjsConvertOptions convert;
    bool noFold = false;
};

struct TimeOpts {
    std::vector<std::string> backbones{"small"};
    int size = 512, runs = 10;
};

zm::cli::Registrar reg(45, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("backbone", "Pretrained backbones: convert a TF.js model's trunk to TorchScript, time a backbone");
    cmd->require_subcommand(1);

    auto c = std::make_shared<ConvertOpts>();
    auto* conv = cmd->add_subcommand("convert", "Convert the convolutional trunk of a TF.js model (Keras layers model or graph model, "
                                                "told apart by model.json's format) into a TorchScript encoder for 'train --backbone FILE.pt'");
    conv->add_option("--tfjs", c->model, "model.json (any name, e.g. centernet.json), a model.min.js bundle (npm nsfwjs), or a folder "
                                         "holding model.json or model.min.js")
        ->required();
    conv->add_option("--until", c->convert.until,
                     "Last layer (graph node) to keep, e.g. block_10_project_BN or tower_0/CenternetHead/Relu (default: the model's output)");
    conv->add_option("--low", c->convert.lowLevel,
                     "An earlier layer (graph node) also returned, as the decoder's high-resolution skip (DeepLabv3+), e.g. "
                     "block_3_expand_relu (stride 4) or StatefulPartitionedCall/model/stack_1/block_1/add/add; the module then "
                     "returns (low, output)");
    conv->add_option("--out", c->out, "TorchScript file to write (.pt)")->required();
    conv->add_option("--input", c->convert.input,
                     "What the engine feeds the encoder, undone inside it so the trunk sees RGB 0..1: imagenet (the model card's "
                     "default mean/std, what 'train' uses) or none")
        ->check(CLI::IsMember({"imagenet", "none"}))
        ->capture_default_str();
    conv->add_option("--input-range", c->convert.inputRange,
                     "The RGB range the TF.js model expects: 1 (RGB 0..1, nsfwjs) or 255 (RGB 0..255, the CenterNet); the module scales "
                     "RGB 0..1 to it inside")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    conv->add_flag("--no-fold", c->noFold, "Keep batch norms as separate scale/shift steps instead of folding them into the convolutions");
    conv->add_flag("--same-padding", c->convert.samePadding,
                   "Keras layers models: read every 'valid' convolution and pooling as TF 'same', so a trunk built with valid "
                   "padding (InceptionV3) gives an H/s x W/s map aligned with the image");
    conv->add_flag("--per-cell", c->convert.perCell,
                   "Graph models: with --until at an image classifier's logits (a dense layer on a global mean), run that "
                   "classifier at every feature cell: per-cell class logits, the input of 'eval --conse'");
    conv->callback([c] {
        c->convert.foldBatchNorm = !c->noFold;
        const auto r = zm::convertTfjsToTorchScript(c->model, c->convert, c->out);
        const bool graph = r.format == "graph-model";
        const std::string range = "RGB 0.." + zm::fmt(c->convert.inputRange, c->convert.inputRange < 1e9 && std::floor(c->convert.inputRange) == c->convert.inputRange ? 0 : 3);
        std::cout << "wrote " << c->out << ": " << (graph ? "nodes" : "layers") << " up to '" << r.output << "' (" << r.layers
                  << (graph ? " graph nodes: " : " Keras layers: ") << zm::join(r.classes, ", ") << "), output " << r.channels
                  << " channels at stride " << r.stride
                  << (r.lowOutput.empty() ? std::string()
                                          : ", low-level '" + r.lowOutput + "' " + std::to_string(r.lowChannels) +
                                                " channels at stride " + std::to_string(r.lowStride))
                  << ", " << r.parameters << " parameters; input "
                  << (c->convert.input == "imagenet" ? "ImageNet-normalised RGB (the card default), mapped back to " + range + " inside"
                                                     : c->convert.inputRange == 1.0 ? std::string("RGB 0..1 as is") : "RGB 0..1, scaled to " + range + " inside")
                  << "\n";
    });

    auto t = std::make_shared<TimeOpts>();
    auto* tm = cmd->add_subcommand("time", "Forward time of backbones on a SIZExSIZE input: the encoder alone and the whole network "
                                           "'train' builds on it (ASPP, decoder, 100-d head)");
    tm->add_option("backbones", t->backbones, "small | mobile | resnet50 | resnet101 | FILE.pt (several: one line each)")->capture_default_str();
    tm->add_option("--size", t->size, "Input side in pixels (multiple of 32)")->capture_default_str();
    tm->add_option("--runs", t->runs, "Timed runs after two warm-up runs")->capture_default_str();
    tm->callback([t] {
        for (const auto& b : t->backbones) {
            const auto r = zm::timeBackbone(b, t->size, t->runs);
            std::cout << b << ": encoder " << r.channels << " ch at stride " << r.stride << ", " << r.encoderParameters
                      << " parameters: median " << zm::fmt(r.encoderMedianMs, 1) << " ms (min " << zm::fmt(r.encoderMinMs, 1)
                      << "); whole network " << r.networkParameters << " parameters: median " << zm::fmt(r.networkMedianMs, 1)
                      << " ms (min " << zm::fmt(r.networkMinMs, 1) << ") at " << t->size << "x" << t->size << ", " << t->runs << " runs\n";
        }
    });
});

} // namespace
