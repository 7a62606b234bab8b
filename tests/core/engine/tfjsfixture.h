// Tiny TF.js models written by the tests (Torch-free, so the CLI tests use it too): a Keras layers
// model config with every layer kind the converter reads, weights stored as uint8-affine, float16 and
// float32, and the same model as a browserify bundle (model.min.js: a JS object literal with unquoted
// keys and !0/!1; group1-shard1of1.min.js: one base64 string); and a graph model shaped like the
// MobileNetV3 CenterNet of npm @vladmandic/human (protobuf-JSON nodes with base64 string attributes,
// float16 weights, int32 axis and size constants) holding every op the graph converter reads.
#pragma once
#include "core/common/error.h"
#include "core/common/json.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace zm::test {

/// The message of the zm::Error that `f` throws, or "(no error)".
inline std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

/// Float -> IEEE half for normal numbers and zero (the fixture only stores such values).
inline std::uint16_t floatToHalfExact(float f)
{
    std::uint32_t b;
    std::memcpy(&b, &f, 4);
    const std::uint16_t sign = std::uint16_t((b >> 16) & 0x8000u);
    if ((b & 0x7FFFFFFFu) == 0)
        return sign;
    const int exp = int((b >> 23) & 0xFF) - 127 + 15;
    const std::uint32_t man = b & 0x7FFFFFu;
    return std::uint16_t(sign | (std::uint32_t(exp) << 10) | (man >> 13));
}

inline std::string base64(const std::string& bytes)
{
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                                std::uint8_t(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6)
            out.push_back(a[(v >> s) & 63]);
    }
    if (i + 1 == bytes.size()) {
        const std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        out += {a[(v >> 18) & 63], a[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
        out += {a[(v >> 18) & 63], a[(v >> 12) & 63], a[(v >> 6) & 63], '='};
    }
    return out;
}

/// JSON -> minified JS literal the way browserify/uglify wrote nsfwjs: identifier keys unquoted,
/// true/false as !0/!1, numbers without a leading zero (.5, -.25).
inline std::string toJsLiteral(const Json& j)
{
    if (j.is_object()) {
        std::string s = "{";
        bool first = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (!first)
                s += ",";
            first = false;
            const std::string& k = it.key();
            bool ident = !k.empty() && !std::isdigit(static_cast<unsigned char>(k[0]));
            for (char c : k)
                ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$');
            s += (ident ? k : Json(k).dump()) + ":" + toJsLiteral(it.value());
        }
        return s + "}";
    }
    if (j.is_array()) {
        std::string s = "[";
        for (std::size_t i = 0; i < j.size(); ++i)
            s += (i ? "," : "") + toJsLiteral(j[i]);
        return s + "]";
    }
    if (j.is_boolean())
        return j.get<bool>() ? "!0" : "!1";
    if (j.is_number_float()) {
        std::string s = j.dump();
        if (s.rfind("0.", 0) == 0)
            s = s.substr(1);
        else if (s.rfind("-0.", 0) == 0)
            s = "-" + s.substr(2);
        return s;
    }
    return j.dump();
}

/// Wraps a JS literal in a browserify standalone module, like nsfwjs's dist/models/*/ *.min.js.
inline std::string browserifyModule(const std::string& literal, const std::string& global)
{
    return "!function(e){if(\"object\"==typeof exports&&\"undefined\"!=typeof module)module.exports=e();else{(\"undefined\"!=typeof "
           "window?window:this)." +
           global + "=e()}}(function(){return function e(a,n,i){return a}({1:[function(e,a,n){a.exports=" + literal +
           "},{}]},{},[1])(1)});\n";
}

