// Generative options: names, JSON round trip (recorded in the model card) and validation.
#include "core/engine/generative/generative.h"

#include "core/common/error.h"

namespace zm::generative {

std::string methodName(Method m)
{
    switch (m) {
    case Method::Spnet: return "spnet";
    case Method::Zs3: return "zs3";
    case Method::CaGNet: return "cagnet";
    case Method::Vm: return "vm";
    }
    return "spnet";
}

Method parseMethod(const std::string& name)
{
    for (Method m : {Method::Spnet, Method::Zs3, Method::CaGNet, Method::Vm})
        if (methodName(m) == name)
            return m;
    throw Error("unknown method '" + name + "' (expected spnet, zs3, cagnet or vm)");
}

namespace {

// One table drives both directions so a new field cannot be saved but not loaded.
template <class F>
void forEachField(GenerativeOptions& o, F&& f)
{
    f("seed", o.seed);
    f("noise_dim", o.noiseDim);
    f("generator_hidden", o.generatorHidden);
    f("generator_dropout", o.generatorDropout);
    f("mmd_sigmas", o.mmdSigmas);
    f("generator_lr", o.generatorLr);
    f("generator_steps", o.generatorSteps);
    f("samples_per_class", o.samplesPerClass);
    f("classifier_steps", o.classifierSteps);
    f("classifier_lr", o.classifierLr);
    f("classifier_hidden", o.classifierHidden);
    f("unseen_weight", o.unseenWeight);
    f("virtual_classes", o.virtualClasses);
    f("max_real_pixels", o.maxRealPixels);
    f("keep_spnet_gamma", o.keepSpnetGamma);
    f("latent_dim", o.latentDim);
    f("cagnet_hidden", o.cagnetHidden);
    f("discriminator_hidden", o.discriminatorHidden);
    f("discriminator_lr", o.discriminatorLr);
    f("transfer_lr", o.transferLr);
    f("lambda_kld", o.lambdaKld);
    f("lambda_content", o.lambdaContent);
    f("lambda_gan", o.lambdaGan);
    f("lambda_cls_real", o.lambdaClsReal);
    f("lambda_cls_fake", o.lambdaClsFake);
    f("lambda_cls_fake_transfer", o.lambdaClsFakeTransfer);
    f("interval_step1", o.intervalStep1);
    f("interval_step2", o.intervalStep2);
    f("gen_unseen_rate", o.genUnseenRate);
    f("vm_latent_dim", o.vmLatentDim);
    f("vm_hidden", o.vmHidden);
    f("vm_beta", o.vmBeta);
    f("self_train", o.selfTrain);
    f("self_train_steps", o.selfTrainSteps);
    f("pseudo_top_percent", o.pseudoTopPercent);
    f("pseudo_min_confidence", o.pseudoMinConfidence);
    f("checkpoint_every", o.checkpointEvery);
}

} // namespace

Json GenerativeOptions::toJson() const
{
    Json j;
    j["method"] = methodName(method);
    GenerativeOptions copy = *this;
    forEachField(copy, [&](const char* key, auto& value) { j[key] = value; });
    return j;
}

GenerativeOptions GenerativeOptions::fromJson(const Json& j, const std::string& source)
{
    if (!j.is_object())
        throw Error(source + ": expected a JSON object");
    GenerativeOptions o;
    if (j.contains("method")) {
        if (!j["method"].is_string())
            throw Error(source + ": 'method' must be a string");
        o.method = parseMethod(j["method"].get<std::string>());
    }
    forEachField(o, [&](const char* key, auto& value) {
        if (!j.contains(key))
            return;
        using T = std::decay_t<decltype(value)>;
        const Json& v = j[key];
        bool ok = false;
        if constexpr (std::is_same_v<T, bool>)
            ok = v.is_boolean();
        else if constexpr (std::is_integral_v<T>)
            ok = v.is_number_integer();
        else if constexpr (std::is_floating_point_v<T>)
            ok = v.is_number();
        else
            ok = v.is_array();
        if (!ok)
            throw Error(source + ": '" + key + "' has the wrong type (" + v.dump() + ")");
        try {
            value = v.get<T>();
        } catch (const std::exception& e) {
            throw Error(source + ": '" + key + "': " + e.what());
        }
    });
    try {
        o.validate();
    } catch (const Error& e) {
        throw Error(source + ": " + e.what());
    }
    return o;
}

void GenerativeOptions::validate() const
{
    auto positive = [](const char* key, double v) {
        if (!(v > 0))
            throw Error(std::string("'") + key + "' must be positive (got " + std::to_string(v) + ")");
    };
    auto nonNegative = [](const char* key, double v) {
        if (!(v >= 0))
            throw Error(std::string("'") + key + "' must not be negative (got " + std::to_string(v) + ")");
    };
    positive("noise_dim", noiseDim);
    nonNegative("generator_hidden", generatorHidden);
    if (!(generatorDropout >= 0 && generatorDropout < 1))
        throw Error("'generator_dropout' must be in [0, 1)");
    if (mmdSigmas.empty())
        throw Error("'mmd_sigmas' must list at least one kernel width");
    for (double s : mmdSigmas)
        positive("mmd_sigmas", s);
    positive("generator_lr", generatorLr);
    nonNegative("generator_steps", generatorSteps);
    positive("samples_per_class", samplesPerClass);
    nonNegative("classifier_steps", classifierSteps);
    positive("classifier_lr", classifierLr);
    nonNegative("classifier_hidden", classifierHidden);
    positive("unseen_weight", unseenWeight);
    nonNegative("virtual_classes", virtualClasses);
    positive("max_real_pixels", maxRealPixels);
    nonNegative("latent_dim", latentDim);
    positive("cagnet_hidden", cagnetHidden);
    positive("discriminator_hidden", discriminatorHidden);
    positive("discriminator_lr", discriminatorLr);
    positive("transfer_lr", transferLr);
    positive("interval_step1", intervalStep1);
    positive("interval_step2", intervalStep2);
    nonNegative("gen_unseen_rate", genUnseenRate);
    positive("vm_latent_dim", vmLatentDim);
    positive("vm_hidden", vmHidden);
    nonNegative("vm_beta", vmBeta);
    nonNegative("self_train_steps", selfTrainSteps);
    if (!(pseudoTopPercent > 0 && pseudoTopPercent <= 100))
        throw Error("'pseudo_top_percent' must be in (0, 100]");
    if (!(pseudoMinConfidence >= 0 && pseudoMinConfidence <= 1))
        throw Error("'pseudo_min_confidence' must be in [0, 1]");
    nonNegative("checkpoint_every", checkpointEvery);
}

} // namespace zm::generative
