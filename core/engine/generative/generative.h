// The generative zero-shot family (ZS3Net, CaGNet, variational mapping) and self-training: the
// Torch-free part of the integration contract, i.e. the options a trainer records in the model card.
//
// Integration contract (how the engine's trainer and Segmenter use this folder; details in
// docs/GENERATIVE.md):
//  1. The engine trains its backbone on seen classes as for SPNet (method spnet), then, for
//     method zs3 | cagnet | vm, freezes it and calls
//        generative::GenerativeTrainer(options, featureDim, classVectors, unseenMask).train(source, ...)
//     (core/engine/generative/generativetrainer.h, Torch inside core/ only). `source` is a callback that
//     returns one batch of frozen-backbone feature maps [B,D,h,w] with labels [B,h,w] at feature
//     resolution (nearest-neighbour shrunk, -1 = ignore/void, otherwise an index into classVectors).
//     The result is a GenerativeModel saved beside the backbone weights (generative.pt).
//  2. Segmenter::score() for such a model calls GenerativeModel::logits(features, classVectors): the
//     per-class classifier is computed from each class vector (ClassifierFactory / VM decoder), so any
//     new class name typed in the GUI still works (< 1 ms per class). Softmax, calibration gamma, void
//     threshold and up-sampling stay the Segmenter's, exactly as for SPNet.
//  3. The card records GenerativeOptions::toJson() under training.generative and method = methodName().
#pragma once
#include "core/common/json.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zm::generative {

enum class Method { Spnet, Zs3, CaGNet, Vm };

/// "spnet" | "zs3" | "cagnet" | "vm".
std::string methodName(Method m);
/// Inverse of methodName; throws zm::Error naming the value and the accepted ones.
Method parseMethod(const std::string& name);

/// Hyper-parameters of every generative method. Defaults follow the authors' code (valeoai/ZS3,
/// bcmi/CaGNet) and are scaled where ZeroMask's small backbone needs it (noted per field).
struct GenerativeOptions {
    Method method = Method::Zs3;
    std::uint64_t seed = 1;

    // ---- ZS3Net GMMN generator (also the feature generator of VM) ----
    int noiseDim = 300;         ///< ZS3: noise_dim 300 (uniform [0,1) noise)
    int generatorHidden = 256;  ///< ZS3: hidden_size 256, LeakyReLU(0.2), dropout 0.5
    float generatorDropout = 0.5f;
    std::vector<double> mmdSigmas{2, 5, 10, 20, 40, 80}; ///< ZS3 kernel widths
    float generatorLr = 2e-4f;  ///< ZS3: lr_generator 0.0002 (Adam)
    int generatorSteps = 2000;  ///< batches of real features the generator is trained on
    int samplesPerClass = 128;  ///< ZS3: batch_size_generator 128 pixels per class per MMD term

    // ---- final classifier (a function of the class vector) ----
    int classifierSteps = 1000;
    float classifierLr = 1e-3f; ///< Adam; ZS3 retrains with SGD 0.007 on a DeepLab head, scaled here
    int classifierHidden = 256; ///< ClassifierFactory hidden width (0 = purely linear map)
    /// Loss weight of unseen classes. ZS3's code uses 100 because its unseen (generated) pixels are
    /// rare in a batch; here each unseen class gets as many generated pixels as an average seen class
    /// has real ones, so 1 is the balanced equivalent.
    float unseenWeight = 1.0f;
    /// Generated features of random virtual class vectors added per classifier step (blends of the
    /// training vectors): teaches the class-vector -> classifier map to generalise to names typed later.
    int virtualClasses = 4;
    int maxRealPixels = 4096;   ///< real pixels sampled per classifier step (CPU budget)
    /// Keep the SPNet stage's calibration gamma (found on held-out seen-val images, SPNet-C) in the card
    /// instead of 0. Generated unseen features reduce the seen bias but, on a weak backbone, do not remove
    /// it (docs/BENCHMARKS.md); this applies the bias correction that was chosen without test data.
    bool keepSpnetGamma = false;

