// TF.js graph model -> TorchScript encoder (see tfjsconvert.h). The graph's nodes up to the chosen
// output are visited in dependency order; each becomes one or two lines of TorchScript on NCHW
// tensors (TF's NHWC axes mapped: H 1 -> 2, W 2 -> 3, C 3 -> 1), convolution weights and per-channel
// constants become parameters, scalar constants become literals. Two things differ from a naive
// port and are what the tests pin down: TF's "SAME" padding puts the odd pixel of a stride-2 layer
// at the bottom/right (PyTorch's symmetric padding would shift every feature map by half a pixel),
// and ResizeBilinear without half-pixel centres samples at src = dst * in/out, which is not
// PyTorch's interpolate(align_corners=False), so it is written out as interpolation by a factor.
#include "core/engine/tfjsconvert.h"

#include "core/common/error.h"
#include "core/engine/tfjs.h"
#include "core/engine/tfjsscript.h"

#include <torch/script.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace zm {

namespace {

using tfjsscript::floatLiteral;
using tfjsscript::identifierOf;

struct Node {
    std::string name, op;
    std::vector<std::string> inputs; ///< data inputs (control inputs "^x" dropped, ":k" removed)
    std::vector<std::string> outputIndex; ///< per input: the k of "name:k" ("" or "0": its first output)
    Json attr = Json::object();
};

/// A node's output: a feature map in the script, or a constant known now.
struct Value {
    bool constant = false;
    // A feature map [N,C,H,W]: its TorchScript variable, channels, and its size for the Placeholder's
    // static shape (-1: unknown). `pooled`: 1x1 at any input size (after a Mean over H and W).
    std::string var;
    int channels = 0;
    std::int64_t h = -1, w = -1;
    bool pooled = false;
    // `flat`: a pooled map that TF holds as [N,C] (a Mean without keep_dims); only Reshape back to
    // [N,1,1,C] (or Shape) may use it. Here it stays [N,C,1,1]. `cells` is the map the mean was taken
    // over (its variable), for a classifier head converted to run at every cell (--per-cell).
    bool flat = false;
    std::string cells;
    std::int64_t cellsH = -1, cellsW = -1;
    // A constant.
    tfjs::TensorData data;
    // A shape computed at run time, which only shapes others: "shape" (Shape of a feature map: the
    // broadcast target of BroadcastTo, or sliced), "batch" (its first element, StridedSlice), "pack"
    // (Pack of the batch and integers: a Reshape target; `dims` with -1 for the batch).
    std::string symbolic;
    std::vector<std::int64_t> dims;
};

std::string shapeString(const std::vector<std::int64_t>& s)
{
    std::string r = "[";
    for (std::size_t i = 0; i < s.size(); ++i)
        r += (i ? "," : "") + std::to_string(s[i]);
    return r + "]";
}

std::int64_t numelOf(const std::vector<std::int64_t>& s)
{
    std::int64_t n = 1;
    for (auto d : s)
        n *= d;
    return n;
}

const char* const kSupportedOps =
    "Placeholder, Const, Identity, Conv2D, _FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2dNative, Add, AddV2, BiasAdd, Mul, "
    "Sub, RealDiv, Relu, Relu6, Sigmoid, Mean, ConcatV2, MaxPool, ResizeBilinear, and the shape plumbing of "
    "squeeze-and-excitation and input normalisation (Shape, StridedSlice, Pack, Reshape to [N,1,1,C], BroadcastTo); with --per-cell, "
    "MatMul and _FusedMatMul (a dense classifier on a global mean)";

// TF's legacy bilinear resize (align_corners=false, half_pixel_centers=false) by integer factors:
// output pixel f*k + j samples the input at k + j/f, interpolating towards pixel k+1 (the last pixel
// repeats), along W first and then H as TF's kernel does.
const char* const kUpsampleMethod =
    "def upsample_legacy(self, x: Tensor, fh: int, fw: int) -> Tensor:\n"
    "    n = x.size(0)\n"
    "    c = x.size(1)\n"
    "    h = x.size(2)\n"
    "    w = x.size(3)\n"
    "    if fw > 1:\n"
    "        xr = torch.cat([x.narrow(3, 1, w - 1), x.narrow(3, w - 1, 1)], 3)\n"
    "        parts = [x]\n"
    "        for j in range(1, fw):\n"
    "            parts.append(x + (xr - x) * (float(j) / float(fw)))\n"
    "        x = torch.stack(parts, 4).reshape([n, c, h, w * fw])\n"
    "        w = w * fw\n"
    "    if fh > 1:\n"
    "        xd = torch.cat([x.narrow(2, 1, h - 1), x.narrow(2, h - 1, 1)], 2)\n"
    "        parts = [x]\n"
    "        for j in range(1, fh):\n"
    "            parts.append(x + (xd - x) * (float(j) / float(fh)))\n"
    "        x = torch.stack(parts, 3).reshape([n, c, h * fh, w])\n"
    "    return x\n";

class GraphConverter {
public:
    GraphConverter(const tfjs::Model& model, const TfjsConvertOptions& options) : mModel(model), mOptions(options), mSrc(model.source()) {}

