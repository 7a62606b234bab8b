// TF.js Keras layers model -> TorchScript encoder (see tfjsconvert.h). The module is built with
// LibTorch's C++ API: weights registered as parameters (NHWC kernels transposed to PyTorch's layouts,
// batch norm folded into the convolution before it), and TorchScript source generated from the layer
// list, one line per layer, compiled with Module::define and saved with Module::save. The pieces the
// graph-model converter (tfjsgraph.cpp) writes the same way live here too (tfjsscript.h).
#include "core/engine/tfjsconvert.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/engine/backbone.h"
#include "core/engine/modelcard.h"
#include "core/engine/tfjs.h"
#include "core/engine/tfjsscript.h"

#include <torch/script.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

namespace zm {

namespace tfjsscript {

std::string floatLiteral(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos)
        s += ".0";
    return s;
}

std::string identifierOf(const std::string& name)
{
    std::string s;
    for (char c : name)
        s.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    return s;
}

void emitInput(torch::jit::Module& module, std::ostringstream& body, const TfjsConvertOptions& options)
{
    const double range = options.inputRange;
    if (!(range > 0) || !std::isfinite(range))
        throw Error("the input range must be a positive number (1 for RGB 0..1, 255 for 0..255), not " + floatLiteral(range));
    if (options.input == "imagenet") {
        const ModelCard card; // the default normalisation every model card starts with
        module.register_buffer("input_std", (torch::tensor(card.stdev) * range).view({1, 3, 1, 1}));
        module.register_buffer("input_mean", (torch::tensor(card.mean) * range).view({1, 3, 1, 1}));
        body << "    x = x * self.input_std + self.input_mean\n";
    } else if (options.input == "none") {
        if (range != 1.0)
            body << "    x = x * " << floatLiteral(range) << "\n";
    } else {
        throw Error("unknown input normalisation '" + options.input + "' (imagenet or none)");
    }
}

const char* const kSamePadMethod =
    "def same_pad(self, x: Tensor, kh: int, kw: int, sh: int, sw: int, dh: int, dw: int, value: float) -> Tensor:\n"
    "    h = x.size(2)\n"
    "    w = x.size(3)\n"
    "    ph = max(((h + sh - 1) // sh - 1) * sh + (kh - 1) * dh + 1 - h, 0)\n"
    "    pw = max(((w + sw - 1) // sw - 1) * sw + (kw - 1) * dw + 1 - w, 0)\n"
    "    return torch.constant_pad_nd(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2], value)\n";

void finishModule(torch::jit::Module& module, const std::string& source, const std::string& modelFile, const std::string& what,
                  const std::filesystem::path& out, TfjsConvertReport& report)
{
    try {
        module.define(source);
    } catch (const c10::Error& e) {
        throw Error(modelFile + ": the generated TorchScript does not compile (" + std::string(e.what_without_backtrace()) + ")");
    }
    // Probe like the engine does: [1,3,64,64] -> [1,C,64/s,64/s].
    {
        torch::NoGradGuard ng;
        module.eval();
        at::Tensor y, low;
        try {
            std::tie(low, y) = scriptEncoderOutputs(module.forward({torch::zeros({1, 3, 64, 64})}));
        } catch (const c10::Error& e) {
            throw Error(modelFile + ": the converted trunk fails on a [1,3,64,64] input (" + std::string(e.what_without_backtrace()) + ")");
        }
        if (y.dim() != 4 || y.size(2) < 1 || 64 % y.size(2) != 0 || y.size(2) != y.size(3))
            throw Error(modelFile + ": " + what + " do not give a feature map of stride s (64x64 input gave " + std::to_string(y.dim()) +
                        " dimensions)");
        if (low.defined()) {
            if (low.dim() != 4 || low.size(2) < 1 || 64 % low.size(2) != 0 || low.size(2) <= y.size(2))
                throw Error(modelFile + ": the low-level layer '" + report.lowOutput +
                            "' must give a feature map of a smaller stride than the output's");
            report.lowChannels = int(low.size(1));
            report.lowStride = int(64 / low.size(2));
        }
        report.channels = int(y.size(1));
        report.stride = int(64 / y.size(2));
    }
    module.train();
    writeFileAtomicWith(out, [&](const std::filesystem::path& tmp) {
        try {
            module.save(tmp.string());
        } catch (const c10::Error& e) {
            throw fileError(out.string(), "cannot write the TorchScript file (" + std::string(e.what_without_backtrace()) + ")");
        }
    });
    report.parameters = 0;
    for (const auto& p : module.parameters())
        report.parameters += p.numel();
}

} // namespace tfjsscript

