// The --conse options that `predict` and `eval` share: ConSE among the unseen classes (core/engine/conse.h).
#pragma once
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/embed/embedder.h"
#include "core/engine/conse.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace zm::cli {

struct ConseCliOptions {
    std::string classifier, labels;
    int top = 10;
    double scale = 1.0;
    std::string scope = "objects";
    bool enabled() const { return !classifier.empty(); }
};

inline void addConseOptions(CLI::App& cmd, ConseCliOptions& o)
{
    cmd.add_option("--conse", o.classifier,
                   "ConSE among the unseen classes: a per-cell image classifier (backbone convert --per-cell; "
                   "efficientnet-b0-classifier.pt of ZEROMASK_EFFICIENTNET=1 scripts/fetch-backbones.sh) relabels the pixels "
                   "the model gives to an unseen class with the unseen class its top classes' names are nearest");
    cmd.add_option("--conse-labels", o.labels, "The classifier's class names (default: <classifier>.labels.json beside it)");
    cmd.add_option("--conse-top", o.top, "ConSE's T: the most probable classifier classes mixed per cell")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd.add_option("--conse-scale", o.scale,
                   "The classifier sees the model's input resized by this factor (small objects are recognised better enlarged)")
        ->check(CLI::Range(0.25, 4.0))
        ->capture_default_str();
    cmd.add_option("--conse-scope", o.scope,
                   "Which pixels ConSE relabels: unseen (those the model gives to unseen classes, among the unseen classes), "
                   "objects (those, among every class but 'background') or all (every pixel not given to 'background')")
        ->check(CLI::IsMember({"unseen", "objects", "all"}))
        ->capture_default_str();
}

/// `segmenter` wrapped with ConSE when --conse was given (the labels' vectors from `embedder`, which must be
/// the model's space); unchanged otherwise.
inline std::unique_ptr<Segmenter> withConseOptions(std::unique_ptr<Segmenter> segmenter, const ConseCliOptions& o,
                                                   const ClassEmbedder& embedder)
{
    if (!o.enabled())
        return segmenter;
    ConseOptions co = conseOptionsFor(o.classifier, o.labels, embedder);
    co.top = o.top;
    co.inputScale = o.scale;
    co.scope = parseConseScope(o.scope);
    return withConse(std::move(segmenter), co);
}

/// What the JSON of a run records (null without ConSE).
inline Json conseJson(const ConseCliOptions& o)
{
    if (!o.enabled())
        return nullptr;
    return {{"classifier", std::filesystem::absolute(o.classifier).lexically_normal().string()},
            {"top", o.top},
            {"inputScale", o.scale},
            {"scope", o.scope}};
}

/// Part of what a resumed `predict` run must match (empty without ConSE).
inline std::string conseSignature(const ConseCliOptions& o)
{
    if (!o.enabled())
        return {};
    return " | conse=" + std::filesystem::absolute(o.classifier).lexically_normal().string() + " top=" + std::to_string(o.top) +
           " scale=" + fmt(o.scale, 4) + " scope=" + o.scope;
}

} // namespace zm::cli
