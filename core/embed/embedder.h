// ClassEmbedder: class name -> one L2-normalised vector in a semantic space. For a fastText space it
// handles case, separators, multi-word names, synonyms ("car; automobile"), out-of-vocabulary and
// misspelled words (subword n-grams); for a class -> attribute table (.csv, core/embed/attributetable.h)
// it looks the class up in the table. Thread-safe and cached. No fastText types in this header.
#pragma once
#include "core/common/vectorspace.h"

#include <cstddef>
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

/// How names are turned into vectors (the defaults are what the quality report measured best).
struct EmbedderOptions {
    /// Split out-of-vocabulary compounds ("pottedplant", "tvmonitor") into vocabulary words before
    /// falling back to subword n-grams.
    bool splitCompounds = true;
    /// Out-of-vocabulary words within 1-2 edits of frequent vocabulary words ("giraffee", "sneakr") take
    /// the vectors of those words, ranked by edit distance and by the cosine of the word's n-gram
    /// vector to each (so the subwords decide between "sneak" and "sneaker"). Off: n-grams only.
    bool correctSpelling = true;
    /// Vocabulary words (most frequent first) that spelling correction may choose.
    int spellingVocabulary = 500000;
    /// "back pack", "cell phone": when two adjacent words written together are a vocabulary word,
    /// that word's vector joins the phrase's (equal weights).
    bool joinOpenCompounds = true;
    /// Multi-word names: true = mean of the unit word vectors (fastText's sentence vector for
    /// unsupervised models), false = mean of the raw word vectors.
    bool meanOfUnitVectors = true;
    /// Names kept in the embedding cache.
    std::size_t cacheSize = 4096;
    /// Neighbour search covers at most this many (most frequent) vocabulary words, to bound memory
    /// on multi-million-word models.
    int maxNeighborWords = 500000;
};

class ClassEmbedder {
public:
    /// Loads a fastText .bin/.ftz (and its manifest `<file>.json` when present, for the space id; else the
    /// id is computed from the file), or a class -> attribute table when isAttributeTableFile(file) (a
    /// `.csv`, or text that reads as one; the options do not apply to it). Throws zm::Error naming the
    /// file and the problem.
    static std::shared_ptr<ClassEmbedder> load(const std::filesystem::path& file);
    static std::shared_ptr<ClassEmbedder> load(const std::filesystem::path& file, const EmbedderOptions& options);
    virtual ~ClassEmbedder() = default;

    virtual int dim() const = 0;
    virtual const VectorSpaceId& spaceId() const = 0;
    virtual const std::filesystem::path& file() const = 0;

    /// The class vector of a name as typed (synonyms separated by ';' or ','). L2-normalised, finite.
    /// Throws zm::Error for empty / whitespace-only names or names that give no usable vector.
    virtual std::vector<float> embed(const std::string& className) const = 0;

    /// Nearest vocabulary words to a vector (cosine, descending); for an attribute table, its classes.
    virtual std::vector<Neighbor> neighbors(const std::vector<float>& vector, int k = 10) const = 0;

    /// Cosine between two class names: the dot product of their embed() vectors (unit length by contract).
    virtual float similarity(const std::string& a, const std::string& b) const;

    /// Whether a single word is in the vocabulary (after normalisation).
    virtual bool inVocabulary(const std::string& word) const = 0;

    /// How a name was read: "potted plant -> [potted] [plant]; pottedplant -> split: potted + plant;
    /// giraffee -> n-grams". Throws like embed().
    virtual std::string explain(const std::string& className) const = 0;

    /// Number of vocabulary words (labels excluded).
    virtual int vocabularySize() const = 0;
};

/// The vector space of a vectors file: from its manifest `<file>.json` when present (refused when the
/// manifest does not describe this file), else name = file stem, checksum = sampledFileChecksum().
/// An attribute table is parsed and gives its own space (and dimension; `dim` is not used).
VectorSpaceId vectorSpaceOfFile(const std::filesystem::path& file, int dim);

/// SHA-256 over the file size and samples of the file: all of it up to 16 MiB; beyond that the first
/// and last MiB and 64 blocks of 64 KiB at evenly spaced offsets (so a 7 GB model is identified in
/// milliseconds). Throws zm::Error naming the file when it cannot be read.
std::string sampledFileChecksum(const std::filesystem::path& file);

/// The synonyms of a typed name as ClassEmbedder::embed() reads them: split at ';', ',' and '|',
/// trimmed, empty ones dropped.
std::vector<std::string> splitSynonyms(const std::string& className);

/// Name of the default vectors (the manifest's space name) and their file name in the cache.
constexpr const char* kDefaultVectorsName = "zeromask-en-glove6b-100d";

/// The default vectors file: $ZEROMASK_VECTORS, else <cache>/vectors/<default name>.bin, else the
/// installed copy. Returns an empty path when none exists yet.
std::filesystem::path defaultVectorsPath();

/// `explicitFile` when given, else defaultVectorsPath(); throws zm::Error saying how to build the
/// default vectors when there are none.
std::filesystem::path resolveVectorsPath(const std::filesystem::path& explicitFile = {});

} // namespace zm
