// Model card (card.json) reading and writing, with checks that name the file and the field.
#include "core/engine/modelcard.h"

#include "core/common/error.h"

#include <cmath>

namespace zm {

namespace {

Json vectorsToJson(const std::vector<std::vector<float>>& v)
{
    Json a = Json::array();
    for (const auto& row : v)
        a.push_back(row);
    return a;
}

std::vector<std::vector<float>> vectorsFromJson(const Json& j, const std::string& source, const std::string& key, int dim)
{
    std::vector<std::vector<float>> out;
    if (!j.contains(key))
        return out;
    if (!j[key].is_array())
        throw Error(source + ": '" + key + "' must be an array of vectors");
    for (const auto& row : j[key]) {
        if (!row.is_array() || int(row.size()) != dim)
            throw Error(source + ": every entry of '" + key + "' must be a vector of " + std::to_string(dim) + " numbers");
        std::vector<float> v;
        v.reserve(row.size());
        for (const auto& x : row) {
            if (!x.is_number())
                throw Error(source + ": '" + key + "' holds a value that is not a number");
            v.push_back(x.get<float>());
        }
        out.push_back(std::move(v));
    }
    return out;
}

template <typename T>
T field(const Json& j, const std::string& source, const std::string& key, const T& fallback)
{
    if (!j.contains(key))
        return fallback;
    try {
        return j[key].get<T>();
    } catch (const Json::exception&) {
        throw Error(source + ": field '" + key + "' has the wrong type");
    }
}

} // namespace

Json ModelCard::toJson() const
{
    Json j;
    j["format"] = "zeromask-model";
    j["formatVersion"] = formatVersion;
    j["name"] = name;
    j["method"] = method;
    j["architecture"] = architecture;
    j["vectorSpace"] = vectorSpace.toJson();
    j["seenClasses"] = seenClasses;
    j["unseenClasses"] = unseenClasses;
    j["seenVectors"] = vectorsToJson(seenVectors);
    j["unseenVectors"] = vectorsToJson(unseenVectors);
    j["gamma"] = gamma;
    j["temperature"] = temperature;
    j["normalization"] = Json{{"mean", mean}, {"std", stdev}};
    j["training"] = training;
    j["metrics"] = metrics;
    j["software"] = software;
    j["created"] = created;
    return j;
}

ModelCard ModelCard::fromJson(const Json& j, const std::string& source)
{
    if (!j.is_object())
        throw Error(source + ": a model card must be a JSON object");
    if (j.value("format", std::string()) != "zeromask-model")
        throw Error(source + ": not a ZeroMask model card (missing \"format\": \"zeromask-model\")");
    ModelCard c;
    c.formatVersion = field<int>(j, source, "formatVersion", 0);
    if (c.formatVersion < 1 || c.formatVersion > 1)
        throw Error(source + ": model card format version " + std::to_string(c.formatVersion) +
                    " is not supported by this ZeroMask (supports 1); update ZeroMask");
    c.name = field<std::string>(j, source, "name", "");
    c.method = field<std::string>(j, source, "method", "spnet");
    if (!j.contains("architecture") || !j["architecture"].is_object())
        throw Error(source + ": missing 'architecture' object");
    c.architecture = j["architecture"];
    if (!j.contains("vectorSpace"))
        throw Error(source + ": missing 'vectorSpace'");
    c.vectorSpace = VectorSpaceId::fromJson(j["vectorSpace"], source);
    c.seenClasses = field<std::vector<std::string>>(j, source, "seenClasses", {});
    c.unseenClasses = field<std::vector<std::string>>(j, source, "unseenClasses", {});
    c.seenVectors = vectorsFromJson(j, source, "seenVectors", c.vectorSpace.dim);
    c.unseenVectors = vectorsFromJson(j, source, "unseenVectors", c.vectorSpace.dim);
    if (!c.seenVectors.empty() && c.seenVectors.size() != c.seenClasses.size())
        throw Error(source + ": 'seenVectors' has " + std::to_string(c.seenVectors.size()) + " entries for " +
                    std::to_string(c.seenClasses.size()) + " seen classes");
    if (!c.unseenVectors.empty() && c.unseenVectors.size() != c.unseenClasses.size())
        throw Error(source + ": 'unseenVectors' has " + std::to_string(c.unseenVectors.size()) + " entries for " +
                    std::to_string(c.unseenClasses.size()) + " unseen classes");
    c.gamma = field<float>(j, source, "gamma", 0.0f);
    c.temperature = field<float>(j, source, "temperature", 1.0f);
    if (!std::isfinite(c.gamma) || !std::isfinite(c.temperature) || c.temperature <= 0)
        throw Error(source + ": 'gamma' must be finite and 'temperature' positive");
    if (j.contains("normalization")) {
        const Json& n = j["normalization"];
        c.mean = field<std::vector<float>>(n, source, "mean", c.mean);
        c.stdev = field<std::vector<float>>(n, source, "std", c.stdev);
        if (c.mean.size() != 3 || c.stdev.size() != 3)
            throw Error(source + ": 'normalization' needs 3 mean and 3 std values");
        for (float s : c.stdev)
            if (!(s > 0))
                throw Error(source + ": 'normalization.std' values must be positive");
    }
    c.training = j.value("training", Json::object());
    c.metrics = j.value("metrics", Json::object());
    c.software = j.value("software", Json::object());
    c.created = field<std::string>(j, source, "created", "");
    return c;
}

ModelCard ModelCard::load(const std::filesystem::path& cardFile)
{
    return fromJson(loadJsonFile(cardFile), cardFile.string());
}

void ModelCard::save(const std::filesystem::path& cardFile) const { saveJsonFile(cardFile, toJson()); }

} // namespace zm
