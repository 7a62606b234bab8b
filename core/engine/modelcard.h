// The model card: everything needed to use and trust a checkpoint, stored as card.json beside the
// weights. Loading refuses a card that does not fit (another vector space, unknown architecture).
#pragma once
#include "core/common/json.h"
#include "core/common/vectorspace.h"

#include <filesystem>
#include <string>
#include <vector>

namespace zm {

struct ModelCard {
    int formatVersion = 1;
    std::string name;                     ///< human name of the model
    std::string method = "spnet";         ///< spnet | zs3 | cagnet | vm
    Json architecture;                    ///< backbone options (kind, width, depth, feature dim, ...)
    VectorSpaceId vectorSpace;
    std::vector<std::string> seenClasses;
    std::vector<std::string> unseenClasses;
    std::vector<std::vector<float>> seenVectors; ///< class vectors used in training (for isSeen)
    std::vector<std::vector<float>> unseenVectors; ///< vectors of the unseen classes (so eval needs no vectors file)
    float gamma = 0.0f;                   ///< SPNet-C calibration found on seen-val
    float temperature = 1.0f;             ///< logits = scale * cos; stored as the scale
    std::vector<float> mean{0.485f, 0.456f, 0.406f}; ///< input normalisation (RGB, 0..1)
    std::vector<float> stdev{0.229f, 0.224f, 0.225f};
    Json training;                        ///< data, split, budget, hyper-parameters, seed, time
    Json metrics;                         ///< evaluation results recorded at training time
    Json software;                        ///< versions used
    std::string created;                  ///< ISO date-time

    Json toJson() const;
    static ModelCard fromJson(const Json& j, const std::string& source = "card");
    static ModelCard load(const std::filesystem::path& cardFile);
    void save(const std::filesystem::path& cardFile) const;
};

} // namespace zm
