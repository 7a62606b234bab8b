// Training loops of the generative methods.
#include "core/engine/generative/generativetrainer.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/engine/checkpoint.h"
#include "core/engine/generative/losses.h"
#include "core/engine/generative/selftraining.h"

#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>

namespace zm::generative {

namespace {

struct Stage {
    std::string name; ///< "generator", "classifier", "self-training"
    std::int64_t steps;
};

void setLr(torch::optim::Adam* opt, double lr)
{
    if (!opt)
        return;
    for (auto& group : opt->param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

} // namespace

struct GenerativeTrainer::State {
    GenerativeOptions options;
    int featureDim = 0;
    at::Tensor classVectors; ///< [C,E]
    at::Tensor unseen;       ///< [C] bool
    at::Tensor seenIdx, unseenIdx;
    std::vector<Stage> stages;
    std::unique_ptr<GenerativeModel> model;
    std::unique_ptr<torch::optim::Adam> optG, optD, optC;
    Json lastLosses = Json::object();
    std::vector<double> stageSeconds;
    std::int64_t resumedFrom = 0;

    // ---------------------------------------------------------------- helpers
    std::string fingerprint() const
    {
        Json j = options.toJson();
        j["feature_dim"] = featureDim;
        j["classes"] = classVectors.size(0);
        j["embed_dim"] = classVectors.size(1);
        std::vector<int> u;
        for (int64_t i = 0; i < unseen.size(0); ++i)
            u.push_back(unseen[i].item<bool>() ? 1 : 0);
        j["unseen"] = u;
        return j.dump();
    }

    /// Real labelled pixels of a batch: rows [N,D], labels [N] with unseen/void removed, at most `cap`.
    std::pair<at::Tensor, at::Tensor> realPixels(const FeatureBatch& b, int64_t cap) const
    {
        if (!b.features.defined() || b.features.dim() != 4 || b.features.size(1) != featureDim)
            throw Error("generative trainer: the feature source must return features [B," + std::to_string(featureDim) +
                        ",h,w]");
        if (!b.labels.defined() || b.labels.dim() != 3 || b.labels.size(0) != b.features.size(0) ||
            b.labels.size(1) != b.features.size(2) || b.labels.size(2) != b.features.size(3))
            throw Error("generative trainer: labels must be [B,h,w] at feature resolution");
        const auto dev = classVectors.device();
        auto rows = toPixelRows(b.features.detach()).to(dev, at::kFloat);
        auto y = b.labels.reshape({-1}).to(dev, at::kLong);
        if (y.numel() && y.max().item<int64_t>() >= classVectors.size(0))
            throw Error("generative trainer: label " + std::to_string(y.max().item<int64_t>()) +
                        " is out of range (" + std::to_string(classVectors.size(0)) + " classes)");
        const auto valid = y.ge(0) & unseen.index_select(0, y.clamp_min(0)).logical_not();
        auto idx = at::nonzero(valid).flatten();
        if (idx.size(0) > cap)
            idx = idx.index_select(0, at::randperm(idx.size(0), idx.options()).slice(0, 0, cap));
        return {rows.index_select(0, idx), y.index_select(0, idx)};
    }

    /// Random blends of two training vectors, rescaled to the blended norm: "names typed later".
    at::Tensor virtualVectors(int64_t k) const
    {
        const int64_t c = classVectors.size(0);
        if (k <= 0 || c < 2)
            return at::empty({0, classVectors.size(1)}, classVectors.options());
        auto i = at::randint(c, {k}, classVectors.options().dtype(at::kLong));
        auto j = (i + at::randint(1, c, {k}, i.options())) % c;
        auto a = at::rand({k, 1}, classVectors.options()) * 0.5 + 0.25;
        auto ei = classVectors.index_select(0, i), ej = classVectors.index_select(0, j);
        auto v = a * ei + (1 - a) * ej;
        auto norm = a * ei.norm(2, 1, true) + (1 - a) * ej.norm(2, 1, true);
        return v / v.norm(2, 1, true).clamp_min(1e-8) * norm;
    }

    /// Mean MMD between fake and real pixels of each class present (the content loss).
    at::Tensor classMmd(const at::Tensor& fake, const at::Tensor& real, const at::Tensor& y) const
    {
        const auto classes = std::get<0>(at::_unique(y));
        at::Tensor total = at::zeros({}, real.options());
        int n = 0;
        for (int64_t i = 0; i < classes.size(0); ++i) {
            auto idx = at::nonzero(y.eq(classes[i])).flatten();
            if (idx.size(0) < 2)
                continue;
            if (idx.size(0) > options.samplesPerClass)
                idx = idx.index_select(0, at::randperm(idx.size(0), idx.options()).slice(0, 0, options.samplesPerClass));
            total = total + mmdLoss(fake.index_select(0, idx), real.index_select(0, idx), options.mmdSigmas);
            ++n;
        }
        return n ? total / double(n) : total;
    }

    // ---------------------------------------------------------------- steps
    /// ZS3Net: one MMD step per seen class present (GMMN; also VM's generator).
    Json gmmnStep(const FeatureBatch& b)
    {
        auto [x, y] = realPixels(b, std::numeric_limits<int64_t>::max());
        const auto classes = std::get<0>(at::_unique(y));
        if (classes.size(0) == 0)
            return Json{{"skipped", true}};
        model->gmmn->train();
        optG->zero_grad();
        at::Tensor loss = at::zeros({}, x.options());
        for (int64_t i = 0; i < classes.size(0); ++i) {
            auto idx = at::nonzero(y.eq(classes[i])).flatten();
            if (idx.size(0) > options.samplesPerClass)
                idx = idx.index_select(0, at::randperm(idx.size(0), idx.options()).slice(0, 0, options.samplesPerClass));
            const auto real = x.index_select(0, idx);
            const auto e = classVectors.index_select(0, classes[i].unsqueeze(0)).expand({idx.size(0), -1});
            loss = loss + mmdLoss(model->generate(e), real, options.mmdSigmas);
        }
        loss = loss / double(classes.size(0));
        loss.backward();
        optG->step();
        return Json{{"mmd", loss.item<double>()}};
    }

    /// Final-classifier step on real seen pixels + generated unseen + virtual classes (+ pseudo-labels).
    Json classifierStep(const FeatureBatch& b, bool seenOnly, const at::Tensor& extraX = {}, const at::Tensor& extraY = {})
    {
        auto [x, y] = realPixels(b, options.maxRealPixels);
        std::vector<at::Tensor> xs{x}, ys{y};
        int64_t nVirtual = 0;
        at::Tensor classes = classVectors;
        if (!seenOnly) {
            const int64_t seenPresent = std::max<int64_t>(1, std::get<0>(at::_unique(y)).size(0));
            const int64_t perClass =
                std::clamp<int64_t>(x.size(0) / seenPresent, 16, 4 * int64_t(options.samplesPerClass));
            auto gen = [&](const at::Tensor& vectors) {
                torch::NoGradGuard noGrad;
                // Generators stay in training mode (dropout on) as in ZS3's code: more diverse features.
                return model->generate(vectors.repeat_interleave(perClass, 0));
            };
            if (unseenIdx.size(0) > 0) {
                xs.push_back(gen(classVectors.index_select(0, unseenIdx)));
                ys.push_back(unseenIdx.repeat_interleave(perClass));
            }
            const auto v = virtualVectors(options.virtualClasses);
            nVirtual = v.size(0);
            if (nVirtual > 0) {
                xs.push_back(gen(v));
                ys.push_back(at::arange(classVectors.size(0), classVectors.size(0) + nVirtual, y.options())
                                 .repeat_interleave(perClass));
                classes = at::cat({classVectors, v}, 0);
            }
            if (extraX.defined() && extraX.size(0) > 0) {
                xs.push_back(extraX);
                ys.push_back(extraY);
            }
        }
        const auto X = at::cat(xs, 0), Y = at::cat(ys, 0);
        if (Y.size(0) == 0)
            return Json{{"skipped", true}};
        auto weights = at::ones({classes.size(0)}, X.options());
        weights.slice(0, 0, classVectors.size(0)).masked_fill_(unseen, double(options.unseenWeight));
        classifierParams(true);
        optC->zero_grad();
        at::Tensor kld;
        auto logits = model->pixelLogits(X, classes, &kld);
        if (seenOnly) // restrict the softmax to seen classes (VM's first phase trains on seen only)
            logits = logits.masked_fill(unseen.unsqueeze(0), -1e4);
        const auto ce = weightedCrossEntropy(logits, Y, weights);
        const auto loss = ce + double(options.vmBeta) * kld;
        loss.backward();
        optC->step();
        Json j{{"ce", ce.item<double>()}, {"pixels", X.size(0)}, {"virtual", nVirtual}};
        if (options.method == Method::Vm)
            j["kld"] = kld.item<double>();
        return j;
    }

    void classifierParams(bool train)
    {
        if (model->classifier)
            model->classifier->train(train);
        if (model->vae)
            model->vae->train(train);
    }

    /// CaGNet step 1 (feature generation): discriminator + classifier on real/fake, then generator and
    /// contextual module on LSGAN + MMD content + KL terms.
    Json cagnetStep1(const FeatureBatch& b)
    {
        if (!b.features.defined() || b.features.dim() != 4 || b.features.size(1) != featureDim)
            throw Error("generative trainer: the feature source must return features [B," + std::to_string(featureDim) +
                        ",h,w]");
        model->setTraining(true);
        const auto maps = b.features.detach().to(classVectors.device(), at::kFloat);
        auto ctx = model->contextual(maps);
        auto rows = toPixelRows(maps);
        auto codes = toPixelRows(ctx.code);
        auto y = b.labels.reshape({-1}).to(classVectors.device(), at::kLong);
        if (y.numel() && y.max().item<int64_t>() >= classVectors.size(0))
            throw Error("generative trainer: label out of range");
        const auto valid = y.ge(0) & unseen.index_select(0, y.clamp_min(0)).logical_not();
        auto idx = at::nonzero(valid).flatten();
        if (idx.size(0) < 2)
            return Json{{"skipped", true}};
        if (idx.size(0) > options.maxRealPixels)
            idx = idx.index_select(0, at::randperm(idx.size(0), idx.options()).slice(0, 0, options.maxRealPixels));
        const auto xr = rows.index_select(0, idx), yr = y.index_select(0, idx);
        const auto fake = model->cagnetGenerator(classVectors.index_select(0, yr), codes.index_select(0, idx));

        // Discriminator (adversarial head) and classifier (its classification head).
        optD->zero_grad();
        optC->zero_grad();
        const auto lossGanD = lsganDiscriminatorLoss(model->discriminator(xr), model->discriminator(fake.detach()));
        const auto clsReal = weightedCrossEntropy(model->pixelLogits(xr, classVectors), yr);
        const auto clsFake = weightedCrossEntropy(model->pixelLogits(fake.detach(), classVectors), yr);
        const auto lossD = lossGanD + double(options.lambdaClsReal) * clsReal + double(options.lambdaClsFake) * clsFake;
        lossD.backward();
        optD->step();
        optC->step();

        // Generator + contextual module. CaGNet's KL term is a mean over latent elements.
        optG->zero_grad();
        const auto ganG = lsganGeneratorLoss(model->discriminator(fake));
        const auto content = classMmd(fake, xr, yr);
        const auto kld = gaussianKld(ctx.mu, ctx.logvar) / double(ctx.mu.size(1));
        const auto lossG = double(options.lambdaGan) * ganG + double(options.lambdaContent) * content +
                           double(options.lambdaKld) * kld;
        lossG.backward();
        optG->step();
        return Json{{"d_gan", lossGanD.item<double>()}, {"cls_real", clsReal.item<double>()},
                    {"cls_fake", clsFake.item<double>()},  {"g_gan", ganG.item<double>()},
                    {"content", content.item<double>()},   {"kld", kld.item<double>()}};
    }

    /// CaGNet step 2: classifier on generated features of all classes (unseen drawn 1 + rate times as
    /// often), latent codes from N(0, 1).
    Json cagnetStep2()
    {
        const int64_t c = classVectors.size(0);
        const int64_t n = std::max<int64_t>(64, options.maxRealPixels / 4);
        auto prior = at::ones({c}, classVectors.options());
        prior.masked_fill_(unseen, 1.0 + double(options.genUnseenRate));
        auto y = at::multinomial(prior, n, true);
        auto classes = classVectors;
        const auto v = virtualVectors(options.virtualClasses);
        if (v.size(0) > 0) {
            classes = at::cat({classVectors, v}, 0);
            y = at::cat({y, at::arange(c, c + v.size(0), y.options()).repeat_interleave(std::max<int64_t>(1, n / c))});
        }
        at::Tensor fake;
        {
            torch::NoGradGuard noGrad;
            model->cagnetGenerator->train();
            fake = model->generate(classes.index_select(0, y));
        }
        classifierParams(true);
        optC->zero_grad();
        const auto ce = weightedCrossEntropy(model->pixelLogits(fake, classes), y);
        (double(options.lambdaClsFakeTransfer) * ce).backward();
        optC->step();
        return Json{{"cls_fake_all", ce.item<double>()}, {"pixels", y.size(0)}};
    }

    /// Self-training: pseudo-label confident unseen pixels of an unlabelled batch, then a classifier step.
    Json selfTrainStep(const FeatureBatch& labelled, const FeatureBatch& unlabelled)
    {
        if (!unlabelled.features.defined() || unlabelled.features.dim() != 4 || unlabelled.features.size(1) != featureDim)
            throw Error("generative trainer: self-training needs unlabelled feature maps [B," +
                        std::to_string(featureDim) + ",h,w] from the source");
        auto rows = toPixelRows(unlabelled.features.detach()).to(classVectors.device(), at::kFloat);
        at::Tensor labels;
        {
            torch::NoGradGuard noGrad;
            classifierParams(false);
            const auto probs = at::softmax(model->pixelLogits(rows, classVectors), 1);
            labels = pseudoLabels(probs, unseen, options.pseudoTopPercent, options.pseudoMinConfidence);
        }
        auto candidates = labels.ge(0);
        if (unlabelled.labels.defined() && unlabelled.labels.numel() == labels.numel())
            candidates = candidates & unlabelled.labels.reshape({-1}).to(labels.device()).lt(0);
        auto idx = at::nonzero(candidates).flatten();
        if (idx.size(0) > options.maxRealPixels)
            idx = idx.index_select(0, at::randperm(idx.size(0), idx.options()).slice(0, 0, options.maxRealPixels));
        auto j = classifierStep(labelled, false, rows.index_select(0, idx), labels.index_select(0, idx));
        j["pseudo"] = idx.size(0);
        return j;
    }

    void applyStage(std::size_t stage)
    {
        if (options.method != Method::CaGNet)
            return;
        // CaGNet fine-tunes (and self-trains) with the lower transfer learning rate.
        const bool transfer = stage > 0;
        setLr(optG.get(), transfer ? options.transferLr : options.generatorLr);
        setLr(optD.get(), transfer ? options.transferLr : options.discriminatorLr);
        setLr(optC.get(), transfer ? options.transferLr : options.discriminatorLr);
    }

    Json runStep(std::size_t stage, int64_t local, int64_t global, const FeatureSource& source)
    {
        const auto& name = stages[stage].name;
        if (name == "self-training")
            return selfTrainStep(source(global, true), source(global, false));
        if (options.method == Method::CaGNet) {
            if (name == "generator")
                return cagnetStep1(source(global, true));
            // Alternate blocks of step 1 and step 2 (CaGNet's "mixed" schedule), but always end on a
            // step-2 block: a final step-1 block would leave the classifier tuned to seen classes only.
            const int64_t period = options.intervalStep1 + options.intervalStep2;
            const bool lastBlock = local >= stages[stage].steps - options.intervalStep2;
            return (!lastBlock && (local % period) < options.intervalStep1) ? cagnetStep1(source(global, true))
                                                                           : cagnetStep2();
        }
        if (name == "generator")
            return gmmnStep(source(global, true));
        // VM: the decoder first learns the seen classes from real features, then is fine-tuned with
        // generated unseen features (Kato et al.); ZS3 retrains on both from the start.
        const bool seenOnly = options.method == Method::Vm && local < stages[stage].steps / 2;
        return classifierStep(source(global, true), seenOnly);
    }

    void saveState(const std::filesystem::path& file, int64_t step) const
    {
        if (file.empty())
            return;
        torch::serialize::OutputArchive a;
        a.write("step", c10::IValue(step));
        a.write("fingerprint", c10::IValue(fingerprint()));
        torch::serialize::OutputArchive m = cpuArchiveOf(model->root());
        a.write("model", m);
        auto writeOpt = [&](const char* key, const std::unique_ptr<torch::optim::Adam>& opt) {
            if (!opt)
                return;
            torch::serialize::OutputArchive o;
            opt->save(o);
            a.write(key, o);
        };
        writeOpt("opt_g", optG);
        writeOpt("opt_d", optD);
        writeOpt("opt_c", optC);
        writeFileAtomicWith(file, [&](const std::filesystem::path& tmp) { a.save_to(tmp.string()); });
    }

    int64_t loadState(const std::filesystem::path& file)
    {
        try {
            torch::serialize::InputArchive a;
            a.load_from(file.string(), classVectors.device());
            c10::IValue step, fp;
            if (!a.try_read("step", step) || !a.try_read("fingerprint", fp))
                throw fileError(file.string(), "not a generative training state");
            if (fp.toStringRef() != fingerprint())
                throw fileError(file.string(), "was written for other generative options or another class set; "
                                               "delete it or train without resume");
            torch::serialize::InputArchive m;
            a.read("model", m);
            model->root().load(m);
            auto readOpt = [&](const char* key, const std::unique_ptr<torch::optim::Adam>& opt) {
                if (!opt)
                    return;
                torch::serialize::InputArchive o;
                a.read(key, o);
                opt->load(o);
            };
            readOpt("opt_g", optG);
            readOpt("opt_d", optD);
            readOpt("opt_c", optC);
            return step.toInt();
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw fileError(file.string(), std::string("cannot resume generative training: ") + e.what());
        }
    }
};

GenerativeTrainer::GenerativeTrainer(const GenerativeOptions& options, int featureDim, const at::Tensor& classVectors,
                                     const std::vector<bool>& unseen)
    : mState(std::make_unique<State>())
{
    auto& s = *mState;
    s.options = options;
    s.options.validate();
    if (options.method == Method::Spnet)
        throw Error("generative trainer: method 'spnet' is trained by the projection trainer");
    if (classVectors.dim() != 2 || classVectors.size(0) < 1)
        throw Error("generative trainer: class vectors must be a non-empty [C,E] matrix");
    if (int64_t(unseen.size()) != classVectors.size(0))
        throw Error("generative trainer: " + std::to_string(unseen.size()) + " unseen flags for " +
                    std::to_string(classVectors.size(0)) + " classes");
    s.featureDim = featureDim;
    s.classVectors = classVectors.detach().to(at::kFloat).contiguous();
    s.unseen = at::empty({int64_t(unseen.size())}, at::kBool);
    for (std::size_t i = 0; i < unseen.size(); ++i)
        s.unseen[int64_t(i)] = bool(unseen[i]);
    if (s.unseen.all().item<bool>())
        throw Error("generative trainer: every class is unseen; at least one seen class must have labels");
    s.stages = {{"generator", options.generatorSteps}, {"classifier", options.classifierSteps}};
    if (options.selfTrain)
        s.stages.push_back({"self-training", options.selfTrainSteps});
}

GenerativeTrainer::~GenerativeTrainer() = default;

std::int64_t GenerativeTrainer::totalSteps() const
{
    std::int64_t n = 0;
    for (const auto& st : mState->stages)
        n += st.steps;
    return n;
}

std::unique_ptr<GenerativeModel> GenerativeTrainer::train(const FeatureSource& source, const TrainHooks& hooks)
{
    auto& s = *mState;
    const at::Device device(hooks.device.empty() ? std::string("cpu") : hooks.device);
    s.classVectors = s.classVectors.to(device);
    s.unseen = s.unseen.to(device);
    s.seenIdx = at::nonzero(s.unseen.logical_not()).flatten();
    s.unseenIdx = at::nonzero(s.unseen).flatten();
    torch::manual_seed(s.options.seed);
    s.model = std::make_unique<GenerativeModel>(s.options, s.featureDim, int(s.classVectors.size(1)));
    s.model->to(device);
    auto& m = *s.model;
    auto adam = [](std::vector<at::Tensor> params, double lr) {
        return std::make_unique<torch::optim::Adam>(std::move(params), torch::optim::AdamOptions(lr));
    };
    auto paramsOf = [](std::initializer_list<torch::nn::Module*> mods) {
        std::vector<at::Tensor> out;
        for (auto* mod : mods)
            for (auto& p : mod->parameters())
                out.push_back(p);
        return out;
    };
    switch (s.options.method) {
    case Method::Zs3:
        s.optG = adam(paramsOf({m.gmmn.get()}), s.options.generatorLr);
        s.optC = adam(paramsOf({m.classifier.get()}), s.options.classifierLr);
        break;
    case Method::Vm:
        s.optG = adam(paramsOf({m.gmmn.get()}), s.options.generatorLr);
        s.optC = adam(paramsOf({m.vae.get()}), s.options.classifierLr);
        break;
    case Method::CaGNet:
        s.optG = adam(paramsOf({m.cagnetGenerator.get(), m.contextual.get()}), s.options.generatorLr);
        s.optD = adam(paramsOf({m.discriminator.get()}), s.options.discriminatorLr);
        s.optC = adam(paramsOf({m.classifier.get()}), s.options.discriminatorLr);
        break;
    case Method::Spnet:
        break;
    }

    const int64_t total = totalSteps();
    int64_t start = 0;
    if (hooks.resume && !hooks.stateFile.empty() && std::filesystem::exists(hooks.stateFile)) {
        start = std::min(s.loadState(hooks.stateFile), total);
        // The RNG stream is not stored: a resumed run reseeds from (seed, step), reproducibly.
        torch::manual_seed(s.options.seed + std::uint64_t(start));
        if (hooks.log)
            hooks.log(Json{{"event", "resume"}, {"method", methodName(s.options.method)}, {"step", start}});
    }
    s.resumedFrom = start;
    s.stageSeconds.assign(s.stages.size(), 0.0);

    auto stop = [&](int64_t done) {
        s.saveState(hooks.stateFile, done);
        if (hooks.log)
            hooks.log(Json{{"event", "cancelled"}, {"step", done}});
        throw Cancelled();
    };

    int64_t stageBegin = 0;
    for (std::size_t st = 0; st < s.stages.size(); ++st) {
        const int64_t stageEnd = stageBegin + s.stages[st].steps;
        if (start < stageEnd) {
            s.applyStage(st);
            const auto t0 = std::chrono::steady_clock::now();
            for (int64_t g = std::max(start, stageBegin); g < stageEnd; ++g) {
                if (hooks.progress) {
                    const std::string msg = methodName(s.options.method) + " " + s.stages[st].name + " " +
                                            std::to_string(g - stageBegin + 1) + "/" +
                                            std::to_string(s.stages[st].steps);
                    if (!hooks.progress->update(double(g) / double(std::max<int64_t>(1, total)), msg) ||
                        hooks.progress->cancelled())
                        stop(g);
                }
                s.lastLosses = s.runStep(st, g - stageBegin, g, source);
                const bool last = g + 1 == stageEnd;
                if (hooks.log && (hooks.logEvery <= 1 || (g - stageBegin) % hooks.logEvery == 0 || last)) {
                    Json ev{{"event", "step"}, {"method", methodName(s.options.method)}, {"stage", s.stages[st].name},
                            {"step", g + 1}, {"total", total}, {"loss", s.lastLosses}};
                    hooks.log(ev);
                }
                if (s.options.checkpointEvery > 0 && (g + 1) % s.options.checkpointEvery == 0)
                    s.saveState(hooks.stateFile, g + 1);
            }
            s.stageSeconds[st] =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        stageBegin = stageEnd;
    }
    s.saveState(hooks.stateFile, total);
    if (hooks.progress)
        hooks.progress->update(1.0, methodName(s.options.method) + " done");
    s.model->setInference();
    // Hand the model over; the optimizers hold references to its parameters, so drop them first.
    s.optG.reset();
    s.optD.reset();
    s.optC.reset();
    auto out = std::move(s.model);
    return out;
}

Json GenerativeTrainer::summary() const
{
    const auto& s = *mState;
    Json stages = Json::array();
    for (std::size_t i = 0; i < s.stages.size(); ++i)
        stages.push_back(Json{{"name", s.stages[i].name},
                              {"steps", s.stages[i].steps},
                              {"seconds", i < s.stageSeconds.size() ? s.stageSeconds[i] : 0.0}});
    return Json{{"method", methodName(s.options.method)},
                {"options", s.options.toJson()},
                {"stages", stages},
                {"resumed_from", s.resumedFrom},
                {"last_losses", s.lastLosses}};
}

} // namespace zm::generative
