// TensorFlow.js model files, read without TensorFlow (and without Torch: std + nlohmann only).
//
// A TF.js model is a model.json plus weight shards. model.json holds `modelTopology` (a Keras model
// config for a "layers-model", a GraphDef-like node list for a "graph-model") and `weightsManifest`:
// groups, each with shard `paths` and per-tensor {name, shape, dtype, quantization?}. The bytes of all
// tensors follow one another over the shards of each group (concatenated in manifest order), one
// group after the other. Stored encodings: float32 / int32 (4 bytes), bool (1 byte), and the
// quantised forms uint8 / uint16 (affine: value = min + scale * q) and float16.
//
// Some packages ship the files as browserify JS modules instead (npm nsfwjs: `model.min.js` exports
// the model.json content as a JS object literal with unquoted keys and `!0`/`!1`; each
// `<shard>.min.js` exports one base64 string). `loadModel` reads both forms.
//
// Every malformed input throws zm::Error "<file>: <problem>" (bad JSON or JS literal, truncated or
// oversized shard, unknown dtype, a shape that does not fit the bytes); nothing here aborts.
#pragma once
#include "core/common/json.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace zm::tfjs {

/// One tensor of the weights manifest and where its bytes lie in the concatenated shards.
struct WeightEntry {
    std::string name;
    std::vector<std::int64_t> shape;
    std::string dtype;        ///< the tensor's dtype: float32, int32 or bool
    std::string quantization; ///< "" (stored as dtype), "uint8", "uint16" or "float16"
    double min = 0, scale = 1;///< affine uint8/uint16 dequantisation: min + scale * q
    std::int64_t count = 0;   ///< number of values (product of the shape)
    std::size_t offset = 0;   ///< byte offset in the concatenated shards
    std::size_t bytes = 0;    ///< stored bytes
};

/// A dequantised tensor: float values for float32 tensors, integers for int32 and bool tensors.
struct TensorData {
    std::vector<std::int64_t> shape;
    std::string dtype;
    std::vector<float> values;        ///< dtype float32
    std::vector<std::int32_t> ints;   ///< dtype int32 / bool
};

class Model {
public:
    /// "layers-model" or "graph-model" (a file without `format` is classified by its topology).
    const std::string& format() const { return mFormat; }
    const Json& topology() const { return mTopology; }
    /// The file the model was read from (model.json or model.min.js), for messages.
    const std::string& source() const { return mSource; }
    const std::vector<WeightEntry>& weights() const { return mWeights; }
    bool has(const std::string& name) const;
    const WeightEntry& entry(const std::string& name) const; ///< throws zm::Error when absent
    /// Dequantised values; throws zm::Error naming the model when `name` is absent.
    TensorData tensor(const std::string& name) const;
    /// Keras layers model: {"class_name": "Model"|"Functional"|"Sequential", "config": ...}.
    /// Throws for a graph model or a topology without a model config.
    const Json& kerasModelConfig() const;

    /// Builds a model from parsed model.json content and its group shards' bytes (one string per
    /// group: that group's shards concatenated). Checks every size; `groupFiles` (optional) names each
    /// group's shards in messages.
    static Model fromParts(const Json& modelJson, const std::vector<std::string>& groupBytes, const std::string& source,
                           const std::vector<std::string>& groupFiles = {});

private:
    std::string mFormat, mSource;
    Json mTopology;
    std::vector<WeightEntry> mWeights;
    std::string mData;
};

/// Reads a model: a model.json (shards beside it: `<path>`, else the bundle `<path>.min.js`),
/// a model.min.js bundle (shards `<path>.min.js` beside it), or a folder holding either.
Model loadModel(const std::filesystem::path& path);

/// The manifest (one entry per group: its paths and entries) without reading any shard.
std::vector<std::vector<WeightEntry>> parseManifest(const Json& manifest, const std::string& source);

/// Parses one JavaScript literal value (objects with unquoted or quoted keys, arrays, strings with
/// escapes, numbers like `.5`/`-1e-3`, `!0`/`!1`, true/false/null, `void 0`) into JSON.
Json parseJsLiteral(std::string_view text, const std::string& source, std::size_t* end = nullptr);

/// The value a browserify-style JS module assigns to `<x>.exports=` (the first object, array or
/// string assigned so), parsed with parseJsLiteral.
Json readJsModuleExport(const std::filesystem::path& file);

/// Standard base64 (RFC 4648; whitespace ignored, `=` padding optional).
std::string decodeBase64(std::string_view text, const std::string& source);

/// IEEE half -> float.
float halfToFloat(std::uint16_t h);

} // namespace zm::tfjs
