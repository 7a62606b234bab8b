// The fastText model file format (.bin/.ftz, version 11/12) without the fastText library: a validator
// that walks every section and checks it against the file size (so a truncated or corrupt file gives a
// clear message instead of a hang or an absurd allocation inside the library), and a writer of
// unquantised word-vector models that the library and the `fasttext` command load.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zm {

/// What the header of a fastText model file says.
struct FastTextFileInfo {
    int version = 0;
    int dim = 0, ws = 0, epoch = 0, minCount = 0, neg = 0, wordNgrams = 0;
    int loss = 0, model = 0, bucket = 0, minn = 0, maxn = 0, lrUpdateRate = 0;
    double t = 0;
    int size = 0, nwords = 0, nlabels = 0;
    std::int64_t ntokens = 0, pruneidxSize = -1;
    bool quantInput = false, quantOutput = false;
    std::int64_t inputRows = 0, inputCols = 0, outputRows = 0, outputCols = 0;
    std::uintmax_t fileSize = 0;
};

constexpr std::int32_t kFastTextMagic = 793712314;
constexpr std::int32_t kFastTextVersion = 12;

/// Walks the whole file and checks every count against what is left of it. Throws zm::Error
/// "<file>: <problem>" for a missing, empty, truncated, corrupt or non-fastText file.
FastTextFileInfo inspectFastTextFile(const std::filesystem::path& file);

/// A word-vector model to write: `rows` holds (words.size() + bucket) x dim floats, word rows first,
/// then the n-gram bucket rows, exactly as fastText's input matrix.
struct FastTextModelData {
    int dim = 0;
    int bucket = 0;
    int minn = 3;
    int maxn = 6;
    int epoch = 0;
    std::vector<std::string> words;      ///< in frequency order (fastText keeps them sorted by count)
    std::vector<std::int64_t> counts;    ///< one per word, non-increasing
    std::vector<float> rows;
};

/// Writes a genuine fastText .bin (skip-gram args, softmax loss, an empty output matrix: only the
/// input matrix matters for word vectors), atomically.
void writeFastTextBin(const std::filesystem::path& file, const FastTextModelData& model);

/// fastText's subword hash (FNV-1a over the bytes taken as signed chars).
std::uint32_t fastTextHash(const std::string& s);

/// Bucket indices (0..bucket-1, before the nwords offset) of the character n-grams of `word`
/// (without the < > marks: they are added here), as fastText computes them (UTF-8 aware).
void fastTextSubwordBuckets(const std::string& word, int minn, int maxn, int bucket, std::vector<std::int32_t>& out);

} // namespace zm