    TfjsConvertReport run(const std::filesystem::path& out)
    {
        readNodes();
        const std::string output = outputName();
        const std::vector<std::size_t> order = dependencyOrder(output);
        const std::string& low = mOptions.lowLevel;
        if (!low.empty()) {
            if (!mIndex.count(low))
                fail("no node named '" + low + "' (the --low node)");
            if (low == output || std::find(order.begin(), order.end(), mIndex.at(low)) == order.end())
                fail("the --low node '" + low + "' is not an earlier node on the way to '" + output + "'");
        }

        torch::jit::Module module("__torch__.zeromask.TfjsGraphTrunk");
        std::ostringstream body;
        body << "def forward(self, x):\n";
        tfjsscript::emitInput(module, body, mOptions);
        std::set<std::string> ops;
        int index = 0;
        for (std::size_t i : order) {
            const Node& n = mNodes[i];
            ++index;
            ops.insert(n.op);
            emit(n, index, module, body);
        }
        const Value& result = mValues.at(output);
        if (result.constant)
            fail("node '" + output + "' (" + mNodes[mIndex.at(output)].op + ") is a constant, not a feature map: choose another --until node");
        if (!mInputSeen)
            fail("node '" + output + "' does not depend on the Placeholder (the image input)");
        TfjsConvertReport report;
        if (low.empty()) {
            body << "    return " << result.var << "\n";
        } else {
            const Value& l = mValues.at(low);
            if (l.constant || !l.symbolic.empty() || l.pooled)
                fail("the --low node '" + low + "' (" + mNodes[mIndex.at(low)].op + ") is not a feature map");
            body << "    return (" << l.var << ", " << result.var << ")\n";
            report.lowOutput = low;
        }
        std::string source = body.str();
        if (mNeedSamePad)
            source += std::string("\n") + tfjsscript::kSamePadMethod;
        if (mNeedUpsample)
            source += std::string("\n") + kUpsampleMethod;
        tfjsscript::finishModule(module, source, mSrc, "the nodes up to '" + output + "'", out, report);
        report.format = "graph-model";
        report.output = output;
        report.layers = index;
        report.classes.assign(ops.begin(), ops.end());
        return report;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw fileError(mSrc, what); }
    [[noreturn]] void failNode(const Node& n, const std::string& what) const
    {
        throw fileError(mSrc, "node '" + n.name + "' (" + n.op + "): " + what);
    }

    void readNodes()
    {
        const Json& topo = mModel.topology();
        if (!topo.contains("node") || !topo["node"].is_array() || topo["node"].empty())
            fail("a graph model needs a non-empty 'node' array in modelTopology");
        const Json& list = topo["node"];
        for (std::size_t i = 0; i < list.size(); ++i) {
            const Json& j = list[i];
            if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("op") || !j["op"].is_string())
                fail("graph node " + std::to_string(i) + " has no name and op strings");
            Node n;
            n.name = j["name"].get<std::string>();
            n.op = j["op"].get<std::string>();
            if (j.contains("attr")) {
                if (!j["attr"].is_object())
                    failNode(n, "'attr' must be an object");
                n.attr = j["attr"];
            }
            if (j.contains("input")) {
                if (!j["input"].is_array())
                    failNode(n, "'input' must be an array of node names");
                for (const auto& in : j["input"]) {
                    if (!in.is_string())
                        failNode(n, "'input' must be an array of node names");
                    std::string s = in.get<std::string>();
                    if (!s.empty() && s[0] == '^')
                        continue; // a control dependency: no data flows
                    const auto colon = s.rfind(':');
                    std::string k;
                    if (colon != std::string::npos) {
                        k = s.substr(colon + 1);
                        s.resize(colon);
                    }
                    n.inputs.push_back(s);
                    n.outputIndex.push_back(k);
                }
            }
            if (mIndex.count(n.name))
                fail("two graph nodes are named '" + n.name + "'");
            mIndex[n.name] = mNodes.size();
            mNodes.push_back(std::move(n));
        }
    }

    std::string outputName() const
    {
        if (!mOptions.until.empty()) {
            if (!mIndex.count(mOptions.until))
                fail("no node named '" + mOptions.until + "' (the --until node)");
            return mOptions.until;
        }
        std::set<std::string> consumed;
        for (const auto& n : mNodes)
            consumed.insert(n.inputs.begin(), n.inputs.end());
        std::vector<std::string> sinks;
        for (const auto& n : mNodes)
            if (!consumed.count(n.name) && n.op != "Const")
                sinks.push_back(n.name);
        if (sinks.size() == 1)
            return sinks[0];
        std::string list;
        for (std::size_t i = 0; i < sinks.size() && i < 6; ++i)
            list += (i ? ", " : "") + sinks[i];
        fail("the graph has " + std::to_string(sinks.size()) + " outputs (" + list + (sinks.size() > 6 ? ", ..." : "") +
             "): name the node to keep with --until");
    }

