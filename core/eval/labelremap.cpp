// The ground-truth remap shared by every evaluation.
#include "core/eval/labelremap.h"

#include "core/common/error.h"

namespace zm {

LabelRemap::LabelRemap(std::vector<int> classOfId, int numClasses, Unknown unknown) : mClasses(numClasses), mUnknown(unknown)
{
    if (numClasses < 0 || numClasses >= int(LabelMap::kVoid))
        throw Error("label remap: " + std::to_string(numClasses) + " classes (at most " +
                    std::to_string(int(LabelMap::kVoid) - 1) + ")");
    if (classOfId.size() > std::size_t(LabelMap::kVoid))
        throw Error("label remap: " + std::to_string(classOfId.size()) + " data-set classes (at most " +
                    std::to_string(int(LabelMap::kVoid)) + ")");
    mLut.reserve(classOfId.size());
    for (std::size_t id = 0; id < classOfId.size(); ++id) {
        const int c = classOfId[id];
        if (c < -1 || c >= numClasses)
            throw Error("label remap: data-set id " + std::to_string(id) + " maps to class " + std::to_string(c) +
                        ", outside the " + std::to_string(numClasses) + " evaluated classes");
        mLut.push_back(c < 0 ? LabelMap::kVoid : std::uint16_t(c));
    }
}

LabelRemap LabelRemap::byIds(std::size_t datasetClasses, const std::vector<int>& datasetIds, Unknown unknown)
{
    std::vector<int> classOf(datasetClasses, -1);
    for (std::size_t k = 0; k < datasetIds.size(); ++k) {
        const int id = datasetIds[k];
        if (id < 0 || std::size_t(id) >= datasetClasses)
            throw Error("label remap: class id " + std::to_string(id) + " is outside the data set's " +
                        std::to_string(datasetClasses) + " classes");
        classOf[std::size_t(id)] = int(k);
    }
    return LabelRemap(std::move(classOf), int(datasetIds.size()), unknown);
}

LabelRemap LabelRemap::byNames(const std::vector<std::string>& datasetNames, const std::vector<std::string>& names,
                               const std::string& datasetName, Unknown unknown)
{
    std::vector<int> classOf(datasetNames.size(), -1);
    for (std::size_t k = 0; k < names.size(); ++k) {
        bool found = false;
        for (std::size_t id = 0; id < datasetNames.size(); ++id)
            if (datasetNames[id] == names[k]) {
                classOf[id] = int(k);
                found = true;
            }
        if (!found)
            throw Error("class '" + names[k] + "' is not a class of data set '" + datasetName + "'");
    }
    return LabelRemap(std::move(classOf), int(names.size()), unknown);
}

std::uint16_t LabelRemap::classOf(std::uint16_t id) const
{
    if (id == LabelMap::kVoid)
        return LabelMap::kVoid;
    if (id < mLut.size())
        return mLut[id];
    if (mUnknown == Unknown::Throw)
        throw Error("label id " + std::to_string(id) + " outside its " + std::to_string(mLut.size()) + " classes");
    return LabelMap::kVoid;
}

LabelMap LabelRemap::apply(const LabelMap& truth) const
{
    LabelMap out = truth;
    for (auto& id : out.ids)
        id = classOf(id);
    return out;
}

} // namespace zm
