// An external TorchScript encoder (e.g. a torchvision ResNet trunk exported by models/export_torchscript.py)
// standing in for the built-in one. Its parameters and buffers are registered on the wrapper module, so
// checkpoints save, load and fine-tune them like the built-in weights.
#include "core/engine/backbone.h"

#include "core/common/error.h"

#include <torch/script.h>

#include <filesystem>
#include <tuple>

namespace zm {

namespace {

struct ScriptEncoderImpl : EncoderImpl {
    explicit ScriptEncoderImpl(BackboneOptions& o)
    {
        const std::string path = o.scriptPath();
        if (!std::filesystem::exists(path))
            throw fileError(path, "TorchScript backbone not found");
        try {
            mModule = torch::jit::load(path, torch::kCPU);
        } catch (const c10::Error& e) {
            throw fileError(path, "not a loadable TorchScript file (" + std::string(e.what_without_backtrace()) + ")");
        }
        // Shares storage with the script module: saving/loading the wrapper moves the real weights.
        for (const auto& p : mModule.named_parameters(true))
            register_parameter("p_" + mangle(p.name), p.value, p.value.requires_grad());
        for (const auto& b : mModule.named_buffers(true))
            register_buffer("b_" + mangle(b.name), b.value);
        // Probe output channels and stride once with a small input.
        torch::NoGradGuard ng;
        mModule.eval();
        torch::Tensor low, y;
        try {
            std::tie(low, y) = run(torch::zeros({1, 3, 64, 64}));
        } catch (const c10::Error& e) {
            throw fileError(path, "TorchScript backbone failed on a [1,3,64,64] input (" + std::string(e.what_without_backtrace()) + ")");
        }
        if (y.dim() != 4 || y.size(0) != 1 || y.size(2) < 1 || 64 % y.size(2) != 0)
            throw fileError(path, "TorchScript backbone must map [B,3,H,W] to [B,C,H/s,W/s]; got shape " + shapeOf(y));
        if (low.defined()) {
            if (low.dim() != 4 || low.size(0) != 1 || low.size(2) <= y.size(2))
                throw fileError(path, "the first of the TorchScript backbone's (low, high) outputs must be a feature map "
                                      "of a smaller stride than the second; got shapes " + shapeOf(low) + " and " + shapeOf(y));
            mLow = int(low.size(1));
        }
        mChannels = int(y.size(1));
        o.scriptChannels(mChannels);
        o.scriptStride(int(64 / y.size(2)));
        mModule.train();
    }
    static std::string mangle(std::string n)
    {
        for (auto& c : n)
            if (c == '.')
                c = '_';
        return n;
    }
    static std::string shapeOf(const torch::Tensor& t)
    {
        std::string s = "[";
        for (int64_t i = 0; i < t.dim(); ++i)
            s += (i ? "," : "") + std::to_string(t.size(i));
        return s + "]";
    }
    std::pair<torch::Tensor, torch::Tensor> run(const torch::Tensor& x) { return scriptEncoderOutputs(mModule.forward({x})); }
    std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) override
    {
        // Keep the script module's train/eval mode in step with the wrapper's.
        if (is_training() != mModule.is_training())
            is_training() ? mModule.train() : mModule.eval();
        return run(x); // a low-level output exactly when the probe found one (mLow > 0)
    }
    int lowChannels() const override { return mLow; }
    int highChannels() const override { return mChannels; }

    torch::jit::Module mModule;
    int mChannels = 0;
    int mLow = 0; ///< channels of the low-level output (0: none)
};

} // namespace

std::shared_ptr<EncoderImpl> makeScriptEncoder(BackboneOptions& options) { return std::make_shared<ScriptEncoderImpl>(options); }

std::pair<torch::Tensor, torch::Tensor> scriptEncoderOutputs(const c10::IValue& out)
{
    if (out.isTensor())
        return {torch::Tensor(), out.toTensor()};
    if (out.isTuple() && !out.toTuple()->elements().empty()) {
        const auto& e = out.toTuple()->elements();
        if (e.size() == 2 && e[0].isTensor() && e[1].isTensor())
            return {e[0].toTensor(), e[1].toTensor()};
        if (e.back().isTensor())
            return {torch::Tensor(), e.back().toTensor()};
    }
    throw Error("TorchScript backbone returned neither a tensor nor a tuple of tensors");
}

} // namespace zm