/// Builds a layers model: layers (Keras 2 functional config) and a manifest of one group.
class TfjsModelBuilder {
public:
    /// Adds a weight stored as `storage` ("float32", "uint8", "float16", "int32"); returns the values
    /// the reader must give back (dequantised exactly as TF.js does).
    std::vector<float> weight(const std::string& name, const std::vector<std::int64_t>& shape, const std::string& storage)
    {
        std::int64_t n = 1;
        for (auto d : shape)
            n *= d;
        std::vector<float> v(static_cast<std::size_t>(n));
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (auto& x : v)
            x = u(mRng);
        return weightValues(name, shape, storage, v);
    }
    /// Positive values (batch-norm variances).
    std::vector<float> positiveWeight(const std::string& name, const std::vector<std::int64_t>& shape, const std::string& storage)
    {
        std::int64_t n = 1;
        for (auto d : shape)
            n *= d;
        std::vector<float> v(static_cast<std::size_t>(n));
        std::uniform_real_distribution<float> u(0.2f, 2.0f);
        for (auto& x : v)
            x = u(mRng);
        return weightValues(name, shape, storage, v);
    }
    std::vector<float> weightValues(const std::string& name, const std::vector<std::int64_t>& shape, const std::string& storage,
                                    std::vector<float> v)
    {
        Json e{{"name", name}, {"shape", shape}, {"dtype", storage == "int32" ? "int32" : "float32"}};
        if (storage == "uint8") {
            float lo = v[0], hi = v[0];
            for (float x : v)
                lo = std::min(lo, x), hi = std::max(hi, x);
            const double scale = hi > lo ? (double(hi) - lo) / 255.0 : 1.0;
            e["quantization"] = Json{{"dtype", "uint8"}, {"min", double(lo)}, {"scale", scale}};
            for (auto& x : v) {
                const auto q = static_cast<std::uint8_t>(std::lround((double(x) - lo) / scale));
                mShard.push_back(char(q));
                x = float(double(lo) + scale * q);
            }
        } else if (storage == "float16" || storage == "float16-any") {
            e["quantization"] = Json{{"dtype", "float16"}, {"original_dtype", "float32"}};
            for (auto& x : v) {
                if (storage == "float16")
                    x = std::round(x * 256.0f) / 256.0f; // exactly representable in half precision
                else
                    x = halfTruncated(x); // what the reader gives back (e.g. 1/6 -> 0.16662598)
                const std::uint16_t h = floatToHalfExact(x);
                mShard.push_back(char(h & 0xFF));
                mShard.push_back(char(h >> 8));
            }
        } else if (storage == "float32") {
            for (float x : v) {
                char b[4];
                std::memcpy(b, &x, 4);
                mShard.append(b, 4);
            }
        } else { // int32
            for (auto& x : v) {
                x = std::round(x * 100.0f);
                const auto i = std::int32_t(x);
                char b[4];
                std::memcpy(b, &i, 4);
                mShard.append(b, 4);
            }
        }
        mWeights.push_back(e);
        mValues[name] = v;
        return v;
    }

    /// An int32 tensor holding exactly `ints` (axes, sizes).
    void weightInts(const std::string& name, const std::vector<std::int64_t>& shape, const std::vector<std::int32_t>& ints)
    {
        for (auto i : ints) {
            char b[4];
            std::memcpy(b, &i, 4);
            mShard.append(b, 4);
        }
        mWeights.push_back(Json{{"name", name}, {"shape", shape}, {"dtype", "int32"}});
    }

    /// A normal float with the mantissa cut to half precision's 10 bits (what floatToHalfExact keeps).
    static float halfTruncated(float f)
    {
        std::uint32_t b;
        std::memcpy(&b, &f, 4);
        b &= ~std::uint32_t(0x1FFF);
        std::memcpy(&f, &b, 4);
        return f;
    }

    void layer(const std::string& name, const std::string& cls, Json config, const std::vector<std::string>& inputs)
    {
        config["name"] = name;
        config["trainable"] = false;
        Json nodes = Json::array();
        if (!inputs.empty()) {
            Json node = Json::array();
            for (const auto& in : inputs)
                node.push_back(Json::array({in, 0, 0, Json::object()}));
            nodes.push_back(node);
        }
        mLayers.push_back(Json{{"name", name}, {"class_name", cls}, {"config", config}, {"inbound_nodes", nodes}});
        mLast = name;
    }

    Json modelJson(const std::string& shardName = "group1-shard1of1") const
    {
        Json cfg{{"name", "model_1"}, {"layers", mLayers}};
        if (!mLayers.empty()) {
            cfg["input_layers"] = Json::array({Json::array({mLayers.front()["name"], 0, 0})});
            cfg["output_layers"] = Json::array({Json::array({mLast, 0, 0})});
        }
        return Json{{"modelTopology",
                     {{"keras_version", "2.2.4"}, {"backend", "tensorflow"}, {"model_config", {{"class_name", "Model"}, {"config", cfg}}}}},
                    {"weightsManifest", Json::array({Json{{"paths", Json::array({shardName})}, {"weights", mWeights}}})}};
    }
    const std::string& shard() const { return mShard; }
    const std::vector<float>& values(const std::string& name) const { return mValues.at(name); }

