// Engine speed, printed side by side: (a) score() for a 1024x768 image with 20 classes from a cached
// feature map, (b) encode() with the small backbone at 512x512, (c) the same small model in PyTorch
// eager (scripts/bench_engine_python.py, same thread count, same input), run from here when found.
// Usage: bench_engine [--python=/usr/bin/python3] [--no-python] [google-benchmark flags]
#include "core/engine/checkpoint.h"
#include "core/engine/scoring.h"
#include "core/engine/segmenter.h"
#include "core/runtime/runtime.h"

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/utils.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

namespace {

namespace fs = std::filesystem;

fs::path modelDir()
{
    static fs::path dir = [] {
        // A freshly initialised small model: speed does not depend on the weights' values.
        torch::manual_seed(0);
        fs::path d = fs::temp_directory_path() / ("zm-bench-engine-" + std::to_string(::getpid()));
        zm::ModelCard card;
        card.name = "bench-small";
        card.vectorSpace.name = "bench";
        card.vectorSpace.dim = 100;
        card.vectorSpace.checksum = "bench";
        auto net = zm::SegNet(zm::BackboneOptions::preset("small"), zm::HeadOptions().semanticDim(100));
        zm::saveModel(d, card, net);
        return d;
    }();
    return dir;
}

zm::Segmenter& segmenter()
{
    static auto s = [] {
        zm::SegmenterOptions o;
        o.device = "cpu";
        return zm::Segmenter::load(modelDir(), o);
    }();
    return *s;
}

zm::Image randomImage(int w, int h)
{
    zm::Image img(w, h, 3);
    std::mt19937 rng(1);
    for (auto& p : img.pixels)
        p = std::uint8_t(rng() & 0xFF);
    return img;
}

zm::ClassSet randomClasses(int n, int dim)
{
    zm::ClassSet cs;
    std::mt19937 rng(2);
    std::normal_distribution<float> g;
    for (int i = 0; i < n; ++i) {
        zm::ClassSpec c;
        c.name = "class" + std::to_string(i);
        c.vector.resize(std::size_t(dim));
        for (auto& x : c.vector)
            x = g(rng);
        cs.classes.push_back(c);
    }
    return cs;
}

void BM_Score_1024x768_20classes(benchmark::State& state)
{
    auto& seg = segmenter();
    auto f = seg.encode(randomImage(1024, 768));
    const auto classes = randomClasses(20, 100);
    for (auto _ : state) {
        auto r = seg.score(*f, classes);
        benchmark::DoNotOptimize(r.labels.ids.data());
    }
    state.counters["featureCells"] = double(f->featureWidth()) * f->featureHeight();
}
// min over repetitions: on a shared machine it is the figure least disturbed by other processes.
double minOf(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
BENCHMARK(BM_Score_1024x768_20classes)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true)->MinTime(1.0)->ComputeStatistics("min", minOf);

// The two parts of score(), each at 1 and 2 threads (Arg), to see what scales: the class matmul at
// feature resolution ([20,100] x [100,256*192]) and the fused upsample + softmax + argmax to 1024x768.
/// Sets LibTorch's thread count for one benchmark (its Arg) and restores it after.
struct ThreadsFor {
    explicit ThreadsFor(const benchmark::State& state) : saved(at::get_num_threads()) { at::set_num_threads(int(state.range(0))); }
    ~ThreadsFor() { at::set_num_threads(saved); }
    int saved;
};

/// 20 classes (half of them "seen" with gamma 0.2) from a 256x192 map to 1024x768.
zm::UpsampleArgmax scoreParams()
{
    zm::UpsampleArgmax p;
    p.outWidth = 1024;
    p.outHeight = 768;
    p.scaleX = p.scaleY = 0.25;
    for (int k = 0; k < 20; ++k) {
        p.offset.push_back(k < 10 ? -0.2f : 0.0f);
        p.labelOf.push_back(std::uint16_t(k));
    }
    return p;
}

void BM_ScorePart_ClassLogits(benchmark::State& state)
{
    ThreadsFor threads(state);
    torch::manual_seed(3);
    const auto emb = torch::randn({100, 192, 256});
    const auto m = torch::randn({20, 100});
    for (auto _ : state) {
        auto l = zm::classLogits(emb, m, 10.0);
        benchmark::DoNotOptimize(l.data_ptr());
    }
}
BENCHMARK(BM_ScorePart_ClassLogits)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();

void BM_ScorePart_UpsampleArgmax(benchmark::State& state)
{
    ThreadsFor threads(state);
    torch::manual_seed(4);
    const auto logits = torch::randn({20, 192, 256}) * 5;
    const auto p = scoreParams();
    std::vector<std::uint16_t> labels(1024 * 768);
    std::vector<float> confidence(labels.size());
    for (auto _ : state) {
        zm::upsampleArgmax(logits, p, labels.data(), confidence.data());
        benchmark::DoNotOptimize(labels.data());
    }
}
BENCHMARK(BM_ScorePart_UpsampleArgmax)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();

// Both parts at once as score() runs them: the class product per source row inside the parallel loop.
void BM_ScorePart_LinearFused(benchmark::State& state)
{
    ThreadsFor threads(state);
    torch::manual_seed(4);
    const auto emb = torch::randn({100, 192, 256});
    const auto m = torch::randn({20, 100});
    const auto p = scoreParams();
    std::vector<std::uint16_t> labels(1024 * 768);
    std::vector<float> confidence(labels.size());
    for (auto _ : state) {
        zm::linearUpsampleArgmax(emb, m, at::Tensor(), p, labels.data(), confidence.data());
        benchmark::DoNotOptimize(labels.data());
    }
}
BENCHMARK(BM_ScorePart_LinearFused)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();

void BM_Encode_Small_512(benchmark::State& state)
{
    auto& seg = segmenter();
    const auto img = randomImage(512, 512);
    seg.encode(img); // warm-up (allocator, oneDNN primitive caches)
    for (auto _ : state) {
        auto f = seg.encode(img);
        benchmark::DoNotOptimize(f.get());
    }
}
BENCHMARK(BM_Encode_Small_512)->Unit(benchmark::kMillisecond)->Repetitions(10)->ReportAggregatesOnly(true)->MinTime(0.5)->ComputeStatistics("min", minOf);

// The same encode with test-time augmentation (zm::kTestTimeAugmentationPreset: six views, areas summing
// to 6.25 plain inputs): the price of the GUI's "More exact masks", read as a ratio to the row above.
void BM_Encode_Small_512_SixViews(benchmark::State& state)
{
    static auto seg = [] {
        zm::SegmenterOptions o;
        o.device = "cpu";
        zm::parseTestTimeAugmentation(zm::kTestTimeAugmentationPreset, o);
        return zm::Segmenter::load(modelDir(), o);
    }();
    const auto img = randomImage(512, 512);
    seg->encode(img);
    for (auto _ : state) {
        auto f = seg->encode(img);
        benchmark::DoNotOptimize(f.get());
    }
}
BENCHMARK(BM_Encode_Small_512_SixViews)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true)->MinTime(0.5)->ComputeStatistics("min", minOf);

