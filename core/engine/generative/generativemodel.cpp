// A trained generative zero-shot head.
#include "core/engine/generative/generativemodel.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/engine/checkpoint.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

namespace zm::generative {

namespace {
constexpr int kFormat = 1;
}

at::Tensor toPixelRows(const at::Tensor& featureMap)
{
    return featureMap.permute({0, 2, 3, 1}).reshape({-1, featureMap.size(1)});
}

at::Tensor generativeProbabilities(const GenerativeModel& model, const at::Tensor& features, const at::Tensor& classVectors,
                                   double temperature)
{
    if (features.dim() != 3)
        throw Error("generativeProbabilities: features must be [F,h,w]");
    if (!(temperature > 0))
        throw Error("generativeProbabilities: temperature must be positive");
    const auto logits = model.logits(features.unsqueeze(0), classVectors)[0];
    return at::softmax(logits / temperature, 0).to(at::kCPU).contiguous();
}

GenerativeModel::GenerativeModel(const GenerativeOptions& options, int featureDim, int embedDim)
    : mOptions(options), mFeatureDim(featureDim), mEmbedDim(embedDim), mRoot(std::make_shared<torch::nn::Module>())
{
    mOptions.validate();
    if (featureDim <= 0 || embedDim <= 0)
        throw Error("generative model: feature and class-vector sizes must be positive (got " +
                    std::to_string(featureDim) + ", " + std::to_string(embedDim) + ")");
    mLatentDim = mOptions.latentDim > 0 ? mOptions.latentDim : featureDim;
    switch (mOptions.method) {
    case Method::Spnet:
        throw Error("method 'spnet' is a projection model, not a generative one");
    case Method::Zs3:
        gmmn = mRoot->register_module("gmmn", GmmnGenerator(embedDim, mOptions.noiseDim, mOptions.generatorHidden,
                                                             featureDim, mOptions.generatorDropout));
        classifier = mRoot->register_module("classifier",
                                            ClassifierFactory(embedDim, mOptions.classifierHidden, featureDim));
        break;
    case Method::CaGNet:
        contextual = mRoot->register_module("contextual", ContextualModule(featureDim, mLatentDim));
        cagnetGenerator = mRoot->register_module(
            "generator", CagnetGenerator(embedDim, mLatentDim, mOptions.cagnetHidden, featureDim));
        discriminator =
            mRoot->register_module("discriminator", Discriminator(featureDim, mOptions.discriminatorHidden));
        classifier = mRoot->register_module("classifier",
                                            ClassifierFactory(embedDim, mOptions.classifierHidden, featureDim));
        break;
    case Method::Vm:
        gmmn = mRoot->register_module("gmmn", GmmnGenerator(embedDim, mOptions.noiseDim, mOptions.generatorHidden,
                                                             featureDim, mOptions.generatorDropout));
        vae = mRoot->register_module("vae",
                                     VaeMapping(embedDim, featureDim, mOptions.vmLatentDim, mOptions.vmHidden));
        break;
    }
}

at::Tensor GenerativeModel::pixelLogits(const at::Tensor& pixels, const at::Tensor& classVectors, at::Tensor* kld)
{
    if (mOptions.method == Method::Vm) {
        auto [mu, logvar] = vae->encode(classVectors);
        auto z = vae->is_training() ? mu + at::randn_like(mu) * at::exp(0.5 * logvar) : mu;
        if (kld)
            *kld = -0.5 * (1.0 + logvar - mu.pow(2) - logvar.exp()).sum(1).mean();
        return vae->decode(pixels, z);
    }
    auto [w, b] = classifier(classVectors);
    if (kld)
        *kld = at::zeros({}, pixels.options());
    return at::addmm(b.unsqueeze(0), pixels, w.t());
}

at::Tensor GenerativeModel::logits(const at::Tensor& features, const at::Tensor& classVectors) const
{
    const bool map = features.dim() == 4;
    if ((features.dim() != 4 && features.dim() != 2) || features.size(1) != mFeatureDim)
        throw Error("generative model: features must be [B," + std::to_string(mFeatureDim) + ",h,w] or [N," +
                    std::to_string(mFeatureDim) + "]");
    if (classVectors.dim() != 2 || classVectors.size(1) != mEmbedDim)
        throw Error("generative model: class vectors have dimension " +
                    (classVectors.dim() == 2 ? std::to_string(classVectors.size(1)) : std::string("?")) +
                    ", the model was trained with " + std::to_string(mEmbedDim));
    torch::NoGradGuard noGrad;
    // Forward passes in eval mode read parameters only, so sharing them across threads is safe.
    auto* self = const_cast<GenerativeModel*>(this);
    const auto rows = map ? toPixelRows(features) : features;
    const auto out = self->pixelLogits(rows.to(at::kFloat), classVectors.to(rows.device(), at::kFloat));
    if (!map)
        return out;
    return out.reshape({features.size(0), features.size(2), features.size(3), -1}).permute({0, 3, 1, 2}).contiguous();
}

std::pair<at::Tensor, at::Tensor> GenerativeModel::classifierWeights(const at::Tensor& classVectors) const
{
    if (!isLinear())
        throw Error("generative model: method 'vm' has a non-linear decoder, no per-class weight vector");
    torch::NoGradGuard noGrad;
    return const_cast<GenerativeModel*>(this)->classifier(classVectors.to(at::kFloat));
}

at::Tensor GenerativeModel::generate(const at::Tensor& vectors)
{
    if (mOptions.method == Method::CaGNet) {
        auto latent = at::randn({vectors.size(0), mLatentDim}, vectors.options());
        return cagnetGenerator(vectors, latent);
    }
    auto noise = at::rand({vectors.size(0), mOptions.noiseDim}, vectors.options());
    return gmmn(vectors, noise);
}

void GenerativeModel::setTraining(bool on) { mRoot->train(on); }

void GenerativeModel::to(const at::Device& device) { mRoot->to(device); }

void GenerativeModel::save(const std::filesystem::path& file) const
{
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(int64_t(kFormat)));
    archive.write("options", c10::IValue(mOptions.toJson().dump()));
    archive.write("feature_dim", c10::IValue(int64_t(mFeatureDim)));
    archive.write("embed_dim", c10::IValue(int64_t(mEmbedDim)));
    torch::serialize::OutputArchive weights = cpuArchiveOf(*mRoot); // loads on any device
    archive.write("weights", weights);
    writeFileAtomicWith(file, [&](const std::filesystem::path& tmp) { archive.save_to(tmp.string()); });
}