    /// The nodes `output` depends on, each after its inputs (iterative depth-first search).
    std::vector<std::size_t> dependencyOrder(const std::string& output) const
    {
        std::vector<std::size_t> order;
        std::vector<int> state(mNodes.size(), 0); // 0 new, 1 on the stack, 2 done
        std::vector<std::pair<std::size_t, std::size_t>> stack{{mIndex.at(output), 0}};
        state[mIndex.at(output)] = 1;
        while (!stack.empty()) {
            auto& [i, next] = stack.back();
            const Node& n = mNodes[i];
            if (next < n.inputs.size()) {
                const std::string& k = n.outputIndex[next];
                const std::string& in = n.inputs[next++];
                if (!k.empty() && k != "0")
                    failNode(n, "uses output " + k + " of '" + in + "' (only first outputs are supported)");
                const auto it = mIndex.find(in);
                if (it == mIndex.end())
                    failNode(n, "its input '" + in + "' is not a node of the graph");
                if (state[it->second] == 1)
                    failNode(n, "the graph has a cycle through '" + in + "'");
                if (state[it->second] == 0) {
                    state[it->second] = 1;
                    stack.emplace_back(it->second, 0);
                }
                continue;
            }
            state[i] = 2;
            order.push_back(i);
            stack.pop_back();
        }
        return order;
    }

    // --- attributes (protobuf JSON: strings base64, integers as strings) ---------------------------

    bool hasAttr(const Node& n, const std::string& key) const { return n.attr.contains(key) && n.attr[key].is_object(); }

    std::string attrString(const Node& n, const std::string& key, const std::string& dflt) const
    {
        if (!hasAttr(n, key) || !n.attr[key].contains("s"))
            return dflt;
        return tfjs::decodeBase64(n.attr[key]["s"].get<std::string>(), mSrc);
    }

    static std::int64_t intOf(const Json& j)
    {
        if (j.is_number_integer())
            return j.get<std::int64_t>();
        if (j.is_string()) {
            const std::string s = j.get<std::string>();
            std::size_t used = 0;
            const long long v = std::stoll(s, &used);
            if (used != s.size())
                throw Error("'" + s + "' is not an integer");
            return v;
        }
        throw Error("an integer attribute holds " + j.dump());
    }

    std::vector<std::int64_t> attrInts(const Node& n, const std::string& key, const std::vector<std::int64_t>& dflt) const
    {
        if (!hasAttr(n, key) || !n.attr[key].contains("list"))
            return dflt;
        const Json& l = n.attr[key]["list"];
        if (!l.contains("i"))
            return {};
        std::vector<std::int64_t> r;
        for (const auto& v : l["i"])
            r.push_back(intOf(v));
        return r;
    }

    std::int64_t attrInt(const Node& n, const std::string& key, std::int64_t dflt) const
    {
        if (!hasAttr(n, key) || !n.attr[key].contains("i"))
            return dflt;
        return intOf(n.attr[key]["i"]);
    }

    bool attrBool(const Node& n, const std::string& key, bool dflt) const
    {
        if (!hasAttr(n, key) || !n.attr[key].contains("b"))
            return dflt;
        return n.attr[key]["b"].get<bool>();
    }

    std::vector<std::string> fusedOps(const Node& n) const
    {
        std::vector<std::string> r;
        if (!hasAttr(n, "fused_ops") || !n.attr["fused_ops"].contains("list") || !n.attr["fused_ops"]["list"].contains("s"))
            return r;
        for (const auto& s : n.attr["fused_ops"]["list"]["s"])
            r.push_back(tfjs::decodeBase64(s.get<std::string>(), mSrc));
        return r;
    }

    /// [1, a, b, 1] (NHWC strides, dilations, ksize) -> {a, b}.
    std::pair<int, int> spatialPair(const Node& n, const std::string& key) const
    {
        const auto v = attrInts(n, key, {1, 1, 1, 1});
        if (v.size() != 4 || v[0] != 1 || v[3] != 1 || v[1] < 1 || v[2] < 1)
            failNode(n, key + " must be [1, h, w, 1] with positive h and w (NHWC), not " + shapeString(v));
        return {int(v[1]), int(v[2])};
    }

    /// The node's padding attribute: SAME or VALID (TF's default), anything else an error naming the node.
    std::string paddingOf(const Node& n) const
    {
        const std::string padding = attrString(n, "padding", "VALID");
        if (padding != "SAME" && padding != "VALID")
            failNode(n, "padding '" + padding + "' is not supported (SAME, VALID)");
        return padding;
    }

    void checkNhwc(const Node& n) const
    {
        const std::string fmt = attrString(n, "data_format", "NHWC");
        if (fmt != "NHWC")
            failNode(n, "data_format '" + fmt + "' is not supported (NHWC)");
    }

    // --- values ------------------------------------------------------------------------------------

    const Value& valueOf(const Node& n, std::size_t i) const
    {
        if (i >= n.inputs.size())
            failNode(n, "has " + std::to_string(n.inputs.size()) + " inputs, needs at least " + std::to_string(i + 1));
        return mValues.at(n.inputs[i]);
    }

    const Value& feature(const Node& n, std::size_t i) const
    {
        const Value& v = valueOf(n, i);
        if (v.constant)
            failNode(n, "input " + std::to_string(i) + " ('" + n.inputs[i] + "') must be a feature map, not a constant");
        if (!v.symbolic.empty())
            failNode(n, "input " + std::to_string(i) + " ('" + n.inputs[i] + "') is a shape, not a feature map");
        if (v.flat)
            failNode(n, "input " + std::to_string(i) + " ('" + n.inputs[i] +
                            "') is a [N,C] mean (keep_dims false): only a Reshape to [N,1,1,C] may follow it");
        return v;
    }

