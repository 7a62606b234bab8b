// ClassEmbedder: class name -> one L2-normalised vector in a fastText space. Handles case, separators,
// multi-word names, synonyms ("car; automobile"), out-of-vocabulary and misspelled words (subword
// n-grams). Thread-safe and cached. No fastText types in this header.
#pragma once
#include "core/common/vectorspace.h"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace zm {

struct Neighbor {
    std::string word;
    float cosine = 0;
};

class ClassEmbedder {
public:
    /// Loads a fastText .bin/.ftz (and its manifest `<file>.json` when present, for the space id; else the
    /// id is computed from the file). Throws zm::Error naming the file and the problem.
    static std::shared_ptr<ClassEmbedder> load(const std::filesystem::path& file);
    virtual ~ClassEmbedder() = default;

    virtual int dim() const = 0;
    virtual const VectorSpaceId& spaceId() const = 0;
    virtual const std::filesystem::path& file() const = 0;

    /// The class vector of a name as typed (synonyms separated by ';' or ','). L2-normalised, finite.
    /// Throws zm::Error for empty / whitespace-only names or names that give no usable vector.
    virtual std::vector<float> embed(const std::string& className) const = 0;

    /// Nearest vocabulary words to a vector (cosine, descending).
    virtual std::vector<Neighbor> neighbors(const std::vector<float>& vector, int k = 10) const = 0;

    /// Cosine between two class names.
    virtual float similarity(const std::string& a, const std::string& b) const = 0;

    /// Whether a single word is in the vocabulary (after normalisation).
    virtual bool inVocabulary(const std::string& word) const = 0;
};

/// The default vectors file: $ZEROMASK_VECTORS, else <cache>/vectors/<default name>.bin, else the
/// installed copy. Returns an empty path when none exists yet.
std::filesystem::path defaultVectorsPath();

} // namespace zm