std::unique_ptr<GenerativeModel> GenerativeModel::load(const std::filesystem::path& file, const std::string& device)
{
    if (!std::filesystem::exists(file))
        throw fileError(file.string(), "no such generative model file");
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(file.string(), at::Device(device));
        c10::IValue format, options, featureDim, embedDim;
        if (!archive.try_read("format", format) || !archive.try_read("options", options) ||
            !archive.try_read("feature_dim", featureDim) || !archive.try_read("embed_dim", embedDim))
            throw fileError(file.string(), "not a ZeroMask generative model (missing header entries)");
        if (format.toInt() != kFormat)
            throw fileError(file.string(), "generative model format " + std::to_string(format.toInt()) +
                                               " is not supported (expected " + std::to_string(kFormat) + ")");
        const auto opts = GenerativeOptions::fromJson(Json::parse(options.toStringRef()), file.string());
        auto model = std::make_unique<GenerativeModel>(opts, int(featureDim.toInt()), int(embedDim.toInt()));
        torch::serialize::InputArchive weights;
        if (!archive.try_read("weights", weights))
            throw fileError(file.string(), "generative model has no weights");
        model->mRoot->load(weights);
        model->to(at::Device(device));
        model->setInference();
        return model;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw fileError(file.string(), std::string("cannot read generative model: ") + e.what());
    }
}

} // namespace zm::generative