    const Value& constant(const Node& n, std::size_t i) const
    {
        const Value& v = valueOf(n, i);
        if (!v.constant)
            failNode(n, "input " + std::to_string(i) + " ('" + n.inputs[i] + "') must be a constant (weights, axes, sizes)");
        return v;
    }

    const Value& symbolic(const Node& n, std::size_t i, const std::string& kind) const
    {
        const Value& v = valueOf(n, i);
        if (v.symbolic != kind)
            failNode(n, "input " + std::to_string(i) + " ('" + n.inputs[i] + "') must be a " + kind + " computed from a feature map");
        return v;
    }

    std::vector<std::int64_t> intsOf(const Node& n, std::size_t i) const
    {
        const Value& v = constant(n, i);
        if (v.data.dtype == "float32")
            failNode(n, "input '" + n.inputs[i] + "' must be an int32 constant");
        return {v.data.ints.begin(), v.data.ints.end()};
    }

    at::Tensor floatsOf(const Node& n, std::size_t i) const
    {
        const Value& v = constant(n, i);
        if (v.data.dtype != "float32")
            failNode(n, "weight '" + n.inputs[i] + "' has dtype " + v.data.dtype + ", not float32");
        return torch::tensor(v.data.values, torch::kFloat32).reshape(v.data.shape);
    }

    void checkInputCount(const Node& n, std::size_t count) const
    {
        if (n.inputs.size() != count)
            failNode(n, "has " + std::to_string(n.inputs.size()) + " inputs, expected " + std::to_string(count));
    }

    std::string addParam(torch::jit::Module& m, const Node& n, int index, const std::string& suffix, const at::Tensor& t)
    {
        const std::string name = "n" + std::to_string(index) + "_" + identifierOf(n.name) + "_" + suffix;
        // Trainable: the engine fine-tunes a TorchScript encoder's parameters that require grad.
        m.register_parameter(name, t.detach().contiguous().clone().set_requires_grad(true), false);
        return "self." + name;
    }

    // --- ops ---------------------------------------------------------------------------------------

    void emit(const Node& n, int index, torch::jit::Module& m, std::ostringstream& body)
    {
        const std::string v = "v" + std::to_string(index);
        Value out;
        try {
            if (n.op == "Const") {
                if (!mModel.has(n.name))
                    failNode(n, "no weight named '" + n.name + "' in the weights manifest");
                out.constant = true;
                out.data = mModel.tensor(n.name);
                mValues[n.name] = std::move(out);
                return;
            }
            if (n.op == "Placeholder") {
                if (mInputSeen)
                    failNode(n, "a second Placeholder (one image input is supported)");
                mInputSeen = true;
                out.var = "x";
                out.channels = 3;
                if (hasAttr(n, "shape") && n.attr["shape"].contains("shape") && n.attr["shape"]["shape"].contains("dim")) {
                    std::vector<std::int64_t> dims;
                    for (const auto& d : n.attr["shape"]["shape"]["dim"])
                        dims.push_back(d.contains("size") ? intOf(d["size"]) : -1);
                    if (dims.size() != 4)
                        failNode(n, "the input has shape " + shapeString(dims) + ", not [N,H,W,3]");
                    if (dims[3] != -1 && dims[3] != 3)
                        failNode(n, "the input has " + std::to_string(dims[3]) + " channels, not 3 (RGB)");
                    out.h = dims[1] > 0 ? dims[1] : -1;
                    out.w = dims[2] > 0 ? dims[2] : -1;
                }
            } else if (n.op == "Identity") {
                checkInputCount(n, 1);
                mValues[n.name] = valueOf(n, 0);
                return;
            } else if (n.op == "Conv2D" || n.op == "_FusedConv2D" || n.op == "DepthwiseConv2dNative" || n.op == "FusedDepthwiseConv2dNative") {
                out = emitConv(n, index, v, m, body);
            } else if (n.op == "Add" || n.op == "AddV2" || n.op == "BiasAdd" || n.op == "Mul" || n.op == "Sub" || n.op == "RealDiv") {
                out = emitBinary(n, index, v, m, body);
            } else if (n.op == "Relu" || n.op == "Relu6" || n.op == "Sigmoid") {
                checkInputCount(n, 1);
                out = feature(n, 0);
                const std::string& x = out.var;
                body << "    " << v << " = "
                     << (n.op == "Relu" ? "torch.relu(" + x + ")" : n.op == "Relu6" ? "torch.clamp(" + x + ", 0.0, 6.0)" : "torch.sigmoid(" + x + ")")
                     << "\n";
                out.var = v;
            } else if (n.op == "Mean") {
                checkInputCount(n, 2);
                out = feature(n, 0);
                std::set<std::int64_t> axes;
                for (auto a : intsOf(n, 1))
                    axes.insert(a < 0 ? a + 4 : a);
                if (axes != std::set<std::int64_t>{1, 2})
                    failNode(n, "only the mean over H and W (axes 1, 2) is supported");
                body << "    " << v << " = torch.mean(" << out.var << ", [2, 3], True)\n";
                out.cells = out.var;
                out.cellsH = out.h;
                out.cellsW = out.w;
                out.var = v;
                out.h = out.w = 1;
                out.pooled = true;
                out.flat = !attrBool(n, "keep_dims", false); // TF's [N,C]; a Reshape to [N,1,1,C] must follow
            } else if (n.op == "ConcatV2") {
                if (n.inputs.size() < 3)
                    failNode(n, "needs two or more feature maps and an axis");
                const auto axis = intsOf(n, n.inputs.size() - 1);
                if (axis.size() != 1 || (axis[0] != 3 && axis[0] != -1))
                    failNode(n, "only concatenation over channels (axis 3 or -1) is supported");
                out = feature(n, 0);
                body << "    " << v << " = torch.cat([" << out.var;
                for (std::size_t i = 1; i + 1 < n.inputs.size(); ++i) {
                    const Value& o = feature(n, i);
                    if (o.pooled != out.pooled || (o.h > 0 && out.h > 0 && (o.h != out.h || o.w != out.w)))
                        failNode(n, "its inputs have different sizes (" + std::to_string(out.h) + "x" + std::to_string(out.w) + " and " +
                                        std::to_string(o.h) + "x" + std::to_string(o.w) + ")");
                    body << ", " << o.var;
                    out.channels += o.channels;
                }
                body << "], 1)\n";
                out.var = v;
            } else if (n.op == "Shape" || n.op == "StridedSlice" || n.op == "Pack" || n.op == "Reshape" || n.op == "BroadcastTo") {
                out = emitShapeOp(n);
            } else if (n.op == "ResizeBilinear") {
                out = emitResize(n, v, body);
            } else if (n.op == "MatMul" || n.op == "_FusedMatMul") {
                out = emitDensePerCell(n, index, v, m, body);
            } else if (n.op == "MaxPool") {
                out = emitMaxPool(n, v, body);
            } else {
                failNode(n, std::string("this op cannot be converted (supported: ") + kSupportedOps +
                                "); choose an earlier --until node");
            }
        } catch (const Json::exception& e) {
            failNode(n, std::string("an attribute has the wrong type (") + e.what() + ")");
        } catch (const std::logic_error& e) { // std::stoll on a malformed integer string
            failNode(n, std::string("an attribute is malformed (") + e.what() + ")");
        } catch (const Error& e) {
            const std::string what = e.what();
            if (what.rfind(mSrc + ":", 0) == 0)
                throw;
            failNode(n, what);
        }
        mValues[n.name] = std::move(out);
    }