    /// model.json + group1-shard1of1 in `dir`.
    void writeJson(const std::filesystem::path& dir) const
    {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "model.json") << modelJson().dump();
        std::ofstream(dir / "group1-shard1of1", std::ios::binary) << mShard;
    }
    /// model.min.js + group1-shard1of1.min.js in `dir` (the nsfwjs bundle form).
    void writeBundle(const std::filesystem::path& dir) const
    {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "model.min.js") << browserifyModule(toJsLiteral(modelJson()), "model");
        std::ofstream(dir / "group1-shard1of1.min.js") << browserifyModule("\"" + base64(mShard) + "\"", "group1_shard1of1");
    }

protected:
    Json manifest(const std::string& shardName) const
    {
        return Json::array({Json{{"paths", Json::array({shardName})}, {"weights", mWeights}}});
    }

private:
    std::mt19937 mRng{7};
    std::vector<Json> mLayers, mWeights;
    std::string mShard, mLast;
    std::map<std::string, std::vector<float>> mValues;
};

/// Writes one of each layer kind the converter reads, a MobileNetV2-like little net:
///   input -> ZeroPadding2D [[0,1],[0,1]] -> Conv2D 3x3 s2 valid (8, no bias) -> BN -> ReLU(6)
///   -> DepthwiseConv2D 3x3 s1 same (x2, bias) -> BN (eps 1e-5) -> ReLU -> Conv2D 1x1 (8) -> BN
///   -> Add (with the first ReLU) -> DepthwiseConv2D 3x3 s2 same -> BN -> Conv2D 3x3 same dilation 2
///   (12, bias, relu) -> BN "out_BN" -> Flatten -> Dense "logits".
/// Stride 4, 12 channels at "out_BN".
inline void buildTinyTrunk(TfjsModelBuilder& b)
{
    auto bn = [&](const std::string& name, int c, double eps, const std::string& input, const std::string& storage) {
        b.layer(name, "BatchNormalization", Json{{"axis", -1}, {"momentum", 0.999}, {"epsilon", eps}, {"center", true}, {"scale", true}},
                {input});
        b.weight(name + "/gamma", {c}, storage);
        b.weight(name + "/beta", {c}, storage);
        b.weight(name + "/moving_mean", {c}, storage);
        b.positiveWeight(name + "/moving_variance", {c}, storage);
    };
    auto conv = [&](const std::string& name, const std::string& input, int in, int filters, int k, int s, const std::string& pad, int dil,
                    bool bias, const std::string& act, const std::string& storage) {
        b.layer(name, "Conv2D",
                Json{{"filters", filters},
                     {"kernel_size", {k, k}},
                     {"strides", {s, s}},
                     {"padding", pad},
                     {"data_format", "channels_last"},
                     {"dilation_rate", {dil, dil}},
                     {"activation", act},
                     {"use_bias", bias}},
                {input});
        b.weight(name + "/kernel", {k, k, in, filters}, storage);
        if (bias)
            b.weight(name + "/bias", {filters}, storage);
    };
    auto dw = [&](const std::string& name, const std::string& input, int in, int mult, int s, bool bias, const std::string& storage) {
        b.layer(name, "DepthwiseConv2D",
                Json{{"kernel_size", {3, 3}},
                     {"strides", {s, s}},
                     {"padding", "same"},
                     {"data_format", "channels_last"},
                     {"dilation_rate", {1, 1}},
                     {"activation", "linear"},
                     {"use_bias", bias},
                     {"depth_multiplier", mult}},
                {input});
        b.weight(name + "/depthwise_kernel", {3, 3, in, mult}, storage);
        if (bias)
            b.weight(name + "/bias", {in * mult}, storage);
    };
    b.layer("input_1", "InputLayer", Json{{"batch_input_shape", {nullptr, nullptr, nullptr, 3}}, {"dtype", "float32"}, {"sparse", false}}, {});
    b.layer("Conv1_pad", "ZeroPadding2D", Json{{"padding", {{0, 1}, {0, 1}}}, {"data_format", "channels_last"}}, {"input_1"});
    conv("Conv1", "Conv1_pad", 3, 8, 3, 2, "valid", 1, false, "linear", "uint8");
    bn("bn_Conv1", 8, 1e-3, "Conv1", "uint8");
    b.layer("Conv1_relu", "ReLU", Json{{"max_value", 6.0}, {"negative_slope", 0.0}, {"threshold", 0.0}}, {"bn_Conv1"});
    dw("dw", "Conv1_relu", 8, 2, 1, true, "float16");
    bn("dw_BN", 16, 1e-5, "dw", "float32");
    b.layer("dw_relu", "ReLU", Json{{"max_value", nullptr}, {"negative_slope", 0.0}, {"threshold", 0.0}}, {"dw_BN"});
    conv("project", "dw_relu", 16, 8, 1, 1, "same", 1, false, "linear", "uint8");
    bn("project_BN", 8, 1e-3, "project", "uint8");
    b.layer("add", "Add", Json::object(), {"Conv1_relu", "project_BN"});
    dw("dws", "add", 8, 1, 2, false, "uint8");
    bn("dws_BN", 8, 1e-3, "dws", "float16");
    conv("wide", "dws_BN", 8, 12, 3, 1, "same", 2, true, "relu", "float32");
    bn("out_BN", 12, 1e-3, "wide", "uint8");
    b.layer("flatten", "Flatten", Json::object(), {"out_BN"});
    b.layer("logits", "Dense", Json{{"units", 2}, {"activation", "softmax"}, {"use_bias", true}}, {"flatten"});
    b.weight("logits/kernel", {12, 2}, "float32");
    b.weight("logits/bias", {2}, "float32");
}

