// Checkpoint reading and writing with card checks first and messages that name the file.
#include "core/engine/checkpoint.h"

#include "core/common/error.h"
#include "core/common/files.h"

#include <torch/serialize.h>

namespace zm {

namespace fs = std::filesystem;

ModelPaths resolveModelPaths(const fs::path& model)
{
    ModelPaths p;
    if (!fs::exists(model))
        throw fileError(model.string(), "model not found (expected a model folder with card.json and weights.pt)");
    if (fs::is_directory(model)) {
        p.dir = model;
        p.card = model / "card.json";
        p.weights = model / "weights.pt";
    } else if (model.extension() == ".json") {
        p.dir = model.parent_path();
        p.card = model;
        p.weights = p.dir / "weights.pt";
    } else {
        p.dir = model.parent_path();
        p.weights = model;
        fs::path stemCard = model;
        stemCard.replace_extension(".json");
        p.card = fs::exists(stemCard) ? stemCard : p.dir / "card.json";
    }
    if (p.dir.empty())
        p.dir = ".";
    if (!fs::exists(p.card))
        throw fileError(p.card.string(), "model card not found (a model needs card.json beside its weights)");
    return p;
}

Json architectureJson(const BackboneOptions& backbone, const HeadOptions& head)
{
    return Json{{"backbone", backbone.toJson()}, {"head", head.toJson()}};
}

void parseArchitecture(const ModelCard& card, const fs::path& dir, const std::string& source, BackboneOptions& backbone,
                       HeadOptions& head)
{
    const Json& a = card.architecture;
    if (!a.contains("backbone") || !a.contains("head"))
        throw Error(source + ": 'architecture' needs 'backbone' and 'head'");
    backbone = BackboneOptions::fromJson(a["backbone"], source);
    head = HeadOptions::fromJson(a["head"], source);
    if (head.semanticDim() != card.vectorSpace.dim)
        throw Error(source + ": the head projects to " + std::to_string(head.semanticDim()) +
                    " dimensions but the vector space has " + std::to_string(card.vectorSpace.dim));
    if (backbone.kind() == "torchscript" && fs::path(backbone.scriptPath()).is_relative())
        backbone.scriptPath((dir / backbone.scriptPath()).string());
}

namespace {

void writeCpuCopy(const torch::nn::Module& module, torch::serialize::OutputArchive& archive)
{
    // Mirrors torch::nn::Module::save: own parameters, own buffers, then one nested archive per child.
    const auto cpuCopy = [](const torch::Tensor& t) {
        return t.detach().to(torch::TensorOptions().device(torch::kCPU), /*non_blocking=*/false, /*copy=*/true);
    };
    for (const auto& p : module.named_parameters(/*recurse=*/false))
        if (p.value().defined())
            archive.write(p.key(), cpuCopy(p.value()));
    for (const auto& b : module.named_buffers(/*recurse=*/false))
        if (b.value().defined())
            archive.write(b.key(), cpuCopy(b.value()), /*is_buffer=*/true);
    for (const auto& child : module.named_children()) {
        if (!child.value()->is_serializable())
            continue;
        torch::serialize::OutputArchive childArchive(archive.compilation_unit());
        writeCpuCopy(*child.value(), childArchive);
        archive.write(child.key(), childArchive);
    }
}

} // namespace

torch::serialize::OutputArchive cpuArchiveOf(const torch::nn::Module& module)
{
    torch::NoGradGuard noGrad;
    torch::serialize::OutputArchive archive;
    writeCpuCopy(module, archive);
    return archive;
}

LoadedModel loadModel(const fs::path& model, const VectorSpaceId& expectedSpace)
{
    LoadedModel m;
    m.paths = resolveModelPaths(model);
    m.card = ModelCard::load(m.paths.card);
    const std::string cardName = m.paths.card.string();
    if (expectedSpace.valid())
        requireSameSpace(m.card.vectorSpace, expectedSpace, "model '" + model.string() + "'");
    if (m.card.method != "spnet" && m.card.method != "zs3" && m.card.method != "cagnet" && m.card.method != "vm")
        throw Error(cardName + ": unknown method '" + m.card.method + "' (expected spnet, zs3, cagnet or vm)");
    BackboneOptions bo;
    HeadOptions ho;
    parseArchitecture(m.card, m.paths.dir, cardName, bo, ho);
    m.net = SegNet(bo, ho);
    if (!fs::exists(m.paths.weights))
        throw fileError(m.paths.weights.string(), "weights file not found (the card is there, the weights are not)");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(m.paths.weights.string(), torch::kCPU); // also weights an older version saved from a GPU
    } catch (const c10::Error& e) {
        throw fileError(m.paths.weights.string(), "corrupt or truncated weights file, not a readable Torch archive (" +
                                                      std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    // Torch's archive reader replaces a tensor of another shape without complaint: compare shapes.
    std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
    for (const auto& p : m.net->named_parameters())
        shapes.emplace_back(p.key(), p.value().sizes().vec());
    for (const auto& b : m.net->named_buffers())
        shapes.emplace_back(b.key(), b.value().sizes().vec());
    try {
        m.net->load(archive);
        std::size_t i = 0;
        auto check = [&](const std::string& name, const torch::Tensor& t) {
            if (t.sizes().vec() != shapes[i++].second)
                throw fileError(m.paths.weights.string(), "weights do not match the architecture in " + cardName +
                                                              " (tensor '" + name + "' has another shape)");
        };
        for (const auto& p : m.net->named_parameters())
            check(p.key(), p.value());
        for (const auto& b : m.net->named_buffers())
            check(b.key(), b.value());
    } catch (const c10::Error& e) {
        throw fileError(m.paths.weights.string(), "weights do not match the architecture in " + cardName + " (" +
                                                      std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    m.net->eval();
    return m;
}

void saveModel(const fs::path& dir, ModelCard card, const SegNet& net)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir))
        throw fileError(dir.string(), "cannot create the model folder (" + ec.message() + ")");
    BackboneOptions bo = net->backbone->options();
    if (bo.kind() == "torchscript") {
        // The script file defines the encoder's structure: keep a copy inside the model folder.
        const fs::path src = bo.scriptPath(), dst = dir / "backbone.pt";
        if (!fs::exists(dst) || !fs::equivalent(src, dst))
            writeFileAtomic(dst, readFile(src));
        bo.scriptPath("backbone.pt");
    }
    card.architecture = architectureJson(bo, net->mHead);
    card.temperature = float(net->mHead.scale());
    torch::serialize::OutputArchive archive = cpuArchiveOf(*net);
    writeFileAtomicWith(dir / "weights.pt", [&](const fs::path& tmp) { archive.save_to(tmp.string()); });
    card.save(dir / "card.json");
}

void saveTrainingState(const fs::path& dir, torch::optim::Optimizer& optimizer, const Json& progress)
{
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    writeFileAtomicWith(dir / "state.pt", [&](const fs::path& tmp) { archive.save_to(tmp.string()); });
    saveJsonFile(dir / "state.json", progress);
}

Json loadTrainingState(const fs::path& dir, torch::optim::Optimizer& optimizer, const torch::Device& device)
{
    const fs::path pt = dir / "state.pt", js = dir / "state.json";
    if (!fs::exists(pt) || !fs::exists(js))
        throw fileError(dir.string(), "no training state to resume from (state.pt and state.json are written while training)");
    Json progress = loadJsonFile(js);
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(pt.string(), device);
        optimizer.load(archive);
    } catch (const c10::Error& e) {
        throw fileError(pt.string(), "corrupt training state or another optimiser (" +
                                         std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    return progress;
}

} // namespace zm