    /// Output size along one dimension for TF's padding rule.
    std::int64_t outSize(const Node& n, std::int64_t in, int k, int s, int d, bool same) const
    {
        if (in < 0)
            return -1;
        const std::int64_t o = same ? (in + s - 1) / s : (in - (std::int64_t(k) - 1) * d - 1) / s + 1;
        if (o < 1)
            failNode(n, "a " + std::to_string(k) + "-pixel window does not fit its " + std::to_string(in) + "-pixel input");
        return o;
    }

    /// Pads `x` for TF's "SAME" (statically when the stride is 1, else at run time); returns the
    /// padded variable.
    std::string padSame(const std::string& x, const std::string& v, int kh, int kw, int sh, int sw, int dh, int dw, const std::string& value,
                        std::ostringstream& body)
    {
        if (sh == 1 && sw == 1) {
            const int th = (kh - 1) * dh, tw = (kw - 1) * dw;
            if (th == 0 && tw == 0)
                return x;
            body << "    " << v << "p = torch.constant_pad_nd(" << x << ", [" << tw / 2 << ", " << tw - tw / 2 << ", " << th / 2 << ", "
                 << th - th / 2 << "], " << value << ")\n";
        } else {
            mNeedSamePad = true;
            body << "    " << v << "p = self.same_pad(" << x << ", " << kh << ", " << kw << ", " << sh << ", " << sw << ", " << dh << ", " << dw
                 << ", " << value << ")\n";
        }
        return v + "p";
    }

