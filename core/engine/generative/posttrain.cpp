// The zs3 / cagnet / vm methods as post-training hooks of the engine's trainer: after the backbone is
// trained on seen classes, train the generative head on its frozen features and store it in the
// model folder beside the backbone.
#include "core/engine/generative/generative.h"

#include "core/common/error.h"
#include "core/engine/generative/generativetrainer.h"
#include "core/engine/trainhooks.h"

#include <cstring>
#include <fstream>

namespace zm::generative {

namespace {

/// Appends JSON lines to the model's training log (the trainer's own log is closed by now).
class LogAppender {
public:
    explicit LogAppender(const std::filesystem::path& file) : mOut(file, std::ios::app) {}
    void write(const Json& j)
    {
        if (mOut) {
            mOut << j.dump() << '\n';
            mOut.flush();
        }
    }

private:
    std::ofstream mOut;
};

void runHook(PostTrainContext& ctx, GenerativeOptions o)
{
    o.method = parseMethod(ctx.options.method);
    o.selfTrain = ctx.options.selfTrain;
    o.seed = ctx.options.seed;
    o.validate();

    const int64_t c = int64_t(ctx.classVectors.size());
    if (c == 0)
        throw Error("method '" + ctx.options.method + "': no classes to train");
    const int64_t e = int64_t(ctx.classVectors.front().size());
    auto vectors = at::empty({c, e}, at::kFloat);
    for (int64_t i = 0; i < c; ++i) {
        if (int64_t(ctx.classVectors[std::size_t(i)].size()) != e)
            throw Error("class '" + ctx.classNames[std::size_t(i)] + "' has a vector of another dimension");
        std::memcpy(vectors[i].data_ptr<float>(), ctx.classVectors[std::size_t(i)].data(), std::size_t(e) * sizeof(float));
    }

    // The feature size is what the backbone really produces: ask it once.
    torch::Tensor f0, l0;
    ctx.nextBatch(f0, l0);
    const int featureDim = int(f0.size(1));
    bool first = true;
    FeatureSource source = [&](std::int64_t, bool) {
        FeatureBatch b;
        if (first) { // do not waste the probe batch
            first = false;
            b.features = f0;
            b.labels = l0;
            return b;
        }
        ctx.nextBatch(b.features, b.labels);
        return b;
    };

    LogAppender log(ctx.options.logFile.empty() ? ctx.outDir / "log.jsonl" : ctx.options.logFile);
    TrainHooks hooks;
    hooks.progress = &ctx.progress;
    hooks.stateFile = ctx.outDir / kGenerativeStateFile;
    hooks.resume = ctx.options.resume;
    hooks.logEvery = std::max(1, ctx.options.logEvery);
    hooks.device = ctx.device.str();
    hooks.log = [&](const Json& j) { log.write(j); };

    log.write(Json{{"event", "generative-start"}, {"method", o.toJson()["method"]}, {"featureDim", featureDim},
                   {"classes", c}, {"options", o.toJson()}});
    GenerativeTrainer trainer(o, featureDim, vectors, ctx.unseen);
    auto model = trainer.train(source, hooks);
    model->to(at::kCPU);
    model->save(ctx.outDir / kGenerativeModelFile);

    auto summary = trainer.summary();
    summary["file"] = kGenerativeModelFile;
    summary["featureDim"] = featureDim;
    // Generated unseen features replace SPNet-C's calibration in these methods; the classifier's
    // logits are used as they are (no cosine scale).
    summary["logitScale"] = 1.0;
    if (o.keepSpnetGamma) {
        summary["gammaNote"] = "gamma of the SPNet stage (SPNet-C, held-out seen-val) kept: keep_spnet_gamma";
    } else {
        summary["gammaNote"] = "gamma 0: generated unseen features counter the seen bias; calibrate on held-out data if needed";
        ctx.card.gamma = 0.0f;
    }
    ctx.card.training["generative"] = summary;
    log.write(Json{{"event", "generative-done"}, {"summary", summary}});
}

} // namespace

void registerGenerativeMethods(const GenerativeOptions& base)
{
    base.validate();
    for (const char* m : {"zs3", "cagnet", "vm"})
        registerPostTrainHook(m, [base](PostTrainContext& ctx) { runHook(ctx, base); });
}

} // namespace zm::generative
