// How other training methods plug into the trainer (internal; Torch inside). A method such as zs3,
// cagnet or vm registers a hook under its name; `zeromask-cli train --method NAME` trains the backbone
// and projection as SPNet does, then calls the hook with the trained network and a source of real,
// frozen seen-class features. The hook may add files to the model folder and edit the card.
#pragma once
#include "core/engine/segnet.h"
#include "core/engine/trainer.h"

#include <functional>
#include <string>

namespace zm {

struct PostTrainContext {
    const TrainerOptions& options;
    const TrainingData& data;
    SegNet net;                    ///< trained, in eval mode, on `device`
    torch::Device device;
    /// The model's classes: seen (training) classes first, then unseen; with their vectors.
    std::vector<std::string> classNames;
    std::vector<std::vector<float>> classVectors;
    std::vector<bool> unseen;
    /// Next batch of frozen backbone features [B,F,h,w] (no grad, on `device`) with labels [B,h,w]
    /// (int64, at feature resolution by nearest neighbour; -1 = ignore; else an index into classNames,
    /// only seen classes appear). Random crops of the training images, cycling forever.
    std::function<void(torch::Tensor& features, torch::Tensor& labels)> nextBatch;
    ModelCard& card;               ///< written after the hook returns
    std::filesystem::path outDir;
    Progress& progress;
};

using PostTrainHook = std::function<void(PostTrainContext&)>;

/// Registers (or replaces) the hook of a method name. Call from a static initialiser or before training.
void registerPostTrainHook(const std::string& method, PostTrainHook hook);
/// The hook of a method, or an empty function.
PostTrainHook findPostTrainHook(const std::string& method);

} // namespace zm