    Value emitConv(const Node& n, int index, const std::string& v, torch::jit::Module& m, std::ostringstream& body)
    {
        const bool depthwise = n.op.find("Depthwise") != std::string::npos;
        const bool fused = n.op[0] == '_' || n.op.rfind("Fused", 0) == 0;
        checkNhwc(n);
        Value out = feature(n, 0);
        const auto [sh, sw] = spatialPair(n, "strides");
        const auto [dh, dw] = spatialPair(n, "dilations");
        const std::string padding = paddingOf(n);
        std::vector<std::string> ops;
        if (fused) {
            ops = fusedOps(n);
            const bool ok = ops.empty() || (ops[0] == "BiasAdd" && (ops.size() == 1 || (ops.size() == 2 && (ops[1] == "Relu" || ops[1] == "Relu6"))));
            if (!ok) {
                std::string list;
                for (const auto& o : ops)
                    list += (list.empty() ? "" : ", ") + o;
                failNode(n, "fused ops [" + list + "] are not supported ([], [BiasAdd], [BiasAdd, Relu], [BiasAdd, Relu6])");
            }
            const std::int64_t args = attrInt(n, "num_args", ops.empty() ? 0 : 1);
            if (args != (ops.empty() ? 0 : 1))
                failNode(n, "num_args " + std::to_string(args) + " does not fit its fused ops");
        }
        const bool bias = !ops.empty();
        checkInputCount(n, bias ? 3 : 2);
        const at::Tensor k = floatsOf(n, 1);
        const auto& ks = constant(n, 1).data.shape;
        const int in = out.channels;
        if (ks.size() != 4 || ks[0] < 1 || ks[1] < 1 || ks[3] < 1 || ks[2] != in)
            failNode(n, "weight '" + n.inputs[1] + "' has shape " + shapeString(ks) + ", the op needs [kh,kw," + std::to_string(in) +
                            (depthwise ? ",multiplier]" : ",out]") + " for its " + std::to_string(in) + "-channel input");
        const int kh = int(ks[0]), kw = int(ks[1]);
        at::Tensor w;
        int channels, groups;
        if (depthwise) {
            channels = int(ks[2] * ks[3]);
            groups = in;
            w = k.reshape({kh, kw, channels}).permute({2, 0, 1}).unsqueeze(1); // [C*m,1,kh,kw]: channel c*m+j filters c
        } else {
            channels = int(ks[3]);
            groups = 1;
            w = k.permute({3, 2, 0, 1}); // [out,in,kh,kw]
        }
        at::Tensor b = torch::zeros({channels});
        if (bias) {
            b = floatsOf(n, 2);
            if (b.dim() != 1 || b.size(0) != channels)
                failNode(n, "bias '" + n.inputs[2] + "' has shape " + shapeString(constant(n, 2).data.shape) + ", the op needs [" +
                                std::to_string(channels) + "]");
        }
        const std::string wn = addParam(m, n, index, "weight", w);
        const std::string bn = bias ? addParam(m, n, index, "bias", b) : "None";
        const bool same = padding == "SAME";
        const std::string x = same ? padSame(out.var, v, kh, kw, sh, sw, dh, dw, "0.0", body) : out.var;
        body << "    " << v << " = torch.conv2d(" << x << ", " << wn << ", " << bn << ", [" << sh << ", " << sw << "], [0, 0], [" << dh << ", "
             << dw << "], " << groups << ")\n";
        if (ops.size() == 2)
            body << "    " << v << " = " << (ops[1] == "Relu" ? "torch.relu(" + v + ")" : "torch.clamp(" + v + ", 0.0, 6.0)") << "\n";
        if (out.pooled && (kh > 1 || kw > 1))
            failNode(n, "a " + std::to_string(kh) + "x" + std::to_string(kw) + " kernel on a pooled 1x1 map");
        out.h = out.pooled ? 1 : outSize(n, out.h, kh, sh, dh, same);
        out.w = out.pooled ? 1 : outSize(n, out.w, kw, sw, dw, same);
        out.channels = channels;
        out.var = v;
        return out;
    }

    /// One operand of an element-wise op as TorchScript: a feature map's variable, a scalar literal,
    /// or a per-channel constant registered as a parameter.
    std::string operand(const Node& n, std::size_t i, int channels, int index, torch::jit::Module& m)
    {
        const Value& val = valueOf(n, i);
        if (!val.constant)
            return val.var;
        const auto& s = val.data.shape;
        const std::int64_t count = numelOf(s);
        std::vector<float> f = val.data.values;
        if (val.data.dtype != "float32")
            f.assign(val.data.ints.begin(), val.data.ints.end());
        if (count == 1)
            return "(" + floatLiteral(f.at(0)) + ")";
        const bool perChannel = count == channels && !s.empty() && s.back() == channels;
        if (!perChannel)
            failNode(n, "constant '" + n.inputs[i] + "' of shape " + shapeString(s) + " does not broadcast over a " + std::to_string(channels) +
                            "-channel feature map (a scalar or one value per channel is supported)");
        return addParam(m, n, index, "c" + std::to_string(i), torch::tensor(f).view({1, channels, 1, 1}));
    }

    Value emitBinary(const Node& n, int index, const std::string& v, torch::jit::Module& m, std::ostringstream& body)
    {
        checkInputCount(n, 2);
        const Value& a = valueOf(n, 0);
        const Value& b = valueOf(n, 1);
        for (std::size_t i = 0; i < 2; ++i)
            if (!valueOf(n, i).constant)
                feature(n, i); // a shape or a [N,C] mean is refused here, with its name
        if (a.constant && b.constant)
            failNode(n, "both inputs are constants (constant folding is not supported)");
        Value out;
        if (!a.constant && !b.constant) {
            if (a.channels != b.channels)
                failNode(n, "its inputs have " + std::to_string(a.channels) + " and " + std::to_string(b.channels) + " channels");
            if (!a.pooled && !b.pooled && a.h > 0 && b.h > 0 && (a.h != b.h || a.w != b.w))
                failNode(n, "its inputs have different sizes (" + std::to_string(a.h) + "x" + std::to_string(a.w) + " and " +
                                std::to_string(b.h) + "x" + std::to_string(b.w) + ")");
            out = a.pooled ? b : a;
            out.pooled = a.pooled && b.pooled;
        } else {
            out = a.constant ? b : a;
        }
        const char* sym = n.op == "Mul" ? " * " : n.op == "Sub" ? " - " : n.op == "RealDiv" ? " / " : " + ";
        const std::string x = operand(n, 0, out.channels, index, m), y = operand(n, 1, out.channels, index, m);
        body << "    " << v << " = " << x << sym << y << "\n";
        out.var = v;
        return out;
    }