namespace {

using tfjsscript::floatLiteral;
using tfjsscript::identifierOf;

struct Layer {
    std::string name, cls;
    Json config;
    std::vector<std::string> inputs;
};

class Converter {
public:
    Converter(const tfjs::Model& model, const TfjsConvertOptions& options) : mModel(model), mOptions(options), mSrc(model.source()) {}

    TfjsConvertReport run(const std::filesystem::path& out)
    {
        readLayers();
        const std::string output = outputName();
        selectNeeded(output);
        const std::string& low = mOptions.lowLevel;
        if (!low.empty()) {
            if (!mIndex.count(low))
                fail("no layer named '" + low + "' (the --low layer)");
            if (!mNeeded.count(low) || low == output)
                fail("the --low layer '" + low + "' is not an earlier layer on the way to '" + output + "'");
            ++mConsumers[low]; // the module returns it too: never fold it away
        }
        planFolding(output);

        torch::jit::Module module("__torch__.zeromask.TfjsTrunk");
        std::ostringstream body;
        body << "def forward(self, x):\n";
        tfjsscript::emitInput(module, body, mOptions);
        bool needSamePad = false;
        TfjsConvertReport report;
        report.output = output;
        std::set<std::string> classes;
        int index = 0;
        for (const auto& l : mLayers) {
            if (!mNeeded.count(l.name))
                continue;
            ++index;
            classes.insert(l.cls);
            emit(l, index, module, body, needSamePad);
        }
        if (low.empty())
            body << "    return " << mVar.at(output) << "\n";
        else
            body << "    return (" << mVar.at(low) << ", " << mVar.at(output) << ")\n";
        std::string source = body.str();
        if (needSamePad)
            source += std::string("\n") + tfjsscript::kSamePadMethod;
        report.lowOutput = low;
        tfjsscript::finishModule(module, source, mSrc, "the layers up to '" + output + "'", out, report);
        report.format = "layers-model";
        report.layers = index;
        report.classes.assign(classes.begin(), classes.end());
        return report;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw fileError(mSrc, what); }
    [[noreturn]] void failLayer(const Layer& l, const std::string& what) const
    {
        throw fileError(mSrc, "layer '" + l.name + "' (" + l.cls + "): " + what);
    }

    void readLayers()
    {
        const Json& mc = mModel.kerasModelConfig();
        const std::string modelClass = mc["class_name"].get<std::string>();
        const Json& cfg = mc["config"];
        const bool sequential = modelClass == "Sequential";
        if (!sequential && modelClass != "Model" && modelClass != "Functional")
            fail("unknown Keras model class '" + modelClass + "' (Model, Functional or Sequential)");
        const Json* list = &cfg;
        if (cfg.is_object()) {
            if (!cfg.contains("layers"))
                fail("the Keras model config has no 'layers'");
            list = &cfg["layers"];
        }
        if (!list->is_array() || list->empty())
            fail("the Keras model config's 'layers' must be a non-empty array");
        mModelConfig = &cfg;
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Json& j = (*list)[i];
            if (!j.is_object() || !j.contains("class_name") || !j["class_name"].is_string() || !j.contains("config") ||
                !j["config"].is_object())
                fail("layer " + std::to_string(i) + " has no class_name and config object");
            Layer l;
            l.cls = j["class_name"].get<std::string>();
            l.config = j["config"];
            if (j.contains("name") && j["name"].is_string())
                l.name = j["name"].get<std::string>();
            else if (l.config.contains("name") && l.config["name"].is_string())
                l.name = l.config["name"].get<std::string>();
            else
                fail("layer " + std::to_string(i) + " has no name");
            if (mIndex.count(l.name))
                fail("two layers are named '" + l.name + "'");
            if (sequential) {
                if (i == 0 && l.cls != "InputLayer") {
                    Layer in;
                    in.name = "__input__";
                    in.cls = "InputLayer";
                    in.config = l.config;
                    mIndex[in.name] = mLayers.size();
                    mLayers.push_back(in);
                }
                if (!mLayers.empty())
                    l.inputs.push_back(mLayers.back().name);
            } else {
                const Json nodes = j.value("inbound_nodes", Json::array());
                if (!nodes.is_array())
                    failLayer(l, "'inbound_nodes' must be an array");
                if (nodes.size() > 1)
                    failLayer(l, "a layer called more than once (shared layers) is not supported");
                if (!nodes.empty()) {
                    if (!nodes[0].is_array())
                        failLayer(l, "unsupported 'inbound_nodes' format (Keras 2 lists [[name, node, tensor, kwargs], ...] are read)");
                    for (const auto& in : nodes[0]) {
                        if (!in.is_array() || in.empty() || !in[0].is_string())
                            failLayer(l, "an inbound node entry must be [layer name, node index, tensor index, ...]");
                        if ((in.size() > 1 && in[1] != 0) || (in.size() > 2 && in[2] != 0))
                            failLayer(l, "inputs from a second call or a second output of a layer are not supported");
                        l.inputs.push_back(in[0].get<std::string>());
                    }
                }
            }
            mIndex[l.name] = mLayers.size();
            mLayers.push_back(std::move(l));
        }
    }

