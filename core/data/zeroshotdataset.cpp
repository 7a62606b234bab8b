// Zero-shot views of a data set.
#include "core/data/zeroshotdataset.h"

#include "core/common/error.h"
#include "core/data/splitpresets.h"

#include <algorithm>

namespace zm {

std::vector<int> ZeroShotClasses::seenIds() const
{
    std::vector<int> v;
    for (int i = 0; i < seenCount; ++i)
        v.push_back(i);
    return v;
}

std::vector<int> ZeroShotClasses::unseenIds() const
{
    std::vector<int> v;
    for (int i = seenCount; i < size(); ++i)
        v.push_back(i);
    return v;
}

MetricOptions ZeroShotClasses::testMetricOptions(AbsentClassPolicy absent) const
{
    MetricOptions o;
    o.absent = absent;
    o.classNames = names;
    o.seen = seenIds();
    o.unseen = unseenIds();
    return o;
}

MetricOptions ZeroShotClasses::calibrationMetricOptions(AbsentClassPolicy absent) const
{
    MetricOptions o;
    o.absent = absent;
    o.classNames = seenNames();
    for (int i = 0; i < seenCount; ++i)
        (std::find(seenVal.begin(), seenVal.end(), i) != seenVal.end() ? o.unseen : o.seen).push_back(i);
    return o;
}

MetricOptions ZeroShotClasses::zs3MetricOptions(AbsentClassPolicy absent) const
{
    MetricOptions o;
    o.absent = absent;
    o.classNames = names;
    o.unseen = unseenIds();
    return o;
}

ZeroShotClasses resolveSplit(const ZeroShotSplit& split, const std::vector<std::string>& datasetClasses)
{
    validateSplit(split, datasetClasses);
    ZeroShotClasses c;
    c.datasetToModel.assign(datasetClasses.size(), -1);
    auto has = [](const std::vector<std::string>& v, const std::string& n) {
        return std::find(v.begin(), v.end(), n) != v.end();
    };
    for (std::size_t i = 0; i < datasetClasses.size(); ++i)
        if (has(split.seen, datasetClasses[i])) {
            c.datasetToModel[i] = int(c.names.size());
            if (has(split.seenVal, datasetClasses[i]))
                c.seenVal.push_back(int(c.names.size()));
            c.names.push_back(datasetClasses[i]);
        }
    c.seenCount = int(c.names.size());
    for (std::size_t i = 0; i < datasetClasses.size(); ++i)
        if (has(split.unseen, datasetClasses[i])) {
            c.datasetToModel[i] = int(c.names.size());
            c.names.push_back(datasetClasses[i]);
        }
    return c;
}

int calibrationImageCount(int trainSize, const ZeroShotOptions& options)
{
    if (options.calibrationImages < 0)
        return std::min(500, trainSize / 10);
    return std::min(options.calibrationImages, std::max(0, trainSize - 1));
}

ZeroShotDataset::ZeroShotDataset(std::shared_ptr<const Dataset> base, const ZeroShotSplit& split,
                                 ZeroShotStage stage, ZeroShotOptions options)
    : mBase(std::move(base)), mSplit(split), mStage(stage)
{
    if (!mBase)
        throw Error("zero-shot data set: no base data set");
    mClasses = resolveSplit(mSplit, mBase->classNames());
    const bool seenOnly = stage == ZeroShotStage::Train || stage == ZeroShotStage::Calibration;
    mStageNames = seenOnly ? mClasses.seenNames() : mClasses.names;

    const int n = mBase->size();
    const int hold = (stage == ZeroShotStage::Train || stage == ZeroShotStage::Calibration)
                         ? calibrationImageCount(n, options)
                         : 0;
    int from = 0, to = n;
    if (stage == ZeroShotStage::Train)
        to = n - hold;
    else if (stage == ZeroShotStage::Calibration)
        from = n - hold;
    for (int i = from; i < to; ++i)
        mIndices.push_back(i);

    std::vector<int> stageOf(mBase->classNames().size(), -1);
    for (std::size_t i = 0; i < stageOf.size(); ++i) {
        const int m = mClasses.datasetToModel[i];
        if (m < 0)
            continue;
        if (seenOnly && m >= mClasses.seenCount)
            continue; // unseen pixels are never labelled in training data (inductive setting)
        if (stage == ZeroShotStage::TestUnseenOnly && m < mClasses.seenCount)
            continue;
        if (stage == ZeroShotStage::Train && options.holdOutSeenVal &&
            std::find(mClasses.seenVal.begin(), mClasses.seenVal.end(), m) != mClasses.seenVal.end())
            continue;
        stageOf[i] = m;
    }
    mRemap = LabelRemap(std::move(stageOf), mClasses.size(), LabelRemap::Unknown::Throw);
}

std::string ZeroShotDataset::name() const
{
    static const char* stages[] = {"train", "calibration", "test", "unlabelled", "test, unseen only"};
    return mBase->name() + " [" + mSplit.name + ", " + stages[int(mStage)] + "]";
}

LabelMap ZeroShotDataset::remap(const LabelMap& baseLabels) const
{
    if (mStage == ZeroShotStage::Unlabelled)
        return {};
    try {
        return mRemap.apply(baseLabels);
    } catch (const Error& e) {
        throw Error(mBase->name() + ": " + e.what());
    }
}

Sample ZeroShotDataset::get(int index) const
{
    if (index < 0 || index >= size())
        throw Error(name() + ": sample " + std::to_string(index) + " out of range (size " + std::to_string(size()) + ")");
    Sample s = mBase->get(mIndices[std::size_t(index)]);
    s.labels = remap(s.labels);
    return s;
}

} // namespace zm