    /// The shape plumbing TF's converter leaves around squeeze-and-excitation blocks and input
    /// normalisation, resolved while converting (nothing is emitted):
    ///   Shape(map) -> "shape"; StridedSlice(shape, [0], [1], [1], shrink) -> "batch";
    ///   Pack(batch, 1, 1, C) -> "pack" [-1,1,1,C]; Reshape(mean [N,C], pack or [-1,1,1,C]) -> the [N,1,1,C] map;
    ///   BroadcastTo(constant, Shape(map)) -> the constant itself (element-wise ops broadcast it).
    /// Anything else is refused, naming the node.
    Value emitShapeOp(const Node& n)
    {
        Value out;
        if (n.op == "Shape") {
            checkInputCount(n, 1);
            const Value& x = valueOf(n, 0);
            if (x.constant || !x.symbolic.empty())
                failNode(n, "only the shape of a feature map is supported");
            out.symbolic = "shape";
            return out;
        }
        if (n.op == "StridedSlice") {
            checkInputCount(n, 4);
            symbolic(n, 0, "shape");
            const auto begin = intsOf(n, 1), end = intsOf(n, 2), strides = intsOf(n, 3);
            if (begin != std::vector<std::int64_t>{0} || end != std::vector<std::int64_t>{1} || strides != std::vector<std::int64_t>{1} ||
                attrInt(n, "shrink_axis_mask", 0) != 1 || attrInt(n, "begin_mask", 0) != 0 || attrInt(n, "end_mask", 0) != 0 ||
                attrInt(n, "ellipsis_mask", 0) != 0 || attrInt(n, "new_axis_mask", 0) != 0)
                failNode(n, "only taking the batch size (element 0) of a shape is supported");
            out.symbolic = "batch";
            return out;
        }
        if (n.op == "Pack") {
            if (attrInt(n, "axis", 0) != 0 || n.inputs.empty())
                failNode(n, "only packing a shape along axis 0 is supported");
            out.symbolic = "pack";
            for (std::size_t i = 0; i < n.inputs.size(); ++i) {
                const Value& e = valueOf(n, i);
                if (e.symbolic == "batch") {
                    out.dims.push_back(-1);
                    continue;
                }
                const auto d = intsOf(n, i);
                if (d.size() != 1)
                    failNode(n, "element " + std::to_string(i) + " is not one integer");
                out.dims.push_back(d[0]);
            }
            return out;
        }
        if (n.op == "Reshape") {
            checkInputCount(n, 2);
            const Value& x = valueOf(n, 0);
            if (x.constant || !x.symbolic.empty() || !x.pooled)
                failNode(n, "only reshaping a spatial mean [N,C] to [N,1,1,C] (squeeze-and-excitation) is supported");
            const Value& target = valueOf(n, 1);
            std::vector<std::int64_t> dims;
            if (target.symbolic == "pack")
                dims = target.dims;
            else if (target.constant)
                dims = intsOf(n, 1);
            else
                failNode(n, "its shape input must be a constant or a Pack of the batch size and integers");
            if (dims.size() != 4 || (dims[0] != -1 && dims[0] != 1) || dims[1] != 1 || dims[2] != 1 || dims[3] != x.channels)
                failNode(n, "reshapes a " + std::to_string(x.channels) + "-channel mean to " + shapeString(dims) + ", not to [N,1,1," +
                                std::to_string(x.channels) + "]");
            out = x;
            out.flat = false;
            return out;
        }
        // BroadcastTo
        checkInputCount(n, 2);
        const Value& c = constant(n, 0);
        symbolic(n, 1, "shape");
        out = c;
        return out;
    }