    std::string outputName() const
    {
        if (!mOptions.until.empty()) {
            if (!mIndex.count(mOptions.until))
                fail("no layer named '" + mOptions.until + "' (the --until layer)");
            return mOptions.until;
        }
        if (mModelConfig->is_object() && mModelConfig->contains("output_layers")) {
            const Json& o = (*mModelConfig)["output_layers"];
            if (o.is_array() && o.size() == 1 && o[0].is_array() && !o[0].empty() && o[0][0].is_string())
                return o[0][0].get<std::string>();
            fail("the model has several outputs: name the one to keep (--until)");
        }
        return mLayers.back().name;
    }

    void selectNeeded(const std::string& output)
    {
        std::vector<std::string> stack{output};
        while (!stack.empty()) {
            const std::string n = stack.back();
            stack.pop_back();
            if (!mNeeded.insert(n).second)
                continue;
            const auto it = mIndex.find(n);
            if (it == mIndex.end())
                fail("a layer's input '" + n + "' is not a layer of the model");
            for (const auto& in : mLayers[it->second].inputs) {
                ++mConsumers[in];
                stack.push_back(in);
            }
        }
        // Consumers were counted once per visit; recount exactly over the needed set.
        mConsumers.clear();
        for (const auto& l : mLayers)
            if (mNeeded.count(l.name))
                for (const auto& in : l.inputs)
                    ++mConsumers[in];
    }

    void planFolding(const std::string& output)
    {
        if (!mOptions.foldBatchNorm)
            return;
        for (const auto& l : mLayers) {
            if (!mNeeded.count(l.name) || l.cls != "BatchNormalization" || l.inputs.size() != 1)
                continue;
            const Layer& src = mLayers[mIndex.at(l.inputs[0])];
            if ((src.cls == "Conv2D" || src.cls == "DepthwiseConv2D") && src.config.value("activation", std::string("linear")) == "linear" &&
                mConsumers[src.name] == 1 && src.name != output)
                mFoldInto[src.name] = l.name;
        }
    }

    static std::pair<int, int> pairOf(const Json& j, int dflt)
    {
        if (j.is_null())
            return {dflt, dflt};
        if (j.is_number_integer())
            return {j.get<int>(), j.get<int>()};
        if (j.is_array() && j.size() == 2 && j[0].is_number_integer() && j[1].is_number_integer())
            return {j[0].get<int>(), j[1].get<int>()};
        throw Error("expected an integer or a pair of integers");
    }

    /// The weight `<layer>/<what>` (or one unique weight ending in `/<layer>/<what>`).
    at::Tensor weight(const Layer& l, const std::string& what, const std::vector<std::int64_t>& expectShape = {}) const
    {
        std::string name = l.name + "/" + what;
        if (!mModel.has(name)) {
            std::string found;
            const std::string tail = "/" + name;
            for (const auto& e : mModel.weights())
                if (e.name.size() > tail.size() && e.name.compare(e.name.size() - tail.size(), tail.size(), tail) == 0) {
                    if (!found.empty())
                        failLayer(l, "two weights end in '" + tail + "'");
                    found = e.name;
                }
            if (found.empty())
                failLayer(l, "weight '" + name + "' is missing from the manifest");
            name = found;
        }
        const tfjs::TensorData t = mModel.tensor(name);
        if (t.dtype != "float32")
            failLayer(l, "weight '" + name + "' has dtype " + t.dtype + ", not float32");
        if (!expectShape.empty() && t.shape != expectShape) {
            auto str = [](const std::vector<std::int64_t>& s) {
                std::string r = "[";
                for (std::size_t i = 0; i < s.size(); ++i)
                    r += (i ? "," : "") + std::to_string(s[i]);
                return r + "]";
            };
            failLayer(l, "weight '" + name + "' has shape " + str(t.shape) + ", the layer needs " + str(expectShape));
        }
        return torch::tensor(t.values, torch::kFloat32).reshape(t.shape);
    }

