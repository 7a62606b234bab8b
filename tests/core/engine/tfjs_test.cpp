// The TF.js reader (core/engine/tfjs.h): JS literals and base64 of the browserify bundle form, the
// weights manifest with uint8-affine / float16 / float32 / int32 storage, graph-model manifests, and
// a clear zm::Error naming the file for every malformed input.
#include "tfjsfixture.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/engine/tfjs.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <fstream>

namespace zm::test {

namespace {

namespace fs = std::filesystem;

void writeText(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

} // namespace

TEST(Tfjs, JsLiteralReadsMinifiedObjects)
{
    const Json j = tfjs::parseJsLiteral(R"({a:!0,b:!1,"c d":[.5,-.25,1e-3,-2,null],e:'it\'s',f:{g:"\u00e9\n"},h:void 0,$i:undefined,7:true})", "t");
    EXPECT_EQ(j["a"], true);
    EXPECT_EQ(j["b"], false);
    EXPECT_DOUBLE_EQ(j["c d"][0].get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(j["c d"][1].get<double>(), -0.25);
    EXPECT_DOUBLE_EQ(j["c d"][2].get<double>(), 1e-3);
    EXPECT_TRUE(j["c d"][3].is_number_integer());
    EXPECT_EQ(j["c d"][3], -2);
    EXPECT_TRUE(j["c d"][4].is_null());
    EXPECT_EQ(j["e"], "it's");
    EXPECT_EQ(j["f"]["g"], "\xc3\xa9\n");
    EXPECT_TRUE(j["h"].is_null());
    EXPECT_TRUE(j["$i"].is_null());
    EXPECT_EQ(j["7"], true);
    // The fixture's writer and the reader agree on a whole model.
    TfjsModelBuilder b;
    buildTinyTrunk(b);
    EXPECT_EQ(tfjs::parseJsLiteral(toJsLiteral(b.modelJson()), "t"), b.modelJson());
}

TEST(Tfjs, BadJsLiteralsAreErrorsNamingTheSource)
{
    for (const char* bad : {"{a:1", "{a 1}", "[1,,2]", "{a:foo}", "\"open", "{a:!2}", "[1 2]", "{a:1}x", "{a:1.2.3}", "", "{a:1e}"}) {
        const std::string e = errorOf([&] { tfjs::parseJsLiteral(bad, "m.min.js"); });
        EXPECT_EQ(e.rfind("m.min.js: not a readable JS literal", 0), 0u) << bad << " -> " << e;
    }
    std::string deep(100000, '[');
    EXPECT_NE(errorOf([&] { tfjs::parseJsLiteral(deep, "deep.js"); }).find("nesting"), std::string::npos);
}

TEST(Tfjs, Base64AndHalfFloats)
{
    EXPECT_EQ(tfjs::decodeBase64("aGVsbG8=", "s"), "hello");
    EXPECT_EQ(tfjs::decodeBase64("aGVs\nbG8", "s"), "hello");
    EXPECT_EQ(tfjs::decodeBase64("", "s"), "");
    const std::string bytes("\x00\xff\x10\x80\x7f", 5);
    EXPECT_EQ(tfjs::decodeBase64(base64(bytes), "s"), bytes);
    EXPECT_NE(errorOf([] { tfjs::decodeBase64("aGV*bG8=", "s.js"); }).find("s.js: bad base64"), std::string::npos);
    EXPECT_NE(errorOf([] { tfjs::decodeBase64("aGVsb", "s.js"); }).find("truncated"), std::string::npos);
    EXPECT_NE(errorOf([] { tfjs::decodeBase64("aGVsbG8=aa", "s.js"); }).find("bad base64"), std::string::npos);

    EXPECT_EQ(tfjs::halfToFloat(0x3C00), 1.0f);
    EXPECT_EQ(tfjs::halfToFloat(0xC000), -2.0f);
    EXPECT_EQ(tfjs::halfToFloat(0x3555), 0.333251953125f);
    EXPECT_EQ(tfjs::halfToFloat(0x0001), std::ldexp(1.0f, -24)); // smallest subnormal
    EXPECT_EQ(tfjs::halfToFloat(0x03FF), std::ldexp(1023.0f, -24));
    EXPECT_EQ(tfjs::halfToFloat(0x7BFF), 65504.0f);
    EXPECT_TRUE(std::isinf(tfjs::halfToFloat(0x7C00)));
    EXPECT_TRUE(std::isnan(tfjs::halfToFloat(0x7E00)));
    EXPECT_TRUE(std::signbit(tfjs::halfToFloat(0x8000)));
}

TEST(Tfjs, ReadsEveryStorageByNameInBothFileForms)
{
    TempDir dir;
    TfjsModelBuilder b;
    const auto u8 = b.weight("a/kernel", {2, 3}, "uint8");
    const auto f16 = b.weight("b/bias", {5}, "float16");
    const auto f32 = b.weight("c/gamma", {1, 1, 2, 2}, "float32");
    const auto i32 = b.weight("d/stack", {3}, "int32");
    const auto empty = b.weight("e/none", {0, 4}, "float32");
    b.layer("input_1", "InputLayer", Json{{"batch_input_shape", {nullptr, 8, 8, 3}}}, {});
    b.writeJson(dir / "json");
    b.writeBundle(dir / "bundle");
    for (const auto& path : {dir / "json", dir / "json" / "model.json", dir / "bundle", dir / "bundle" / "model.min.js"}) {
        SCOPED_TRACE(path.string());
        const tfjs::Model m = tfjs::loadModel(path);
        EXPECT_EQ(m.format(), "layers-model");
        EXPECT_EQ(m.weights().size(), 5u);
        const auto a = m.tensor("a/kernel");
        EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
        ASSERT_EQ(a.values.size(), 6u);
        for (std::size_t i = 0; i < 6; ++i)
            EXPECT_FLOAT_EQ(a.values[i], u8[i]);
        EXPECT_EQ(m.tensor("b/bias").values, f16);
        EXPECT_EQ(m.tensor("c/gamma").values, f32);
        const auto d = m.tensor("d/stack");
        EXPECT_EQ(d.dtype, "int32");
        ASSERT_EQ(d.ints.size(), 3u);
        for (std::size_t i = 0; i < 3; ++i)
            EXPECT_EQ(d.ints[i], std::int32_t(i32[i]));
        EXPECT_TRUE(m.tensor("e/none").values.empty());
        EXPECT_EQ(m.entry("b/bias").offset, 6u);  // offsets run over the manifest in order
        EXPECT_EQ(m.entry("c/gamma").offset, 16u);
        EXPECT_EQ(m.kerasModelConfig()["class_name"], "Model");
        EXPECT_NE(errorOf([&] { m.tensor("zzz"); }).find("no weight named 'zzz'"), std::string::npos);
    }
    (void)empty;
}

TEST(Tfjs, UInt8DequantisationIsMinPlusScaleTimesQ)
{
    // Hand-made: min -1, scale 0.5; q = 0, 1, 4, 255.
    const Json mj{{"modelTopology", {{"model_config", {{"class_name", "Model"}, {"config", {{"layers", Json::array()}}}}}}},
                  {"weightsManifest",
                   {{{"paths", {"s"}},
                     {"weights", {{{"name", "w"}, {"shape", {4}}, {"dtype", "float32"}, {"quantization", {{"dtype", "uint8"}, {"min", -1.0}, {"scale", 0.5}}}},
                                  {{"name", "u"}, {"shape", {2}}, {"dtype", "float32"}, {"quantization", {{"dtype", "uint16"}, {"min", 2.0}, {"scale", 0.25}}}}}}}}}};
    const std::string bytes("\x00\x01\x04\xff" "\x01\x00\x00\x01", 8);
    const tfjs::Model m = tfjs::Model::fromParts(mj, {bytes}, "hand.json");
    EXPECT_EQ(m.tensor("w").values, (std::vector<float>{-1.0f, -0.5f, 1.0f, 126.5f}));
    EXPECT_EQ(m.tensor("u").values, (std::vector<float>{2.25f, 66.0f}));
}

TEST(Tfjs, GraphModelManifestReadsFloat16AndInt32)
{
    TempDir dir;
    TfjsModelBuilder b;
    const auto h = b.weight("tower_0/conv/weights", {3, 3, 2, 4}, "float16");
    const auto i = b.weight("tower_0/strided_slice/stack", {3}, "int32");
    Json j = b.modelJson("centernet.bin");
    j["format"] = "graph-model";
    j["generatedBy"] = "2.x";
    j["modelTopology"] = Json{{"node", Json::array({Json{{"name", "input"}, {"op", "Placeholder"}}})}, {"versions", Json::object()}};
    writeText(dir / "centernet.json", j.dump());
    writeText(dir / "centernet.bin", b.shard());
    const tfjs::Model m = tfjs::loadModel(dir / "centernet.json");
    EXPECT_EQ(m.format(), "graph-model");
    EXPECT_EQ(m.tensor("tower_0/conv/weights").values, h);
    EXPECT_EQ(m.tensor("tower_0/strided_slice/stack").ints[2], std::int32_t(i[2]));
    EXPECT_NE(errorOf([&] { m.kerasModelConfig(); }).find("graph-model has no Keras layer list"), std::string::npos);
    // Without a format field a topology with nodes is a graph model too.
    j.erase("format");
    writeText(dir / "centernet.json", j.dump());
    EXPECT_EQ(tfjs::loadModel(dir / "centernet.json").format(), "graph-model");
}

TEST(Tfjs, MalformedFilesAreClearErrors)
{
    TempDir dir;
    TfjsModelBuilder b;
    b.weight("k", {4, 4}, "uint8");
    b.weight("h", {3}, "float16");
    b.layer("input_1", "InputLayer", Json::object(), {});
    const fs::path d = dir / "m";
    auto expectError = [&](const std::string& what, const std::string& file) {
        const std::string e = errorOf([&] { tfjs::loadModel(d); });
        EXPECT_NE(e.find(what), std::string::npos) << e;
        EXPECT_NE(e.find(file), std::string::npos) << e;
    };

    b.writeJson(d);
    EXPECT_NO_THROW(tfjs::loadModel(d));

    // Truncated shard, oversized shard, missing shard.
    writeText(d / "group1-shard1of1", b.shard().substr(0, b.shard().size() - 1));
    expectError("is truncated: its shards hold 21 bytes, the manifest needs 22", "model.json");
    expectError("group1-shard1of1", "model.json");
    writeText(d / "group1-shard1of1", b.shard() + "x");
    expectError("more than the 22", "model.json");
    fs::remove(d / "group1-shard1of1");
    expectError("weight shard 'group1-shard1of1' not found", "model.json");
    b.writeJson(d);

    // Bad JSON.
    writeText(d / "model.json", "{\"weightsManifest\": [");
    expectError("JSON", "model.json");

    auto withManifestChange = [&](const std::function<void(Json&)>& change) {
        Json j = b.modelJson();
        change(j);
        writeText(d / "model.json", j.dump());
    };
    withManifestChange([](Json& j) { j["weightsManifest"][0]["weights"][0]["dtype"] = "complex64"; });
    expectError("weight 'k': unknown or unsupported dtype 'complex64'", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"][0]["weights"][0]["dtype"] = 5; });
    expectError("weight 'k' has no dtype", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"][0]["weights"][0]["quantization"]["dtype"] = "int4"; });
    expectError("unknown quantization dtype 'int4'", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"][0]["weights"][0]["quantization"].erase("scale"); });
    expectError("needs numeric 'min' and 'scale'", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"][0]["weights"][0]["shape"] = Json::array({4, -4}); });
    expectError("non-negative integers", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"][0]["weights"][0]["shape"] = Json::array({1 << 30, 1 << 30, 1 << 30}); });
    expectError("shape is too large", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"][0]["weights"][1]["name"] = "k"; });
    expectError("weight 'k' is listed twice", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"][0]["paths"] = Json::array({"../../etc/passwd"}); });
    expectError("leaves the model's folder", "model.json");
    withManifestChange([](Json& j) { j.erase("weightsManifest"); });
    expectError("no 'weightsManifest'", "model.json");
    withManifestChange([](Json& j) { j["format"] = "saved-model"; });
    expectError("unknown format 'saved-model'", "model.json");
    withManifestChange([](Json& j) { j["weightsManifest"] = Json::object(); });
    expectError("must be an array of groups", "model.json");

    // Bundle form: a bad literal, a shard that is not base64, a shard bundle exporting an object.
    fs::remove_all(d);
    b.writeBundle(d);
    EXPECT_NO_THROW(tfjs::loadModel(d));
    writeText(d / "group1-shard1of1.min.js", browserifyModule("\"@@@@\"", "s"));
    expectError("bad base64", "group1-shard1of1.min.js");
    writeText(d / "group1-shard1of1.min.js", browserifyModule("{a:1}", "s"));
    expectError("must export one base64 string", "group1-shard1of1.min.js");
    writeText(d / "group1-shard1of1.min.js", browserifyModule("\"" + base64(b.shard().substr(0, 10)) + "\"", "s"));
    expectError("is truncated", "model.min.js");
    writeText(d / "model.min.js", "a.exports={modelTopology:{},weightsManifest:[{paths:[\"x\"],weights:[{name:\"k\",shape:[4,4],dtype:float32}]}]}");
    expectError("unexpected identifier 'float32'", "model.min.js");
    writeText(d / "model.min.js", "console.log('hello')");
    expectError("no '.exports=' followed by", "model.min.js");

    // A folder with neither file, a missing file.
    EXPECT_NE(errorOf([&] { tfjs::loadModel(dir.path()); }).find("no model.json or model.min.js"), std::string::npos);
    EXPECT_NE(errorOf([&] { tfjs::loadModel(dir / "none.json"); }).find("none.json: TF.js model not found"), std::string::npos);
}

// Damaged files (cut anywhere, bytes overwritten) give zm::Error or a model, never a crash or another
// exception type.
TEST(Tfjs, DamagedBundlesNeverCrash)
{
    TempDir dir;
    TfjsModelBuilder b;
    buildTinyTrunk(b);
    b.writeBundle(dir / "ok");
    const std::string model = readFile(dir / "ok" / "model.min.js"), shard = readFile(dir / "ok" / "group1-shard1of1.min.js");
    std::mt19937 rng(3);
    int errors = 0;
    for (int i = 0; i < 300; ++i) {
        std::string m = model, s = shard;
        std::string& victim = i % 3 == 2 ? s : m;
        if (i % 2 == 0) {
            victim.resize(std::uniform_int_distribution<std::size_t>(0, victim.size() - 1)(rng));
        } else {
            for (int k = 0; k < 3; ++k)
                victim[std::uniform_int_distribution<std::size_t>(0, victim.size() - 1)(rng)] = "{}[]:,\"!0.e-x9'"[k * 5 % 16];
        }
        const fs::path d = dir / ("d" + std::to_string(i));
        fs::create_directories(d);
        writeText(d / "model.min.js", m);
        writeText(d / "group1-shard1of1.min.js", s);
        try {
            const tfjs::Model loaded = tfjs::loadModel(d);
            for (const auto& e : loaded.weights())
                loaded.tensor(e.name);
        } catch (const Error&) {
            ++errors;
        }
    }
    EXPECT_GT(errors, 150);
}

} // namespace zm::test