// The bare network forward (no image conversion), the figure to compare with PyTorch eager.
void BM_Forward_Small_512(benchmark::State& state)
{
    torch::NoGradGuard ng;
    zm::SegNet net(zm::BackboneOptions::preset("small"), zm::HeadOptions().semanticDim(100));
    net->eval();
    auto x = torch::rand({1, 3, 512, 512});
    net->forward(x);
    for (auto _ : state) {
        auto y = net->forward(x);
        benchmark::DoNotOptimize(y.data_ptr());
    }
    state.counters["parameters"] = double(zm::parameterCount(*net));
}
BENCHMARK(BM_Forward_Small_512)->Unit(benchmark::kMillisecond)->Repetitions(10)->ReportAggregatesOnly(true)->MinTime(0.5)->ComputeStatistics("min", minOf);

} // namespace

int main(int argc, char** argv)
{
    std::string python = "/usr/bin/python3";
    bool runPython = true;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--python=", 0) == 0)
            python = a.substr(9);
        else if (a == "--no-python")
            runPython = false;
        else
            args.push_back(argv[i]);
    }
    int n = int(args.size());
    zm::initRuntime();
    std::cout << "threads: " << at::get_num_threads() << "\n";
    benchmark::Initialize(&n, args.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    // The source tree, compiled in (a relative __FILE__ would depend on the working folder).
    const fs::path script = fs::path(ZM_SOURCE_DIR) / "scripts" / "bench_engine_python.py";
    if (runPython && !(fs::exists(python) && fs::exists(script)))
        std::cout << "\n(PyTorch comparison skipped: " << (fs::exists(python) ? script.string() : python) << " not found)\n";
    if (runPython && fs::exists(python) && fs::exists(script)) {
        // Same model architecture, input size and thread count in PyTorch eager, for the C++/Python ratio.
        const std::string cmd = "'" + python + "' '" + script.string() + "' --threads " + std::to_string(at::get_num_threads()) +
                                " --size 512";
        std::cout << "\n--- PyTorch eager (" << cmd << ") ---\n" << std::flush;
        const int rc = std::system(cmd.c_str());
        if (rc != 0)
            std::cout << "(python benchmark failed with status " << rc << ")\n";
    }
    std::error_code ec;
    fs::remove_all(modelDir(), ec);
    return 0;
}