/// Builds a TF.js graph model ("format": "graph-model"): nodes with protobuf-JSON attributes as the
/// TF.js converter writes them (strings base64, integers as strings), Const data in the manifest.
class TfjsGraphBuilder : public TfjsModelBuilder {
public:
    void node(const std::string& name, const std::string& op, const std::vector<std::string>& inputs, Json attr = Json::object())
    {
        Json n{{"name", name}, {"op", op}, {"attr", attr}};
        if (!inputs.empty())
            n["input"] = inputs;
        mNodes.push_back(n);
    }
    /// A float32 Const stored as `storage`; returns the values the reader gives back.
    std::vector<float> constant(const std::string& name, const std::vector<std::int64_t>& shape, const std::string& storage = "float16")
    {
        node(name, "Const", {}, Json{{"dtype", {{"type", "DT_FLOAT"}}}});
        return weight(name, shape, storage);
    }
    float scalar(const std::string& name, float value, const std::string& storage = "float16-any")
    {
        node(name, "Const", {}, Json{{"dtype", {{"type", "DT_FLOAT"}}}});
        return weightValues(name, {}, storage, {value}).at(0);
    }
    void ints(const std::string& name, const std::vector<std::int64_t>& shape, const std::vector<std::int32_t>& values)
    {
        node(name, "Const", {}, Json{{"dtype", {{"type", "DT_INT32"}}}});
        weightInts(name, shape, values);
    }

    static Json str(const std::string& s) { return Json{{"s", base64(s)}}; }
    static Json intList(const std::vector<int>& v)
    {
        Json l = Json::array();
        for (int i : v)
            l.push_back(std::to_string(i));
        return Json{{"list", {{"i", l}}}};
    }
    static Json strList(const std::vector<std::string>& v)
    {
        Json l = Json::array();
        for (const auto& s : v)
            l.push_back(base64(s));
        return Json{{"list", {{"s", l}}}};
    }
    /// Attributes of a convolution node as the converter writes them: NHWC, strides, SAME/VALID.
    static Json convAttr(int stride, const std::string& padding, const std::vector<std::string>& fused = {}, bool isFused = true)
    {
        Json a{{"T", {{"type", "DT_FLOAT"}}},
               {"data_format", str("NHWC")},
               {"strides", intList({1, stride, stride, 1})},
               {"dilations", intList({1, 1, 1, 1})},
               {"padding", str(padding)},
               {"explicit_paddings", {{"list", Json::object()}}}};
        if (isFused) {
            a["fused_ops"] = strList(fused);
            a["num_args"] = Json{{"i", fused.empty() ? "0" : "1"}};
            a["epsilon"] = Json{{"f", 0}};
        }
        return a;
    }

    Json graphJson(const std::string& shardName) const
    {
        return Json{{"format", "graph-model"},
                    {"generatedBy", "zeromask tests"},
                    {"convertedBy", "TensorFlow.js Converter v1.7.0"},
                    {"modelTopology", {{"node", mNodes}, {"library", Json::object()}, {"versions", Json::object()}}},
                    {"weightsManifest", manifest(shardName)}};
    }
    /// centernet.json + centernet.bin in `dir` (the file names of @vladmandic/human).
    void writeGraph(const std::filesystem::path& dir) const
    {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "centernet.json") << graphJson("centernet.bin").dump();
        std::ofstream(dir / "centernet.bin", std::ios::binary) << shard();
    }

    std::vector<Json>& nodes() { return mNodes; }

