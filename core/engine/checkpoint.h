// Checkpoints (internal; Torch inside): a model folder holds card.json, weights.pt, state.pt +
// state.json (optimiser and progress, for resuming) and, for a TorchScript backbone, backbone.pt.
// The card is read and checked before any tensor is touched.
#pragma once
#include "core/engine/modelcard.h"
#include "core/engine/segnet.h"

#include <torch/optim/optimizer.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>

namespace zm {

struct ModelPaths {
    std::filesystem::path dir, card, weights;
    std::filesystem::path state() const { return dir / "state.pt"; }
    std::filesystem::path stateJson() const { return dir / "state.json"; }
};

/// A model folder, its card.json, or its weights .pt (card beside it: card.json or <stem>.json).
/// Throws zm::Error naming the path when the model or its card is missing.
ModelPaths resolveModelPaths(const std::filesystem::path& model);

/// The card's "architecture" for a backbone + head.
Json architectureJson(const BackboneOptions& backbone, const HeadOptions& head);
/// Parses a card's architecture; a relative TorchScript path is resolved against `dir`.
void parseArchitecture(const ModelCard& card, const std::filesystem::path& dir, const std::string& source,
                       BackboneOptions& backbone, HeadOptions& head);

struct LoadedModel {
    ModelCard card;
    SegNet net{nullptr};
    ModelPaths paths;
};

/// Reads and checks the card (format, architecture, vector space vs `expectedSpace` when valid), builds
/// the network and loads its weights on the CPU. Corrupt/truncated/mismatched weights give
/// "<weights path>: ..." errors.
LoadedModel loadModel(const std::filesystem::path& model, const VectorSpaceId& expectedSpace = {});

/// The module's parameters and buffers in the layout Module::save writes (so Module::load reads it), each
/// a detached copy on the CPU: a model trained on a GPU loads on a machine without one, and the archive
/// never shares storage with the live (still training) module. Every weights file is written from one.
torch::serialize::OutputArchive cpuArchiveOf(const torch::nn::Module& module);

/// Writes weights.pt (from cpuArchiveOf(net), wherever `net` lives; backbone.pt too for a TorchScript
/// backbone) then card.json, each atomically.
void saveModel(const std::filesystem::path& dir, ModelCard card, const SegNet& net);

/// Optimiser state + progress (iteration, rng, ...) for resuming.
void saveTrainingState(const std::filesystem::path& dir, torch::optim::Optimizer& optimizer, const Json& progress);
/// Loads what saveTrainingState wrote, its tensors onto `device` (the device of the optimiser's
/// parameters: a state saved on a GPU resumes on the CPU and the other way round); returns the progress JSON.
Json loadTrainingState(const std::filesystem::path& dir, torch::optim::Optimizer& optimizer,
                       const torch::Device& device = torch::kCPU);

} // namespace zm