    std::string addParam(torch::jit::Module& m, const Layer& l, int index, const std::string& suffix, const at::Tensor& t)
    {
        const std::string name = "l" + std::to_string(index) + "_" + identifierOf(l.name) + "_" + suffix;
        // Trainable: the engine fine-tunes a TorchScript encoder's parameters that require grad.
        m.register_parameter(name, t.detach().contiguous().clone().set_requires_grad(true), false);
        return "self." + name;
    }

    std::string input(const Layer& l, std::size_t i = 0) const
    {
        const auto it = mVar.find(l.inputs.at(i));
        if (it == mVar.end())
            failLayer(l, "its input '" + l.inputs.at(i) + "' comes later in the layer list");
        return it->second;
    }

    int channelsOf(const std::string& layer) const { return mChannels.at(layer); }

    static std::string activationLine(const std::string& act, const std::string& v)
    {
        if (act == "relu")
            return "torch.relu(" + v + ")";
        if (act == "relu6")
            return "torch.clamp(" + v + ", 0.0, 6.0)";
        return "";
    }

    void emit(const Layer& l, int index, torch::jit::Module& m, std::ostringstream& body, bool& needSamePad)
    {
        const std::string v = "v" + std::to_string(index);
        const Json& c = l.config;
        try {
            const std::string fmt = c.value("data_format", std::string("channels_last"));
            if (fmt != "channels_last")
                failLayer(l, "data_format '" + fmt + "' is not supported (channels_last)");
            if (l.cls == "InputLayer") {
                if (mInputSeen)
                    failLayer(l, "a second input layer (one image input is supported)");
                mInputSeen = true;
                const Json shape = c.value("batch_input_shape", Json());
                if (shape.is_array() && !shape.empty() && shape.back().is_number_integer() && shape.back() != 3)
                    failLayer(l, "the input has " + shape.back().dump() + " channels, not 3 (RGB)");
                mVar[l.name] = "x";
                mChannels[l.name] = 3;
                return;
            }
            if (l.inputs.empty())
                failLayer(l, "has no input");
            if (l.cls == "ZeroPadding2D") {
                const Json p = c.value("padding", Json(1));
                int t = 0, b = 0, le = 0, r = 0;
                if (p.is_array() && p.size() == 2 && p[0].is_array()) {
                    std::tie(t, b) = pairOf(p[0], 0);
                    std::tie(le, r) = pairOf(p[1], 0);
                } else {
                    std::tie(t, le) = pairOf(p, 0);
                    b = t;
                    r = le;
                }
                if (t < 0 || b < 0 || le < 0 || r < 0)
                    failLayer(l, "negative padding");
                body << "    " << v << " = torch.constant_pad_nd(" << input(l) << ", [" << le << ", " << r << ", " << t << ", " << b
                     << "], 0.0)\n";
                mChannels[l.name] = channelsOf(l.inputs[0]);
            } else if (l.cls == "Conv2D" || l.cls == "DepthwiseConv2D") {
                emitConv(l, index, v, m, body, needSamePad);
            } else if (l.cls == "BatchNormalization") {
                emitBatchNorm(l, index, v, m, body);
                return;
            } else if (l.cls == "ReLU") {
                const double slope = c.value("negative_slope", 0.0), threshold = c.value("threshold", 0.0);
                if (slope != 0.0 || threshold != 0.0)
                    failLayer(l, "a ReLU with a negative slope or threshold is not supported");
                const Json mx = c.value("max_value", Json());
                if (mx.is_number())
                    body << "    " << v << " = torch.clamp(" << input(l) << ", 0.0, " << floatLiteral(mx.get<double>()) << ")\n";
                else
                    body << "    " << v << " = torch.relu(" << input(l) << ")\n";
                mChannels[l.name] = channelsOf(l.inputs[0]);
            } else if (l.cls == "Activation") {
                const std::string act = c.value("activation", std::string());
                if (act == "linear") {
                    mVar[l.name] = input(l);
                    mChannels[l.name] = channelsOf(l.inputs[0]);
                    return;
                }
                const std::string line = activationLine(act, input(l));
                if (line.empty())
                    failLayer(l, "activation '" + act + "' is not supported (linear, relu, relu6)");
                body << "    " << v << " = " << line << "\n";
                mChannels[l.name] = channelsOf(l.inputs[0]);
            } else if (l.cls == "Add") {
                if (l.inputs.size() < 2)
                    failLayer(l, "needs two or more inputs");
                body << "    " << v << " = " << input(l);
                for (std::size_t i = 1; i < l.inputs.size(); ++i) {
                    if (channelsOf(l.inputs[i]) != channelsOf(l.inputs[0]))
                        failLayer(l, "its inputs have different channel counts");
                    body << " + " << input(l, i);
                }
                body << "\n";
                mChannels[l.name] = channelsOf(l.inputs[0]);
            } else if (l.cls == "MaxPooling2D" || l.cls == "AveragePooling2D") {
                emitPool(l, v, body, needSamePad);
            } else if (l.cls == "Concatenate") {
                if (l.inputs.size() < 2)
                    failLayer(l, "needs two or more inputs");
                const int axis = c.value("axis", -1);
                if (axis != -1 && axis != 3)
                    failLayer(l, "only concatenation over the channel axis (-1) is supported");
                int channels = 0;
                body << "    " << v << " = torch.cat([";
                for (std::size_t i = 0; i < l.inputs.size(); ++i) {
                    body << (i ? ", " : "") << input(l, i);
                    channels += channelsOf(l.inputs[i]);
                }
                body << "], 1)\n";
                mChannels[l.name] = channels;
            } else if (l.cls == "Dropout") {
                mVar[l.name] = input(l); // identity at inference
                mChannels[l.name] = channelsOf(l.inputs[0]);
                return;
            } else {
                failLayer(l, "this layer class cannot be converted (convolutional trunks only: cut before it with --until)");
            }
        } catch (const Json::exception& e) {
            failLayer(l, std::string("a config field has the wrong type (") + e.what() + ")");
        } catch (const Error& e) {
            const std::string what = e.what();
            if (what.rfind(mSrc + ":", 0) == 0)
                throw;
            failLayer(l, what);
        }
        mVar[l.name] = v;
    }