private:
    std::vector<Json> mNodes;
};

/// A little CenterNet-like graph model on a [1,32,32,3] image (RGB 0..255 in the real one), with
/// every op the graph converter reads and the real model's patterns:
///   c1 _FusedConv2D 3x3 s2 SAME [BiasAdd] (8) -> hard-swish (Mul 1/6, Add 3, Relu6, Mul)
///   -> dw1 FusedDepthwiseConv2dNative 5x5 s2 SAME [BiasAdd, Relu]                   stride 4
///   -> squeeze-excite: Mean(H,W, keep_dims) -> 1x1 [BiasAdd, Relu] (4) -> 1x1 [BiasAdd] (8)
///      -> Add 3 -> Relu6 -> Mul 1/6 -> Mul with dw1 = "se"
///   -> pw _FusedConv2D 1x1 SAME [BiasAdd, Relu6] (12) -> dw2 DepthwiseConv2dNative 3x3 s2 SAME x2
///      (24, no bias) -> proj Conv2D 1x1 VALID (16)                                      stride 8
///   -> up ResizeBilinear to the constant [8,8] (legacy, 2x)                             stride 4
///   skip: se -> _FusedConv2D 3x3 s1 SAME [] (8, no fused ops) -> Sub per-channel constant
///   -> cat ConcatV2(skip, up, axis 3) (24) -> Relu "features" -> Identity "features_id"
///   -> pooled MaxPool 3x3 s2 SAME; heat Conv2D 1x1 (5) -> Sigmoid "heat" -> TopKV2 "topk" (not
///   convertible: the detection decoding past the cut).
inline void buildTinyCenterNet(TfjsGraphBuilder& g)
{
    const Json t{{"T", {{"type", "DT_FLOAT"}}}};
    g.node("images", "Placeholder", {},
           Json{{"dtype", {{"type", "DT_FLOAT"}}}, {"shape", {{"shape", {{"dim", {{{"size", "1"}}, {{"size", "32"}}, {{"size", "32"}}, {{"size", "3"}}}}}}}}});
    g.constant("c1/w", {3, 3, 3, 8});
    g.constant("c1/b", {8});
    g.node("c1", "_FusedConv2D", {"images", "c1/w", "c1/b"}, TfjsGraphBuilder::convAttr(2, "SAME", {"BiasAdd"}));
    g.scalar("sixth", 1.0f / 6.0f); // stored as float16: 0.16662598 (the real model's 0.16663)
    g.scalar("three", 3.0f);
    g.node("c1/hs/mul", "Mul", {"sixth", "c1"}, t);
    g.node("c1/hs/add", "Add", {"c1", "three"}, t);
    g.node("c1/hs/relu6", "Relu6", {"c1/hs/add"}, t);
    g.node("c1/hs", "Mul", {"c1/hs/mul", "c1/hs/relu6"}, t);
    g.constant("dw1/w", {5, 5, 8, 1});
    g.constant("dw1/b", {8});
    g.node("dw1", "FusedDepthwiseConv2dNative", {"c1/hs", "dw1/w", "dw1/b"}, TfjsGraphBuilder::convAttr(2, "SAME", {"BiasAdd", "Relu"}));
    g.ints("se/axes", {2}, {1, 2});
    g.node("se/mean", "Mean", {"dw1", "se/axes"}, Json{{"T", {{"type", "DT_FLOAT"}}}, {"keep_dims", {{"b", true}}}, {"Tidx", {{"type", "DT_INT32"}}}});
    g.constant("se/a/w", {1, 1, 8, 4});
    g.constant("se/a/b", {4});
    g.node("se/a", "_FusedConv2D", {"se/mean", "se/a/w", "se/a/b"}, TfjsGraphBuilder::convAttr(1, "VALID", {"BiasAdd", "Relu"}));
    g.constant("se/b/w", {1, 1, 4, 8});
    g.constant("se/b/b", {8});
    g.node("se/b", "_FusedConv2D", {"se/a", "se/b/w", "se/b/b"}, TfjsGraphBuilder::convAttr(1, "VALID", {"BiasAdd"}));
    g.node("se/add", "Add", {"se/b", "three"}, t);
    g.node("se/relu6", "Relu6", {"se/add"}, t);
    g.node("se/gate", "Mul", {"se/relu6", "sixth"}, t);
    g.node("se", "Mul", {"dw1", "se/gate"}, t);
    g.constant("pw/w", {1, 1, 8, 12});
    g.constant("pw/b", {12});
    g.node("pw", "_FusedConv2D", {"se", "pw/w", "pw/b"}, TfjsGraphBuilder::convAttr(1, "SAME", {"BiasAdd", "Relu6"}));
    g.constant("dw2/w", {3, 3, 12, 2});
    g.node("dw2", "DepthwiseConv2dNative", {"pw", "dw2/w"}, TfjsGraphBuilder::convAttr(2, "SAME", {}, false));
    g.constant("proj/w", {1, 1, 24, 16});
    g.node("proj", "Conv2D", {"dw2", "proj/w"}, TfjsGraphBuilder::convAttr(1, "VALID", {}, false));
    g.ints("up/size", {2}, {8, 8});
    g.node("up", "ResizeBilinear", {"proj", "up/size"},
           Json{{"T", {{"type", "DT_FLOAT"}}}, {"align_corners", {{"b", false}}}, {"half_pixel_centers", {{"b", false}}}});
    g.constant("skip/w", {3, 3, 8, 8});
    g.node("skip", "_FusedConv2D", {"se", "skip/w"}, TfjsGraphBuilder::convAttr(1, "SAME", {}));
    g.constant("skip/offset", {8});
    g.node("skip/sub", "Sub", {"skip", "skip/offset"}, t);
    g.ints("cat/axis", {}, {3});
    g.node("cat", "ConcatV2", {"skip/sub", "up:0", "cat/axis"}, Json{{"T", {{"type", "DT_FLOAT"}}}, {"N", {{"i", "2"}}}});
    g.node("features", "Relu", {"cat"}, t);
    g.node("features_id", "Identity", {"features"}, t);
    g.node("pooled", "MaxPool", {"features_id"},
           Json{{"T", {{"type", "DT_FLOAT"}}},
                {"data_format", TfjsGraphBuilder::str("NHWC")},
                {"ksize", TfjsGraphBuilder::intList({1, 3, 3, 1})},
                {"strides", TfjsGraphBuilder::intList({1, 2, 2, 1})},
                {"padding", TfjsGraphBuilder::str("SAME")}});
    g.constant("heat/w", {1, 1, 24, 5});
    g.node("heat/conv", "Conv2D", {"features", "heat/w"}, TfjsGraphBuilder::convAttr(1, "SAME", {}, false));
    g.node("heat", "Sigmoid", {"heat/conv"}, t);
    g.ints("topk/k", {}, {4});
    g.node("topk", "TopKV2", {"heat", "topk/k"}, Json{{"T", {{"type", "DT_FLOAT"}}}, {"sorted", {{"b", true}}}});
}

