// bench_embed: the class embedder on the default vectors: load time and resident memory, one name
// lookup (in vocabulary, misspelled, multi-word with synonyms; uncached, so n-gram work is included),
// a cached lookup, neighbour search, WordNet's load and a name read with word senses (uncached:
// every sense of the word is embedded and compared with the default model's nine classes), and (with ZEROMASK_BENCH_BUILD=1) building the default .bin.
// Run: ./bench_embed   (needs the default vectors: zeromask-cli vectors build)
#include "core/common/files.h"
#include "core/common/progress.h"
#include "core/embed/embedder.h"
#include "core/embed/senses.h"
#include "core/embed/vectorbuilder.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace {

// VmRSS / VmHWM of this process in MiB.
double procStatusMiB(const char* key)
{
    std::ifstream in("/proc/self/status");
    std::string k;
    while (in >> k) {
        if (k == key) {
            double kb = 0;
            in >> kb;
            return kb / 1024.0;
        }
        std::string rest;
        std::getline(in, rest);
    }
    return 0;
}

std::shared_ptr<zm::ClassEmbedder> uncached()
{
    static std::shared_ptr<zm::ClassEmbedder> e = [] {
        zm::EmbedderOptions o;
        o.cacheSize = 0;
        return zm::ClassEmbedder::load(zm::resolveVectorsPath(), o);
    }();
    return e;
}

bool haveVectors(benchmark::State& state)
{
    if (zm::defaultVectorsPath().empty()) {
        state.SkipWithError("no default vectors: run `zeromask-cli vectors build` first");
        return false;
    }
    return true;
}

void BM_LoadDefaultVectors(benchmark::State& state)
{
    if (!haveVectors(state))
        return;
    const double before = procStatusMiB("VmRSS:");
    double rss = 0;
    for (auto _ : state) {
        auto e = zm::ClassEmbedder::load(zm::defaultVectorsPath());
        rss = procStatusMiB("VmRSS:");
        benchmark::DoNotOptimize(e);
    }
    state.counters["rss_after_load_MiB"] = rss;
    state.counters["rss_added_MiB"] = rss - before;
}
BENCHMARK(BM_LoadDefaultVectors)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_EmbedName(benchmark::State& state, const std::string& name)
{
    if (!haveVectors(state))
        return;
    auto e = uncached();
    e->embed("giraffee"); // builds the spelling index once, outside the timing
    for (auto _ : state)
        benchmark::DoNotOptimize(e->embed(name));
}
BENCHMARK_CAPTURE(BM_EmbedName, in_vocabulary, std::string("giraffe"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedName, misspelled_spelling, std::string("giraffee"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedName, unknown_ngrams_only, std::string("qwxzvbnmkj"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedName, compound_split, std::string("pottedplant"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedName, synonyms_multiword, std::string("Potted Plant; houseplant; pot_plant"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedName, long_10k_chars, std::string(10000, 'q'))->Unit(benchmark::kMicrosecond);

void BM_EmbedCached(benchmark::State& state)
{
    if (!haveVectors(state))
        return;
    static auto e = zm::ClassEmbedder::load(zm::defaultVectorsPath());
    for (auto _ : state)
        benchmark::DoNotOptimize(e->embed("dining table"));
}
BENCHMARK(BM_EmbedCached)->Unit(benchmark::kMicrosecond);

void BM_Neighbors10(benchmark::State& state)
{
    if (!haveVectors(state))
        return;
    auto e = uncached();
    const auto q = e->embed("giraffee");
    e->neighbors(q, 1); // builds the unit-row table once
    for (auto _ : state)
        benchmark::DoNotOptimize(e->neighbors(q, 10));
    state.counters["peak_rss_MiB"] = procStatusMiB("VmHWM:");
}
BENCHMARK(BM_Neighbors10)->Unit(benchmark::kMillisecond);

void BM_LoadWordNet(benchmark::State& state)
{
    if (zm::defaultWordNetFolder().empty()) {
        state.SkipWithError("no WordNet database: install wordnet-base");
        return;
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(zm::WordNet::load(zm::defaultWordNetFolder()));
}
BENCHMARK(BM_LoadWordNet)->Unit(benchmark::kMillisecond);

/// The time a person waits after typing a name, word senses included: a fresh SenseAwareEmbedder (no
/// cache of its own) over the uncached vectors, with the default model's classes. `coldSynsets`: a fresh
/// WordNet per iteration (loaded outside the timing), so every synset is read from data.noun, as for the
/// first name of a session; else its synsets are cached from earlier iterations. Compare with
/// BM_EmbedName of the same word.
void BM_EmbedWithSenses(benchmark::State& state, const std::string& name, bool coldSynsets)
{
    if (!haveVectors(state))
        return;
    if (zm::defaultWordNetFolder().empty()) {
        state.SkipWithError("no WordNet database: install wordnet-base");
        return;
    }
    auto e = uncached();
    e->embed("giraffee");
    static const auto wordnet = zm::WordNet::load(zm::defaultWordNetFolder());
    std::vector<std::vector<float>> classes;
    for (const char* c : {"background", "t-shirt", "trouser", "dress", "coat", "shirt", "sneaker", "bag", "ankle boot"})
        classes.push_back(e->embed(c));
    for (auto _ : state) {
        std::shared_ptr<const zm::WordNet> db = wordnet;
        if (coldSynsets) {
            state.PauseTiming();
            db = zm::WordNet::load(zm::defaultWordNetFolder());
            state.ResumeTiming();
        }
        zm::SenseAwareEmbedder senses(e, db, classes);
        benchmark::DoNotOptimize(senses.embed(name));
    }
}
BENCHMARK_CAPTURE(BM_EmbedWithSenses, one_sense_sandal, std::string("sandal"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedWithSenses, four_senses_flip_flop, std::string("flip-flop"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedWithSenses, eight_senses_jumper, std::string("jumper"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_EmbedWithSenses, eight_senses_jumper_cold_synsets, std::string("jumper"), true)
    ->Unit(benchmark::kMicrosecond)->Iterations(30);
BENCHMARK_CAPTURE(BM_EmbedName, plain_jumper, std::string("jumper"))->Unit(benchmark::kMicrosecond);

void BM_BuildDefaultVectors(benchmark::State& state)
{
    const char* on = std::getenv("ZEROMASK_BENCH_BUILD");
    if (!on || std::string(on) != "1") {
        state.SkipWithError("set ZEROMASK_BENCH_BUILD=1 to time the default build (about half a minute)");
        return;
    }
    zm::NullProgress p;
    const auto out = zm::cacheDir() / "vectors" / "bench-build.bin";
    for (auto _ : state) {
        const auto src = zm::readWinkTarball(zm::fetchWinkTarball(p), p);
        zm::SubwordBuildOptions o;
        o.name = zm::kDefaultVectorsName;
        benchmark::DoNotOptimize(zm::buildVectorsBin(src, o, out, p));
    }
    std::error_code ec;
    std::filesystem::remove(out, ec);
    std::filesystem::remove(out.string() + ".json", ec);
}
BENCHMARK(BM_BuildDefaultVectors)->Unit(benchmark::kSecond)->Iterations(1);

} // namespace

BENCHMARK_MAIN();
