// The projection-family trainer: poly learning rate, random scale/crop/flip, SPNet cross-entropy on seen
// classes, the optional transductive loss, SPNet-C calibration on held-out images, JSON-lines log,
// resumable checkpoints, and the hand-over to post-training hooks of other methods.
#include "core/engine/trainer.h"

#include "core/common/error.h"
#include "core/common/strings.h"
#include "core/common/version.h"
#include "core/engine/checkpoint.h"
#include "core/engine/device.h"
#include "core/engine/imagetensor.h"
#include "core/engine/losses.h"
#include "core/engine/scoring.h"
#include "core/engine/trainhooks.h"
#include "core/eval/evaluate.h"
#include "core/eval/metrics.h"

#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <set>

namespace zm {

namespace fs = std::filesystem;

// ---- hook registry ------------------------------------------------------------------------------

namespace {
std::mutex& hookMutex()
{
    static std::mutex m;
    return m;
}
std::map<std::string, PostTrainHook>& hooks()
{
    static std::map<std::string, PostTrainHook> h;
    return h;
}
} // namespace

void registerPostTrainHook(const std::string& method, PostTrainHook hook)
{
    std::lock_guard lock(hookMutex());
    hooks()[method] = std::move(hook);
}

PostTrainHook findPostTrainHook(const std::string& method)
{
    std::lock_guard lock(hookMutex());
    auto it = hooks().find(method);
    return it == hooks().end() ? PostTrainHook() : it->second;
}

std::vector<std::string> trainableMethods()
{
    std::vector<std::string> m{"spnet"};
    std::lock_guard lock(hookMutex());
    for (const auto& [name, hook] : hooks())
        if (name != "spnet")
            m.push_back(name);
    return m;
}

namespace {

std::string nowIso()
{
    std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

/// Samples decoded once and kept while they fit the budget (datasets here decode PNGs on every get()).
class SampleCache {
public:
    SampleCache(const Dataset& d, std::size_t budget) : mData(d), mBudget(budget), mSlots(std::size_t(d.size())) {}
    const Sample& get(int i)
    {
        auto& slot = mSlots[std::size_t(i)];
        if (slot)
            return *slot;
        Sample s = mData.get(i);
        const std::size_t b = s.image.pixels.size() + s.labels.ids.size() * 2;
        if (mBytes + b <= mBudget) {
            mBytes += b;
            slot = std::move(s);
            return *slot;
        }
        mScratch = std::move(s);
        return mScratch;
    }

private:
    const Dataset& mData;
    std::size_t mBudget, mBytes = 0;
    std::vector<std::optional<Sample>> mSlots;
    Sample mScratch;
};

/// Appends JSON lines, one write + flush per line so a reader (the GUI's charts) never sees half a line.
class JsonLog {
public:
    explicit JsonLog(const fs::path& path, bool append) : mPath(path)
    {
        mOut.open(path, append ? std::ios::app : std::ios::trunc);
        if (!mOut)
            throw fileError(path.string(), "cannot open the training log for writing");
    }
    void write(const Json& j)
    {
        const std::string line = j.dump() + "\n";
        mOut.write(line.data(), std::streamsize(line.size()));
        mOut.flush();
        if (!mOut)
            throw fileError(mPath.string(), "cannot write the training log (disk full?)");
    }

private:
    fs::path mPath;
    std::ofstream mOut;
};

int indexOf(const std::vector<std::string>& names, const std::string& n)
{
    auto it = std::find(names.begin(), names.end(), n);
    return it == names.end() ? -1 : int(it - names.begin());
}

struct Batch {
    torch::Tensor images; ///< [B,3,S,S] normalised
    torch::Tensor labels; ///< [B,S,S] int64, -1 ignore
};

class Trainer {
public:
    Trainer(const TrainingData& data, const TrainerOptions& options, Progress& progress)
        : mData(data), mOpt(options), mProgress(progress), mDevice(resolveDevice(options.device))
    {
        validate();
    }

    TrainingResult run();

private:
    void validate();
    void setupClasses();
    void buildOrResume();
    Batch makeBatch(const std::vector<int>& pool, SampleCache& cache, const std::vector<int>& lut, bool withLabels);
    torch::Tensor classMatrix(const std::vector<int>& datasetIds) const;
    at::Tensor heldOutLogits(const Image& image, const at::Tensor& classes);
    float calibrate(Json& report);
    Json evaluateHeldOut(float gamma);
    void checkpoint(int iteration);
    void setLearningRate(double lr);
    bool encoderBatchNormFrozen() const
    {
        return mOpt.encoderBatchNorm == "frozen" || (mOpt.encoderBatchNorm == "auto" && mOpt.backboneLrScale == 0.0);
    }
    /// Training mode for the network; a frozen-BN encoder stays in eval mode (running statistics kept).
    void setTrainingMode()
    {
        mNet->train();
        if (encoderBatchNormFrozen())
            mNet->backbone->encoder->eval();
    }

    const TrainingData& mData;
    TrainerOptions mOpt;
    Progress& mProgress;
    torch::Device mDevice;
    std::mt19937_64 mRng;

    std::vector<std::string> mNames;         ///< dataset class names
    std::vector<int> mSeen, mUnseen, mSeenVal, mSeenTrain; ///< dataset ids
    std::vector<int> mTrainIdx, mHeldOut;    ///< sample indices
    std::vector<int> mLutPhase1, mLutPhase2; ///< dataset id -> training class index or -1

    SegNet mNet{nullptr};
    std::unique_ptr<torch::optim::Optimizer> mOptim;
    std::vector<double> mGroupScale; ///< learning-rate factor of each parameter group (rest, encoder)
    ModelCard mCard;
    std::unique_ptr<JsonLog> mLog;
    int mStartIteration = 0;
    int mPhase = 1;
    float mGamma = 0.0f;
    Json mCalibration = Json::object();
    double mSeconds = 0;
};

void Trainer::validate()
{
    if (!mData.labelled)
        throw Error("training needs a labelled dataset");
    if (mData.labelled->size() < 2)
        throw Error("dataset '" + mData.labelled->name() + "' has " + std::to_string(mData.labelled->size()) +
                    " images; training needs at least 2");
    if (mData.classVectors.size() != mData.labelled->classNames().size())
        throw Error("got " + std::to_string(mData.classVectors.size()) + " class vectors for " +
                    std::to_string(mData.labelled->classNames().size()) + " dataset classes");
    if (!mData.space.valid())
        throw Error("training needs the vector space's identity (name, dimension, checksum)");
    if (mOpt.method != "spnet" && !findPostTrainHook(mOpt.method))
        throw Error("method '" + mOpt.method + "' is not available in this build (available: " + [] {
            std::string s;
            for (const auto& m : trainableMethods())
                s += (s.empty() ? "" : ", ") + m;
            return s;
        }() + ")");
    if (mOpt.iterations < 1 || mOpt.batchSize < 1 || mOpt.cropSize < 32)
        throw Error("iterations and batch size must be positive and the crop size at least 32");
    if (!(mOpt.learningRate > 0) || !(mOpt.minScale > 0) || mOpt.maxScale < mOpt.minScale)
        throw Error("learning rate must be positive and 0 < min scale <= max scale");
    if (!(mOpt.colorJitter >= 0 && mOpt.colorJitter <= 1))
        throw Error("colour jitter must be between 0 and 1 (got " + std::to_string(mOpt.colorJitter) + ")");
    if (mOpt.optimizer != "adamw" && mOpt.optimizer != "sgd")
        throw Error("unknown optimizer '" + mOpt.optimizer + "' (expected adamw or sgd)");
    if (mOpt.encoderBatchNorm != "auto" && mOpt.encoderBatchNorm != "frozen" && mOpt.encoderBatchNorm != "train")
        throw Error("unknown encoder batch-norm mode '" + mOpt.encoderBatchNorm + "' (expected auto, frozen or train)");
    if (mOpt.transductive && !mData.unlabelled)
        throw Error("the transductive loss needs unlabelled target images (none were given)");
    if (mOpt.transductive && mData.unlabelled && mData.unlabelled->size() == 0)
        throw Error("the unlabelled dataset '" + mData.unlabelled->name() + "' is empty");
    if (mOpt.outDir.empty())
        throw Error("training needs an output model folder");
    if (!(mOpt.calibrationFraction > 0 && mOpt.calibrationFraction < 1))
        throw Error("calibration fraction must be in (0, 1)");
}

void Trainer::setupClasses()
{
    mNames = mData.labelled->classNames();
    const auto& sp = mData.split;
    auto ids = [&](const std::vector<std::string>& list, const char* what) {
        std::vector<int> out;
        for (const auto& n : list) {
            const int i = indexOf(mNames, n);
            if (i < 0)
                throw Error("split '" + sp.name + "': " + what + " class '" + n + "' is not a class of dataset '" +
                            mData.labelled->name() + "'");
            out.push_back(i);
        }
        return out;
    };
    for (int id : ids(sp.seen, "seen"))
        if (sp.backgroundSeen || mNames[std::size_t(id)] != sp.background)
            mSeen.push_back(id);
    mUnseen = ids(sp.unseen, "unseen");
    mSeenVal = ids(sp.seenVal, "seen-val");
    if (mSeen.empty())
        throw Error("split '" + sp.name + "' has no seen class to train on");
    for (int u : mUnseen)
        if (std::count(mSeen.begin(), mSeen.end(), u))
            throw Error("split '" + sp.name + "': class '" + mNames[std::size_t(u)] + "' is both seen and unseen");
    for (int v : mSeenVal)
        if (!std::count(mSeen.begin(), mSeen.end(), v))
            throw Error("split '" + sp.name + "': seen-val class '" + mNames[std::size_t(v)] + "' is not a seen class");
    for (int s : mSeen)
        if (!std::count(mSeenVal.begin(), mSeenVal.end(), s))
            mSeenTrain.push_back(s);
    if (mSeenTrain.empty())
        throw Error("split '" + sp.name + "': every seen class is a seen-val class; nothing is left to train on");
    if (mOpt.transductive && !(mOpt.transductiveThreshold > 0 && mOpt.transductiveThreshold <= 1))
        throw Error("the transductive threshold must be in (0, 1], not " + std::to_string(mOpt.transductiveThreshold));
    if (mOpt.transductive && !(mOpt.transductiveWarmup >= 0 && mOpt.transductiveWarmup < 1))
        throw Error("the transductive warm-up must be a fraction in [0, 1), not " + std::to_string(mOpt.transductiveWarmup));
    if (mOpt.transductive && mUnseen.empty())
        throw Error("the transductive loss needs unseen classes; split '" + sp.name + "' has none");
    if (!mOpt.calibrate || mSeenVal.empty())
        mPhase = 2;

    // Training classes: phase 1 hides seen-val classes (they are "unseen" for calibration).
    auto lut = [&](const std::vector<int>& train) {
        std::vector<int> l(mNames.size(), -1);
        for (std::size_t k = 0; k < train.size(); ++k)
            l[std::size_t(train[k])] = int(k);
        return l;
    };
    mLutPhase1 = lut(mSeenTrain);
    mLutPhase2 = lut(mSeen);

    // Held-out images for calibration and the card's metrics: a seeded choice, fixed across resumes.
    std::vector<int> all(std::size_t(mData.labelled->size()));
    std::iota(all.begin(), all.end(), 0);
    std::mt19937_64 rng(mOpt.seed);
    std::shuffle(all.begin(), all.end(), rng);
    const int held = (mOpt.calibrate && !mSeenVal.empty())
                         ? std::clamp(mOpt.calibrationImages, 1, std::max(1, int(all.size()) / 5))
                         : 0;
    mHeldOut.assign(all.begin(), all.begin() + held);
    mTrainIdx.assign(all.begin() + held, all.end());
}

torch::Tensor Trainer::classMatrix(const std::vector<int>& datasetIds) const
{
    std::vector<std::vector<float>> v;
    for (int id : datasetIds)
        v.push_back(mData.classVectors[std::size_t(id)]);
    return normalizedRows(vectorsToTensor(v, mData.space.dim, "training"));
}

void Trainer::buildOrResume()
{
    BackboneOptions bo;
    const bool script = endsWith(mOpt.backbone, ".pt");
    if (script) {
        bo.kind("torchscript").scriptPath(mOpt.backbone).asppChannels(128).featureDim(128);
    } else {
        bo = BackboneOptions::preset(mOpt.backbone);
    }
    if (!mOpt.backboneOverrides.empty()) {
        Json j = bo.toJson();
        j.update(mOpt.backboneOverrides);
        bo = BackboneOptions::fromJson(j, "backbone options");
    }
    HeadOptions ho;
    ho.semanticDim(mData.space.dim).cosine(mOpt.cosine).scale(mOpt.logitScale);

    const fs::path cardFile = mOpt.outDir / "card.json";
    if (mOpt.resume) {
        LoadedModel m = loadModel(mOpt.outDir, mData.space);
        mNet = m.net;
        mCard = m.card;
        if (!mOpt.modelName.empty()) // a name given now (e.g. train --from) names the continued model
            mCard.name = mOpt.modelName;
    } else {
        if (fs::exists(cardFile))
            throw fileError(mOpt.outDir.string(), "already holds a model; use --resume to continue it or choose another --out");
        // The network's initial weights come from Torch's generator: seeded, so one --seed gives one model.
        torch::manual_seed(mOpt.seed);
        mNet = SegNet(bo, ho);
    }
    mNet->to(mDevice);
    setTrainingMode();
    // Two parameter groups: the encoder (learning rate scaled by --backbone-lr-scale; frozen at 0) and the rest.
    std::vector<at::Tensor> encoder = mNet->backbone->encoder->parameters(), rest;
    std::set<const void*> inEncoder;
    for (const auto& p : encoder)
        inEncoder.insert(p.unsafeGetTensorImpl());
    for (const auto& p : mNet->parameters())
        if (!inEncoder.count(p.unsafeGetTensorImpl()))
            rest.push_back(p);
    if (mOpt.backboneLrScale == 0.0) {
        for (auto& p : encoder)
            p.set_requires_grad(false);
        encoder.clear();
    }
    std::vector<torch::optim::OptimizerParamGroup> groups;
    mGroupScale = {1.0};
    if (mOpt.backboneLrScale == 1.0) {
        groups.emplace_back(mNet->parameters()); // one group, as checkpoints of earlier versions hold
    } else {
        groups.emplace_back(rest);
    }
    if (mOpt.backboneLrScale != 1.0 && !encoder.empty()) {
        groups.emplace_back(encoder);
        mGroupScale.push_back(mOpt.backboneLrScale);
    }
    if (mOpt.optimizer == "adamw")
        mOptim = std::make_unique<torch::optim::AdamW>(
            groups, torch::optim::AdamWOptions(mOpt.learningRate).weight_decay(mOpt.weightDecay));
    else
        mOptim = std::make_unique<torch::optim::SGD>(
            groups, torch::optim::SGDOptions(mOpt.learningRate).momentum(mOpt.momentum).weight_decay(mOpt.weightDecay));
    if (mOpt.resume) {
        Json st = loadTrainingState(mOpt.outDir, *mOptim, mDevice);
        mStartIteration = st.value("iteration", 0);
        mPhase = st.value("phase", mPhase);
        mGamma = st.value("gamma", mOpt.gamma);
        mCalibration = st.value("calibration", Json::object());
        mSeconds = st.value("seconds", 0.0);
        if (st.value("iterations", mOpt.iterations) != mOpt.iterations)
            throw fileError(mOpt.outDir.string(), "was trained for " + std::to_string(st.value("iterations", 0)) +
                                                      " iterations; resume with the same --iterations");
    } else {
        mGamma = mOpt.gamma;
    }
}

Batch Trainer::makeBatch(const std::vector<int>& pool, SampleCache& cache, const std::vector<int>& lut, bool withLabels)
{
    const int S = mOpt.cropSize;
    std::vector<torch::Tensor> imgs, labs;
    std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
    std::uniform_real_distribution<double> scaleDist(std::log(mOpt.minScale), std::log(mOpt.maxScale));
    for (int b = 0; b < mOpt.batchSize; ++b) {
        const Sample& s = cache.get(pool[pick(mRng)]);
        auto img = imageToTensor(s.image);
        torch::Tensor lab;
        if (withLabels) {
            if (s.labels.width != s.image.width || s.labels.height != s.image.height)
                throw Error("sample '" + s.id + "': label map " + std::to_string(s.labels.width) + "x" +
                            std::to_string(s.labels.height) + " does not match the image " + std::to_string(s.image.width) +
                            "x" + std::to_string(s.image.height));
            // Dataset ids -> training indices; void and non-training classes -> -1.
            lab = torch::empty({s.labels.height, s.labels.width}, torch::kLong);
            int64_t* d = lab.data_ptr<int64_t>();
            for (std::size_t p = 0; p < s.labels.ids.size(); ++p) {
                const std::size_t id = s.labels.ids[p];
                d[p] = id < lut.size() ? lut[id] : -1;
            }
        }
        const double sc = std::exp(scaleDist(mRng));
        const int64_t h = std::max<int64_t>(8, std::lround(s.image.height * sc)), w = std::max<int64_t>(8, std::lround(s.image.width * sc));
        img = resizeBilinear(img, h, w);
        if (lab.defined())
            lab = resizeNearest(lab, h, w);
        if (mOpt.colorJitter > 0) {
            const double j = mOpt.colorJitter;
            std::uniform_real_distribution<double> bc(1.0 - 0.4 * j, 1.0 + 0.4 * j), sat(1.0 - 0.5 * j, 1.0 + 0.5 * j);
            const double b = bc(mRng), c = bc(mRng), sa = sat(mRng);
            img = adjustColour(img, b, c, sa);
        }
        img = normalizeImage(img, mCard.mean, mCard.stdev);
        // Pad to the crop size (image with the mean colour = 0 after normalisation, labels with ignore).
        const int64_t ph = std::max<int64_t>(0, S - h), pw = std::max<int64_t>(0, S - w);
        if (ph || pw) {
            img = torch::constant_pad_nd(img, {0, pw, 0, ph}, 0.0);
            if (lab.defined())
                lab = torch::constant_pad_nd(lab, {0, pw, 0, ph}, -1);
        }
        std::uniform_int_distribution<int64_t> ox(0, img.size(2) - S), oy(0, img.size(1) - S);
        const int64_t x0 = ox(mRng), y0 = oy(mRng);
        img = img.narrow(1, y0, S).narrow(2, x0, S);
        if (lab.defined())
            lab = lab.narrow(0, y0, S).narrow(1, x0, S);
        if (mOpt.flip && (mRng() & 1)) {
            img = img.flip({2});
            if (lab.defined())
                lab = lab.flip({1});
        }
        imgs.push_back(img.contiguous());
        if (lab.defined())
            labs.push_back(lab.contiguous());
    }
    Batch batch;
    batch.images = torch::stack(imgs).to(mDevice);
    if (!labs.empty())
        batch.labels = torch::stack(labs).to(mDevice);
    return batch;
}

void Trainer::setLearningRate(double lr)
{
    auto& groups = mOptim->param_groups();
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const double groupLr = lr * (i < mGroupScale.size() ? mGroupScale[i] : 1.0);
        if (mOpt.optimizer == "adamw")
            static_cast<torch::optim::AdamWOptions&>(groups[i].options()).lr(groupLr);
        else
            static_cast<torch::optim::SGDOptions&>(groups[i].options()).lr(groupLr);
    }
}

at::Tensor Trainer::heldOutLogits(const Image& image, const at::Tensor& classes)
{
    // Eval mode, no gradients (the callers' guards): logits [C, ceil(H/stride), ceil(W/stride)] on the CPU.
    const int stride = BackboneImpl::kStride;
    auto x = normalizeImage(imageToTensor(image), mCard.mean, mCard.stdev);
    auto e = mNet->forward(padToMultiple(x, mNet->backbone->inputAlign()).unsqueeze(0).to(mDevice)).squeeze(0);
    e = e.narrow(1, 0, (image.height + stride - 1) / stride).narrow(2, 0, (image.width + stride - 1) / stride);
    return classLogits(e.to(at::kCPU).contiguous(), classes, mNet->mHead.scale());
}

float Trainer::calibrate(Json& report)
{
    // Score seen-train classes and seen-val classes (as if unseen) for gammas 0..0.95 and keep the gamma
    // with the best hIoU(seen-train, seen-val) on the held-out images.
    torch::NoGradGuard ng;
    mNet->eval();
    std::vector<int> classes = mSeenTrain;
    classes.insert(classes.end(), mSeenVal.begin(), mSeenVal.end());
    const auto m = classMatrix(classes);
    constexpr int kGammas = 20; // 0, 0.05, ..., 0.95
    std::vector<ConfusionMatrix> cms(kGammas, ConfusionMatrix(int(classes.size())));
    EvalSamples which;
    which.indices = mHeldOut;
    which.requireLabels = true;
    CancelOnlyProgress quiet(mProgress); // stops with training, draws nothing over its bar
    // Truth in the calibration class space (index into `classes`, everything else void); each image's
    // logits are computed once and scored at every gamma.
    forEachEvalSample(*mData.labelled, LabelRemap::byIds(mNames.size(), classes), which, quiet,
                      [&](const Sample& s, const LabelMap& truth) {
                          const at::Tensor logits = heldOutLogits(s.image, m);
                          for (int g = 0; g < kGammas; ++g) {
                              const float gamma = g * 0.05f;
                              UpsampleArgmax p;
                              p.outWidth = truth.width;
                              p.outHeight = truth.height;
                              p.scaleX = double(s.image.width) / (double(BackboneImpl::kStride) * truth.width);
                              p.scaleY = double(s.image.height) / (double(BackboneImpl::kStride) * truth.height);
                              for (std::size_t c = 0; c < classes.size(); ++c) {
                                  p.offset.push_back(c < mSeenTrain.size() ? -gamma : 0.0f);
                                  p.labelOf.push_back(std::uint16_t(c));
                              }
                              LabelMap pred(truth.width, truth.height);
                              upsampleArgmax(logits, p, pred.ids.data(), nullptr);
                              addToConfusion(cms[std::size_t(g)], truth, pred, *mData.labelled, s);
                          }
                      });
    MetricOptions mo;
    for (std::size_t c = 0; c < classes.size(); ++c) {
        mo.classNames.push_back(mNames[std::size_t(classes[c])]);
        (c < mSeenTrain.size() ? mo.seen : mo.unseen).push_back(int(c));
    }
    float bestGamma = 0;
    double bestH = -1;
    Json curve = Json::array();
    for (int g = 0; g < kGammas; ++g) {
        const float gamma = g * 0.05f;
        const auto met = computeMetrics(cms[std::size_t(g)], mo);
        const double h = std::isnan(met.hIoU) ? 0.0 : met.hIoU;
        curve.push_back(Json{{"gamma", gamma}, {"seen", met.mIoUSeen}, {"seenVal", met.mIoUUnseen}, {"hIoU", h}});
        if (h > bestH + 1e-9) {
            bestH = h;
            bestGamma = gamma;
        }
    }
    report = Json{{"gamma", bestGamma}, {"hIoU", bestH}, {"heldOutImages", mHeldOut.size()},
                  {"seenVal", mData.split.seenVal}, {"curve", curve}};
    setTrainingMode();
    return bestGamma;
}

Json Trainer::evaluateHeldOut(float gamma)
{
    // Generalised (seen + unseen) metrics on the held-out training images with the chosen gamma: a
    // sanity figure for the card, never used for any choice.
    torch::NoGradGuard ng;
    mNet->eval();
    std::vector<int> classes = mSeen;
    classes.insert(classes.end(), mUnseen.begin(), mUnseen.end());
    const auto m = classMatrix(classes);
    EvalSamples which;
    which.indices = mHeldOut;
    which.requireLabels = true;
    CancelOnlyProgress quiet(mProgress);
    const ConfusionMatrix cm = accumulateConfusion(
        *mData.labelled, LabelRemap::byIds(mNames.size(), classes),
        [&](const Sample& s) {
            UpsampleArgmax p;
            p.outWidth = s.image.width;
            p.outHeight = s.image.height;
            p.scaleX = p.scaleY = 1.0 / BackboneImpl::kStride;
            for (std::size_t c = 0; c < classes.size(); ++c) {
                p.offset.push_back(c < mSeen.size() ? -gamma : 0.0f);
                p.labelOf.push_back(std::uint16_t(c));
            }
            LabelMap pred(s.image.width, s.image.height);
            upsampleArgmax(heldOutLogits(s.image, m), p, pred.ids.data(), nullptr);
            return pred;
        },
        quiet, which);
    MetricOptions mo;
    for (std::size_t c = 0; c < classes.size(); ++c) {
        mo.classNames.push_back(mNames[std::size_t(classes[c])]);
        (c < mSeen.size() ? mo.seen : mo.unseen).push_back(int(c));
    }
    setTrainingMode();
    const auto met = computeMetrics(cm, mo);
    return Json{{"set", "held-out training images (" + std::to_string(mHeldOut.size()) + ")"},
                {"gamma", gamma},
                {"mIoUSeen", std::isnan(met.mIoUSeen) ? Json() : Json(met.mIoUSeen)},
                {"mIoUUnseen", std::isnan(met.mIoUUnseen) ? Json() : Json(met.mIoUUnseen)},
                {"hIoU", std::isnan(met.hIoU) ? Json() : Json(met.hIoU)},
                {"pixelAccuracy", met.pixelAccuracy}};
}

void Trainer::checkpoint(int iteration)
{
    mCard.gamma = mGamma;
    mCard.training["iterationsDone"] = iteration;
    mCard.training["seconds"] = mSeconds;
    mCard.metrics["calibration"] = mCalibration;
    saveModel(mOpt.outDir, mCard, mNet); // from a CPU copy: loads anywhere, never aliases the live weights
    saveTrainingState(mOpt.outDir, *mOptim,
                      Json{{"iteration", iteration}, {"iterations", mOpt.iterations}, {"phase", mPhase}, {"gamma", mGamma},
                           {"calibration", mCalibration}, {"seconds", mSeconds}});
}

TrainingResult Trainer::run()
{
    setupClasses();
    std::error_code ec;
    fs::create_directories(mOpt.outDir, ec);
    if (!fs::is_directory(mOpt.outDir))
        throw fileError(mOpt.outDir.string(), "cannot create the model folder (" + ec.message() + ")");

    // The card is filled before training so every checkpoint is a usable model.
    mCard.name = mOpt.modelName.empty() ? mOpt.outDir.filename().string() : mOpt.modelName;
    mCard.method = "spnet";
    mCard.vectorSpace = mData.space;
    for (int s : mSeen) {
        mCard.seenClasses.push_back(mNames[std::size_t(s)]);
        mCard.seenVectors.push_back(mData.classVectors[std::size_t(s)]);
    }
    for (int u : mUnseen) {
        mCard.unseenClasses.push_back(mNames[std::size_t(u)]);
        mCard.unseenVectors.push_back(mData.classVectors[std::size_t(u)]);
    }
    buildOrResume();
    if (mOpt.resume) {
        // Classes may not change under a resumed model.
        if (mCard.seenClasses.size() != mSeen.size())
            throw fileError(mOpt.outDir.string(), "was trained on other seen classes; resume with the same --split");
    }
    mCard.created = nowIso();
    mCard.training = Json{{"data", mData.description},
                          {"dataset", mData.labelled->name()},
                          {"split", mData.split.name},
                          {"seenVal", mData.split.seenVal},
                          {"images", mTrainIdx.size()},
                          {"heldOutImages", mHeldOut.size()},
                          {"iterations", mOpt.iterations},
                          {"batchSize", mOpt.batchSize},
                          {"cropSize", mOpt.cropSize},
                          {"optimizer", mOpt.optimizer},
                          {"learningRate", mOpt.learningRate},
                          {"backboneLrScale", mOpt.backboneLrScale},
                          {"encoderBatchNorm", encoderBatchNormFrozen() ? "frozen" : "train"},
                          {"weightDecay", mOpt.weightDecay},
                          {"polyPower", mOpt.polyPower},
                          {"scale", {mOpt.minScale, mOpt.maxScale}},
                          {"flip", mOpt.flip},
                          {"colorJitter", mOpt.colorJitter},
                          {"transductive", mOpt.transductive},
                          {"lambda", mOpt.lambda},
                          {"transductiveThreshold", mOpt.transductiveThreshold},
                          {"transductiveWarmup", mOpt.transductiveWarmup},
                          {"calibrate", mOpt.calibrate},
                          {"calibrationFraction", mOpt.calibrationFraction},
                          {"seed", mOpt.seed},
                          {"device", mDevice.str()}};
    mCard.software = Json{{"zeromask", kVersion}, {"libtorch", TORCH_VERSION}};

    mLog = std::make_unique<JsonLog>(mOpt.logFile.empty() ? mOpt.outDir / "log.jsonl" : mOpt.logFile, mOpt.resume);
    if (!mOpt.resume)
        mLog->write(Json{{"event", "start"}, {"time", mCard.created}, {"parameters", parameterCount(*mNet)},
                         {"trainImages", mTrainIdx.size()}, {"heldOut", mHeldOut.size()}, {"iterations", mOpt.iterations},
                         {"device", mDevice.str()}});

    SampleCache cache(*mData.labelled, mOpt.cacheBytes / (mData.unlabelled ? 2 : 1));
    std::unique_ptr<SampleCache> targetCache;
    std::vector<int> targetPool;
    if (mOpt.transductive) {
        targetCache = std::make_unique<SampleCache>(*mData.unlabelled, mOpt.cacheBytes / 2);
        targetPool.resize(std::size_t(mData.unlabelled->size()));
        std::iota(targetPool.begin(), targetPool.end(), 0);
    }
    const int switchAt = mPhase == 1 ? std::max(1, int(std::lround(mOpt.iterations * mOpt.calibrationFraction))) : -1;
    const int transductiveFrom = int(std::lround(mOpt.iterations * mOpt.transductiveWarmup)); // first iteration with the target loss
    const auto t0 = std::chrono::steady_clock::now();
    const double secondsBefore = mSeconds;
    double lossSum = 0, ceSum = 0, tdSum = 0, accSum = 0, selectedSum = 0;
    int lossCount = 0, tdCount = 0; // tdCount: iterations of the window that had the target loss
    int it = mStartIteration;
    try {
        for (; it < mOpt.iterations; ++it) {
            checkCancelled(mProgress);
            if (mPhase == 1 && it >= switchAt) {
                mGamma = calibrate(mCalibration);
                mLog->write(Json{{"event", "calibration"}, {"iteration", it}, {"gamma", mGamma}, {"hIoU", mCalibration["hIoU"]},
                                 {"curve", mCalibration["curve"]}});
                mPhase = 2;
            }
            // Reseeding per iteration makes a resumed run draw the same batches as an uninterrupted one.
            mRng.seed(mOpt.seed * 1000003ULL + std::uint64_t(it));
            torch::manual_seed(mOpt.seed * 1000003ULL + std::uint64_t(it)); // dropout draws, likewise
            const auto& lut = mPhase == 1 ? mLutPhase1 : mLutPhase2;
            const auto& seenIds = mPhase == 1 ? mSeenTrain : mSeen;
            const double lr = mOpt.learningRate * std::pow(1.0 - double(it) / mOpt.iterations, mOpt.polyPower);
            setLearningRate(lr);

            Batch batch = makeBatch(mTrainIdx, cache, lut, true);
            // With the transductive loss, the labelled cross-entropy is taken over every class the
            // target loss knows (seen, then the hidden seen-val classes in phase 1, then unseen), as
            // in QFSL-style transductive training: a softmax over seen classes only would leave the
            // unseen logits free on labelled pixels, and the target loss is then met by making every
            // pixel of every image unseen while the seen classes keep their order (what collapsed
            // FashionScenes to "all pullover"). Labels index the seen prefix, which is unchanged.
            // (From the first iteration, warm-up included: unconstrained unseen logits during the
            // warm-up would give the target loss a head start towards the collapse.)
            const bool transductiveNow = mOpt.transductive && it >= transductiveFrom;
            std::vector<int> all = seenIds;
            std::vector<int64_t> unseenIdx;
            if (mOpt.transductive) {
                if (mPhase == 1)
                    for (int c : mSeen)
                        if (std::find(seenIds.begin(), seenIds.end(), c) == seenIds.end())
                            all.push_back(c);
                all.insert(all.end(), mUnseen.begin(), mUnseen.end());
                for (std::size_t k = seenIds.size(); k < all.size(); ++k)
                    unseenIdx.push_back(int64_t(k));
            }
            auto m = classMatrix(all).to(mDevice);
            // Labelled and target images go through the network as one batch: with two forward passes
            // BatchNorm would normalise each set by its own batch statistics, and the network can then
            // tell the sets apart by them (seen on labelled, unseen on target images) and fall between
            // the two at inference, where the running statistics mix both.
            Batch target;
            at::Tensor emb, targetEmb;
            if (transductiveNow) {
                target = makeBatch(targetPool, *targetCache, {}, false);
                const int64_t nl = batch.images.size(0);
                auto both = mNet->forward(at::cat({batch.images, target.images}, 0));
                emb = both.narrow(0, 0, nl);
                targetEmb = both.narrow(0, nl, both.size(0) - nl);
            } else {
                emb = mNet->forward(batch.images);
            }
            auto logits = SegNetImpl::logits(emb, m, mNet->mHead.scale());
            auto up = resizeBilinear(logits, batch.labels.size(1), batch.labels.size(2));
            const bool anyLabel = batch.labels.ge(0).any().item<bool>();
            auto ce = anyLabel ? seenCrossEntropy(up, batch.labels) : (up.sum() * 0.0);
            auto loss = ce;
            torch::Tensor td;
            if (transductiveNow) {
                // The target loss pushes towards the classes the model must not be biased against:
                // the unseen ones and, while phase 1 simulates zero-shot for the gamma search, the
                // hidden seen-val classes too (target images hold them unlabelled, as they hold unseen).
                auto tl = SegNetImpl::logits(targetEmb, m, mNet->mHead.scale());
                double selected = 1.0;
                td = transductiveLoss(tl, unseenIdx, mOpt.transductiveThreshold, &selected);
                selectedSum += selected;
                ++tdCount;
                loss = loss + mOpt.lambda * td;
            }
            mOptim->zero_grad();
            loss.backward();
            mOptim->step();

            {
                torch::NoGradGuard ng;
                auto valid = batch.labels.ge(0);
                const double n = valid.sum().item<double>();
                const double acc = n > 0 ? (up.argmax(1).eq(batch.labels).logical_and(valid)).sum().item<double>() / n : 0.0;
                lossSum += loss.item<double>();
                ceSum += ce.item<double>();
                tdSum += td.defined() ? td.item<double>() : 0.0;
                accSum += acc;
                ++lossCount;
            }
            mSeconds = secondsBefore + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if ((it + 1) % mOpt.logEvery == 0 || it + 1 == mOpt.iterations) {
                Json line{{"iteration", it + 1}, {"epoch", double(it + 1) * mOpt.batchSize / std::max<std::size_t>(1, mTrainIdx.size())},
                          {"loss", lossSum / lossCount}, {"ce", ceSum / lossCount}, {"pixelAccuracy", accSum / lossCount},
                          {"lr", lr}, {"phase", mPhase}, {"seconds", mSeconds}};
                if (tdCount > 0) { // absent while warming up; averaged over the iterations that had it
                    line["transductive"] = tdSum / tdCount;
                    line["transductiveSelected"] = selectedSum / tdCount;
                }
                mLog->write(line);
                lossSum = ceSum = tdSum = accSum = selectedSum = 0;
                lossCount = tdCount = 0;
            }
            mProgress.update(double(it + 1) / mOpt.iterations,
                             "iteration " + std::to_string(it + 1) + "/" + std::to_string(mOpt.iterations) + " loss " +
                                 std::to_string(loss.item<double>()).substr(0, 6));
            if ((it + 1) % mOpt.saveEvery == 0 && it + 1 < mOpt.iterations)
                checkpoint(it + 1);
        }
    } catch (const Cancelled&) {
        checkpoint(it);
        mLog->write(Json{{"event", "cancelled"}, {"iteration", it}});
        throw;
    }
    if (mPhase == 1) { // iterations ran out before the switch (e.g. resumed with fewer): calibrate now
        mGamma = calibrate(mCalibration);
        mPhase = 2;
    }
    mCard.metrics["heldOut"] = evaluateHeldOut(mGamma);
    checkpoint(mOpt.iterations);
    mLog->write(Json{{"event", "done"}, {"iterations", mOpt.iterations}, {"seconds", mSeconds}, {"gamma", mGamma},
                     {"metrics", mCard.metrics["heldOut"]}});

    if (auto hook = findPostTrainHook(mOpt.method); hook && mOpt.method != "spnet") {
        mNet->eval();
        std::vector<std::string> names;
        std::vector<std::vector<float>> vecs;
        std::vector<bool> unseen;
        for (int s : mSeen) {
            names.push_back(mNames[std::size_t(s)]);
            vecs.push_back(mData.classVectors[std::size_t(s)]);
            unseen.push_back(false);
        }
        for (int u : mUnseen) {
            names.push_back(mNames[std::size_t(u)]);
            vecs.push_back(mData.classVectors[std::size_t(u)]);
            unseen.push_back(true);
        }
        PostTrainContext ctx{mOpt, mData, mNet, mDevice, names, vecs, unseen, {}, mCard, mOpt.outDir, mProgress};
        ctx.nextBatch = [this, &cache](torch::Tensor& features, torch::Tensor& labels) {
            torch::NoGradGuard ng;
            Batch b = makeBatch(mTrainIdx, cache, mLutPhase2, true);
            features = mNet->features(b.images);
            std::vector<torch::Tensor> small;
            for (int64_t i = 0; i < b.labels.size(0); ++i)
                small.push_back(resizeNearest(b.labels[i], features.size(2), features.size(3)));
            labels = torch::stack(small);
        };
        mCard.method = mOpt.method;
        hook(ctx);
        saveModel(mOpt.outDir, mCard, mNet);
    }

    TrainingResult r;
    r.card = mCard;
    r.iterations = mOpt.iterations;
    r.seconds = mSeconds;
    return r;
}

} // namespace

TrainingResult trainModel(const TrainingData& data, const TrainerOptions& options, Progress& progress)
{
    Trainer t(data, options, progress);
    return t.run();
}

} // namespace zm