    // ---- CaGNet ----
    /// Contextual latent size; 0 = the feature dim as in CaGNet (600). 32 by default: the module's
    /// dilated 3x3 convolutions over whole feature maps cost O(D L + L^2) per pixel and dominated a
    /// CPU training step at L = 128.
    int latentDim = 32;
    int cagnetHidden = 512;     ///< generator MLP width; CaGNet: 1024-960-864-784-720 for 600-d, scaled
    int discriminatorHidden = 512; ///< CaGNet: out_dim_fc 1024, scaled
    float discriminatorLr = 2.5e-4f; ///< CaGNet dis_opt lr; gen_opt lr is generatorLr (0.0002)
    float transferLr = 5e-5f;   ///< CaGNet lr_transfer (fine-tuning phase, generator and classifier)
    float lambdaKld = 100.0f;   ///< lambda_B_KLD
    float lambdaContent = 50.0f; ///< lambda_G_Content (MMD content loss)
    float lambdaGan = 1.0f;     ///< lambda_G_GAN
    float lambdaClsReal = 0.75f; ///< lambda_D_cls_real (fine-tuning config)
    float lambdaClsFake = 0.25f; ///< lambda_D_cls_fake
    float lambdaClsFakeTransfer = 0.125f; ///< lambda_D_cls_fake_transfer (step 2)
    int intervalStep1 = 100;    ///< CaGNet interval_step1: feature-generation iterations per block
    int intervalStep2 = 100;    ///< CaGNet interval_step2: classifier iterations per block
    float genUnseenRate = 9.0f; ///< CaGNet gen_unseen_rate: unseen classes drawn (1+rate)x as often in step 2

    // ---- variational mapping (Kato et al.) ----
    int vmLatentDim = 64;       ///< z size of the class-vector VAE
    /// Encoder / decoder width. Scoring costs pixels x classes x vmHidden (the decoder is non-linear),
    /// so it is kept smaller than the other heads.
    int vmHidden = 128;
    /// Weight of the KL term of the class-vector VAE. Too large and the class posteriors collapse onto
    /// the prior, the sampled codes carry no class and the decoder falls back to class frequencies:
    /// 1 did so on the toy world of the tests, 0.1 on FashionScenes (every object pixel sandal or
    /// pullover, hIoU 5.9; KL ~1 nat per class). 0.01 / 0.001 gave hIoU 13.8 / 14.1 (docs/BENCHMARKS.md).
    float vmBeta = 0.001f;

    // ---- self-training (ZS5Net / CaGNet-ST / STRICT style), any method ----
    bool selfTrain = false;
    int selfTrainSteps = 500;
    /// Per unseen class, keep the top `pseudoTopPercent` % most confident pixels predicted as that
    /// class (CaGNet-ST keeps top_p = 10 %); pixels must also reach `pseudoMinConfidence`.
    float pseudoTopPercent = 10.0f;
    float pseudoMinConfidence = 0.5f;

    // ---- bookkeeping ----
    int checkpointEvery = 200;  ///< steps between resumable state saves (0 = only at the end / cancel)

    Json toJson() const;
    /// Missing keys keep their defaults; a key of the wrong type or an out-of-range value throws
    /// zm::Error naming `source` and the key.
    static GenerativeOptions fromJson(const Json& j, const std::string& source = "generative options");
    /// Throws zm::Error for values that cannot work (negative steps, empty sigma list, ...).
    void validate() const;
};

/// Registers the post-training hooks of zs3, cagnet and vm with the engine's trainer
/// (core/engine/trainhooks.h), so `trainModel` with TrainerOptions::method = zs3 | cagnet | vm trains
/// the backbone as SPNet does, then the generative head on its frozen features, and writes
/// generative.pt into the model folder. Call before training (the CLI's train command or main):
/// static registration alone would be dropped by the linker from a static library. `base` supplies
/// every hyper-parameter except method, selfTrain and seed, which come from TrainerOptions; calling
/// again replaces the hooks (e.g. with options parsed from --generative-options).
void registerGenerativeMethods(const GenerativeOptions& base = GenerativeOptions());

/// File name of the generative head inside a model folder.
inline const char* kGenerativeModelFile = "generative.pt";
/// File name of the generative trainer's resumable state inside a model folder.
inline const char* kGenerativeStateFile = "generative-state.pt";

} // namespace zm::generative