    /// A dense layer on a global spatial mean (an image classifier's head), run at every cell of the
    /// map the mean was taken over: the mean is skipped and the [C,K] matrix becomes a 1x1 convolution,
    /// so the output is per-cell class logits [N,K,h,w] whose spatial mean is exactly the classifier's
    /// logits (the head is linear). Only with TfjsConvertOptions::perCell: otherwise the output would be
    /// class scores, not a feature map.
    Value emitDensePerCell(const Node& n, int index, const std::string& v, torch::jit::Module& m, std::ostringstream& body)
    {
        const Value& x = valueOf(n, 0);
        if (x.constant || !x.symbolic.empty() || !x.flat || x.cells.empty())
            failNode(n, "only a dense layer on a global mean over H and W (an image classifier's head) is supported");
        if (!mOptions.perCell)
            failNode(n, "is a dense classifier: its output is class scores, not a feature map. Convert with --per-cell to run it "
                        "at every feature cell (per-cell class logits), or choose an earlier --until node");
        if (attrBool(n, "transpose_a", false))
            failNode(n, "transpose_a true is not supported");
        const bool transposed = attrBool(n, "transpose_b", false);
        std::vector<std::string> ops;
        if (n.op == "_FusedMatMul") {
            ops = fusedOps(n);
            if (!(ops.empty() || (ops.size() == 1 && ops[0] == "BiasAdd")))
                failNode(n, "fused ops other than [BiasAdd] are not supported");
        }
        const bool bias = !ops.empty();
        checkInputCount(n, bias ? 3 : 2);
        const auto& ks = constant(n, 1).data.shape;
        const std::int64_t in = x.channels;
        if (ks.size() != 2 || ks[transposed ? 1 : 0] != in || ks[transposed ? 0 : 1] < 1)
            failNode(n, "weight '" + n.inputs[1] + "' has shape " + shapeString(ks) + ", the op needs " +
                            (transposed ? "[classes," + std::to_string(in) + "]" : "[" + std::to_string(in) + ",classes]") +
                            " for its " + std::to_string(in) + "-channel input");
        const std::int64_t classes = ks[transposed ? 0 : 1];
        at::Tensor w = floatsOf(n, 1).reshape({ks[0], ks[1]});
        w = (transposed ? w : w.t()).contiguous().view({classes, in, 1, 1});
        std::string bn = "None";
        if (bias) {
            const at::Tensor b = floatsOf(n, 2);
            if (b.dim() != 1 || b.size(0) != classes)
                failNode(n, "bias '" + n.inputs[2] + "' has shape " + shapeString(constant(n, 2).data.shape) + ", the op needs [" +
                                std::to_string(classes) + "]");
            bn = addParam(m, n, index, "bias", b);
        }
        const std::string wn = addParam(m, n, index, "weight", w);
        body << "    " << v << " = torch.conv2d(" << x.cells << ", " << wn << ", " << bn << ", [1, 1], [0, 0], [1, 1], 1)\n";
        Value out;
        out.var = v;
        out.channels = int(classes);
        out.h = x.cellsH;
        out.w = x.cellsW;
        return out;
    }

    Value emitResize(const Node& n, const std::string& v, std::ostringstream& body)
    {
        checkInputCount(n, 2);
        Value out = feature(n, 0);
        if (attrBool(n, "align_corners", false))
            failNode(n, "align_corners true is not supported (TF's legacy sampling src = dst * in/out is)");
        if (attrBool(n, "half_pixel_centers", false))
            failNode(n, "half_pixel_centers true is not supported (TF's legacy sampling src = dst * in/out is)");
        const auto size = intsOf(n, 1);
        if (size.size() != 2 || size[0] < 1 || size[1] < 1)
            failNode(n, "the size input must hold two positive integers");
        if (out.h < 1 || out.w < 1)
            failNode(n, "the size of its input is unknown (the Placeholder has no static shape), so the upsampling factor cannot be told");
        if (size[0] % out.h != 0 || size[1] % out.w != 0)
            failNode(n, "resizes " + std::to_string(out.h) + "x" + std::to_string(out.w) + " to " + std::to_string(size[0]) + "x" +
                            std::to_string(size[1]) + ", not by an integer factor");
        const std::int64_t fh = size[0] / out.h, fw = size[1] / out.w;
        mNeedUpsample = true;
        body << "    " << v << " = self.upsample_legacy(" << out.var << ", " << fh << ", " << fw << ")\n";
        out.h = size[0];
        out.w = size[1];
        out.var = v;
        return out;
    }

    Value emitMaxPool(const Node& n, const std::string& v, std::ostringstream& body)
    {
        checkInputCount(n, 1);
        checkNhwc(n);
        Value out = feature(n, 0);
        const auto [kh, kw] = spatialPair(n, "ksize");
        const auto [sh, sw] = spatialPair(n, "strides");
        const std::string padding = paddingOf(n);
        const bool same = padding == "SAME";
        // TF's SAME max pooling ignores the padded pixels: pad with -inf.
        const std::string x = same ? padSame(out.var, v, kh, kw, sh, sw, 1, 1, "float(\"-inf\")", body) : out.var;
        body << "    " << v << " = torch.max_pool2d(" << x << ", [" << kh << ", " << kw << "], [" << sh << ", " << sw
             << "], [0, 0], [1, 1], False)\n";
        out.h = outSize(n, out.h, kh, sh, 1, same);
        out.w = outSize(n, out.w, kw, sw, 1, same);
        out.var = v;
        return out;
    }

    const tfjs::Model& mModel;
    TfjsConvertOptions mOptions;
    std::string mSrc;
    std::vector<Node> mNodes;
    std::unordered_map<std::string, std::size_t> mIndex;
    std::map<std::string, Value> mValues;
    bool mInputSeen = false, mNeedSamePad = false, mNeedUpsample = false;
};

} // namespace

TfjsConvertReport convertTfjsGraphToTorchScript(const tfjs::Model& model, const TfjsConvertOptions& options,
                                                const std::filesystem::path& out)
{
    if (model.format() != "graph-model")
        throw fileError(model.source(), "a " + model.format() + " is not a graph model");
    if (options.samePadding)
        throw fileError(model.source(), "--same-padding is available for Keras layers models only, not for this graph model");
    try {
        return GraphConverter(model, options).run(out);
    } catch (const Json::exception& e) {
        throw fileError(model.source(), std::string("a graph node has a field of the wrong type (") + e.what() + ")");
    } catch (const c10::Error& e) {
        throw fileError(model.source(), "conversion failed (" + std::string(e.what_without_backtrace()) + ")");
    }
}

} // namespace zm