    void emitConv(const Layer& l, int index, const std::string& v, torch::jit::Module& m, std::ostringstream& body, bool& needSamePad)
    {
        const Json& c = l.config;
        const bool depthwise = l.cls == "DepthwiseConv2D";
        const auto [kh, kw] = pairOf(c.value("kernel_size", Json()), 1);
        const auto [sh, sw] = pairOf(c.value("strides", Json()), 1);
        const auto [dh, dw] = pairOf(c.value("dilation_rate", Json()), 1);
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1)
            failLayer(l, "kernel size, strides and dilation must be positive");
        const std::string padding = paddingOf(l, kh, kw);
        const std::string act = c.value("activation", std::string("linear"));
        if (act != "linear" && activationLine(act, "x").empty())
            failLayer(l, "activation '" + act + "' is not supported (linear, relu, relu6)");
        const int in = channelsOf(l.inputs[0]);
        at::Tensor w;
        int out, groups;
        if (depthwise) {
            const int mult = c.value("depth_multiplier", 1);
            if (mult < 1)
                failLayer(l, "depth_multiplier must be at least 1");
            auto k = weight(l, "depthwise_kernel", {kh, kw, in, mult});
            out = in * mult;
            groups = in;
            w = k.reshape({kh, kw, out}).permute({2, 0, 1}).unsqueeze(1); // [C*m,1,kh,kw]
        } else {
            out = c.value("filters", 0);
            groups = c.value("groups", 1);
            if (out < 1 || groups < 1 || in % groups != 0 || out % groups != 0)
                failLayer(l, "filters/groups do not fit its " + std::to_string(in) + " input channels");
            auto k = weight(l, "kernel", {kh, kw, in / groups, out});
            w = k.permute({3, 2, 0, 1}); // [out,in/groups,kh,kw]
        }
        at::Tensor b = c.value("use_bias", true) ? weight(l, "bias", {out}) : torch::zeros({out});
        if (mFoldInto.count(l.name)) {
            const Layer& bn = mLayers[mIndex.at(mFoldInto.at(l.name))];
            auto [scale, shift] = batchNorm(bn, out);
            w = w * scale.view({-1, 1, 1, 1});
            b = b * scale + shift;
        }
        const std::string wn = addParam(m, l, index, "weight", w);
        const std::string bn = addParam(m, l, index, "bias", b);
        std::string x = input(l);
        int ph = 0, pw = 0;
        if (padding == "same") {
            if (sh == 1 && sw == 1) {
                const int th = (kh - 1) * dh, tw = (kw - 1) * dw;
                if (th % 2 == 0 && tw % 2 == 0) {
                    ph = th / 2;
                    pw = tw / 2;
                } else {
                    body << "    " << v << "p = torch.constant_pad_nd(" << x << ", [" << tw / 2 << ", " << tw - tw / 2 << ", " << th / 2 << ", "
                         << th - th / 2 << "], 0.0)\n";
                    x = v + "p";
                }
            } else {
                needSamePad = true;
                body << "    " << v << "p = self.same_pad(" << x << ", " << kh << ", " << kw << ", " << sh << ", " << sw << ", " << dh << ", "
                     << dw << ", 0.0)\n";
                x = v + "p";
            }
        } else if (padding != "valid") {
            failLayer(l, "padding '" + padding + "' is not supported (valid, same)");
        }
        body << "    " << v << " = torch.conv2d(" << x << ", " << wn << ", " << bn << ", [" << sh << ", " << sw << "], [" << ph << ", " << pw
             << "], [" << dh << ", " << dw << "], " << groups << ")\n";
        const std::string line = activationLine(act, v);
        if (!line.empty())
            body << "    " << v << " = " << line << "\n";
        mChannels[l.name] = out;
    }

    /// The layer's padding, "valid" read as "same" under samePadding when the window is over one pixel.
    std::string paddingOf(const Layer& l, int kh, int kw) const
    {
        const std::string padding = l.config.value("padding", std::string("valid"));
        return padding == "valid" && mOptions.samePadding && (kh > 1 || kw > 1) ? "same" : padding;
    }

    /// Keras MaxPooling2D / AveragePooling2D. TF's "same" pads max pooling with -inf and leaves the padded
    /// cells out of an average (the mean of the cells inside the image), whatever the padding's sides.
    void emitPool(const Layer& l, const std::string& v, std::ostringstream& body, bool& needSamePad)
    {
        const Json& c = l.config;
        const auto [kh, kw] = pairOf(c.value("pool_size", Json()), 2);
        const Json stridesJ = c.value("strides", Json());
        const auto [sh, sw] = stridesJ.is_null() ? std::pair<int, int>{kh, kw} : pairOf(stridesJ, 1);
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1)
            failLayer(l, "pool size and strides must be positive");
        const std::string padding = paddingOf(l, kh, kw);
        if (padding != "valid" && padding != "same")
            failLayer(l, "padding '" + padding + "' is not supported (valid, same)");
        const bool max = l.cls == "MaxPooling2D";
        const std::string x = input(l);
        const std::string window = "[" + std::to_string(kh) + ", " + std::to_string(kw) + "], [" + std::to_string(sh) + ", " +
                                   std::to_string(sw) + "]";
        if (padding == "valid") {
            body << "    " << v << " = torch." << (max ? "max_pool2d" : "avg_pool2d") << "(" << x << ", " << window << ")\n";
        } else {
            needSamePad = true;
            const std::string pad = ", " + std::to_string(kh) + ", " + std::to_string(kw) + ", " + std::to_string(sh) + ", " +
                                    std::to_string(sw) + ", 1, 1, ";
            if (max) {
                body << "    " << v << " = torch.max_pool2d(self.same_pad(" << x << pad << "-3.4028234663852886e+38), " << window << ")\n";
            } else {
                // Sum of the cells inside the image / their count: both pooled over the same zero padding.
                body << "    " << v << "n = torch.avg_pool2d(self.same_pad(torch.ones_like(" << x << "[:, :1]), " << pad.substr(2)
                     << "0.0), " << window << ")\n";
                body << "    " << v << " = torch.avg_pool2d(self.same_pad(" << x << pad << "0.0), " << window << ") / " << v << "n\n";
            }
        }
        mChannels[l.name] = channelsOf(l.inputs[0]);
    }

    std::pair<at::Tensor, at::Tensor> batchNorm(const Layer& l, int channels) const
    {
        const Json& c = l.config;
        const Json axis = c.value("axis", Json(-1));
        const bool lastAxis = (axis.is_number_integer() && (axis == -1 || axis == 3)) ||
                              (axis.is_array() && axis.size() == 1 && (axis[0] == -1 || axis[0] == 3));
        if (!lastAxis)
            failLayer(l, "only batch norm over the channel axis (-1) is supported");
        const double eps = c.value("epsilon", 1e-3);
        if (!(eps >= 0))
            failLayer(l, "epsilon must be non-negative");
        const std::vector<std::int64_t> shape{channels};
        const at::Tensor gamma = c.value("scale", true) ? weight(l, "gamma", shape) : torch::ones({channels});
        const at::Tensor beta = c.value("center", true) ? weight(l, "beta", shape) : torch::zeros({channels});
        const at::Tensor mean = weight(l, "moving_mean", shape).to(torch::kDouble);
        const at::Tensor var = weight(l, "moving_variance", shape).to(torch::kDouble);
        if ((var + eps).min().item<double>() <= 0)
            failLayer(l, "moving_variance + epsilon is not positive");
        const at::Tensor scale = gamma.to(torch::kDouble) / torch::sqrt(var + eps);
        const at::Tensor shift = beta.to(torch::kDouble) - mean * scale;
        return {scale.to(torch::kFloat32), shift.to(torch::kFloat32)};
    }

    void emitBatchNorm(const Layer& l, int index, const std::string& v, torch::jit::Module& m, std::ostringstream& body)
    {
        if (l.inputs.size() != 1)
            failLayer(l, "needs exactly one input");
        const std::string& src = l.inputs[0];
        const int channels = channelsOf(src);
        mChannels[l.name] = channels;
        const auto it = mFoldInto.find(src);
        if (it != mFoldInto.end() && it->second == l.name) {
            mVar[l.name] = mVar.at(src); // already folded into the convolution
            return;
        }
        auto [scale, shift] = batchNorm(l, channels);
        const std::string sn = addParam(m, l, index, "scale", scale.view({1, channels, 1, 1}));
        const std::string hn = addParam(m, l, index, "shift", shift.view({1, channels, 1, 1}));
        body << "    " << v << " = " << input(l) << " * " << sn << " + " << hn << "\n";
        mVar[l.name] = v;
    }

    const tfjs::Model& mModel;
    TfjsConvertOptions mOptions;
    std::string mSrc;
    const Json* mModelConfig = nullptr;
    std::vector<Layer> mLayers;
    std::unordered_map<std::string, std::size_t> mIndex;
    std::set<std::string> mNeeded;
    std::map<std::string, int> mConsumers;
    std::map<std::string, std::string> mFoldInto; ///< conv layer -> the batch norm folded into it
    std::map<std::string, std::string> mVar;      ///< layer -> TorchScript variable
    std::map<std::string, int> mChannels;
    bool mInputSeen = false;
};

} // namespace

TfjsConvertReport convertTfjsToTorchScript(const tfjs::Model& model, const TfjsConvertOptions& options, const std::filesystem::path& out)
{
    if (model.format() == "graph-model")
        return convertTfjsGraphToTorchScript(model, options, out);
    if (options.perCell)
        throw fileError(model.source(), "--per-cell (a classifier head at every cell) is available for graph models only, "
                                        "not for this Keras layers model");
    try {
        return Converter(model, options).run(out);
    } catch (const Json::exception& e) {
        throw fileError(model.source(), std::string("a layer's config has a field of the wrong type (") + e.what() + ")");
    } catch (const c10::Error& e) {
        throw fileError(model.source(), "conversion failed (" + std::string(e.what_without_backtrace()) + ")");
    }
}

TfjsConvertReport convertTfjsToTorchScript(const std::filesystem::path& model, const TfjsConvertOptions& options,
                                           const std::filesystem::path& out)
{
    const tfjs::Model m = tfjs::loadModel(model);
    return convertTfjsToTorchScript(m, options, out);
}

} // namespace zm