/// An image classifier's head on `input` (a `channels`-channel map) as TF.js writes one: "pool", a Mean over H
/// and W without keep_dims, then "logits", a _FusedMatMul by a [channels, classes] matrix with a BiasAdd
/// ("logits/w", "logits/b"). `backbone convert --per-cell` runs it at every cell.
inline void addClassifierHead(TfjsGraphBuilder& g, const std::string& input, int channels, int classes)
{
    g.ints("pool/axes", {2}, {1, 2});
    g.node("pool", "Mean", {input, "pool/axes"}, Json{{"T", {{"type", "DT_FLOAT"}}}, {"keep_dims", {{"b", false}}}, {"Tidx", {{"type", "DT_INT32"}}}});
    g.constant("logits/w", {channels, classes}, "float32");
    g.constant("logits/b", {classes}, "float32");
    g.node("logits", "_FusedMatMul", {"pool", "logits/w", "logits/b"},
           Json{{"T", {{"type", "DT_FLOAT"}}}, {"transpose_a", {{"b", false}}}, {"transpose_b", {{"b", false}}},
                {"fused_ops", TfjsGraphBuilder::strList({"BiasAdd"})}, {"num_args", {{"i", "1"}}}, {"epsilon", {{"f", 0}}}});
}

/// The tiny CenterNet with a `classes`-way classifier head on its features, written as a TF.js graph model
/// in `folder`; returns its model.json (`centernet.json`), ready for `backbone convert ... --until logits`.
inline std::filesystem::path writeTinyClassifierGraph(const std::filesystem::path& folder, int classes = 3)
{
    TfjsGraphBuilder g;
    buildTinyCenterNet(g);
    addClassifierHead(g, "features_id", 24, classes);
    g.writeGraph(folder);
    return folder / "centernet.json";
}

} // namespace zm::test
