// Word senses for typed class names. A word vector mixes every sense of a word in proportion to how
// often a corpus uses it: in GloVe, "flip-flop" is mostly the politician's reversal, far from "sandal".
// SenseAwareEmbedder wraps a ClassEmbedder and, for a name WordNet knows in several senses, asks which
// sense the model's own classes are near. When the word's vector leans to another sense, the name
// takes the vector of the sense near the model's classes (its synonyms, hypernyms and definition);
// otherwise the name keeps its word vector. Names the model was trained on, and names with one sense,
// are never changed. docs/EMBEDDING.md, "Word senses", gives the rule and its measurements.
#pragma once
#include "core/embed/embedder.h"
#include "core/embed/wordnet.h"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace zm {

struct SenseOptions {
    /// A word with several senses takes the vector of the sense nearest the model's classes when that
    /// sense is nearer them than the word's own vector by at least this much (cosine).
    float minGain = 0.15f;
    /// A name whose vector is this near (cosine) to one of the model's class vectors is a name the model
    /// knows: it is kept as it is.
    float knownCosine = 0.98f;
    /// Weight of the word's own vector in a resolved name (0 = the sense's vector alone).
    float wordWeight = 0.0f;
};

/// One WordNet sense of a typed term, as compared.
struct SenseCandidate {
    std::string lemmas;     ///< "flip-flop, thong"
    std::string definition;
    float domain = 0;       ///< cosine of the sense's vector to the nearest model class (-2: no vector)
};

/// How one typed term (one synonym of a name) was read.
struct SenseReading {
    std::string term;
    int senses = -1;            ///< noun senses in WordNet (-1: not looked up)
    bool changed = false;       ///< true: the vector is the chosen sense's
    std::string reason;         ///< why it was kept or changed, for people
    std::string chosenLemmas;   ///< "flip-flop, thong" of the sense chosen (empty when none)
    std::string chosenDefinition;
    float wordDomain = 0;       ///< cosine of the word's vector to the nearest model class
    float chosenDomain = 0;     ///< cosine of the chosen sense's vector to the nearest model class
    std::vector<SenseCandidate> candidates; ///< every sense, in WordNet's order (empty when not compared)
};

class SenseAwareEmbedder : public ClassEmbedder {
public:
    /// `domain`: unit vectors of the classes the model was trained on (its seen classes), in the space of
    /// `inner`. Throws zm::Error when a domain vector has another dimension than `inner`.
    SenseAwareEmbedder(std::shared_ptr<const ClassEmbedder> inner, std::shared_ptr<const WordNet> wordnet,
                       std::vector<std::vector<float>> domain, SenseOptions options = {});

    int dim() const override { return mInner->dim(); }
    const VectorSpaceId& spaceId() const override { return mInner->spaceId(); }
    const std::filesystem::path& file() const override { return mInner->file(); }
    std::vector<float> embed(const std::string& className) const override;
    std::vector<Neighbor> neighbors(const std::vector<float>& vector, int k = 10) const override
    {
        return mInner->neighbors(vector, k);
    }
    bool inVocabulary(const std::string& word) const override { return mInner->inVocabulary(word); }
    /// The inner embedder's explanation, then "| sense: ..." for each term whose sense was chosen.
    std::string explain(const std::string& className) const override;
    int vocabularySize() const override { return mInner->vocabularySize(); }

    /// The reading of each synonym of a name (';' or ',' separated).
    std::vector<SenseReading> read(const std::string& className) const;

    const ClassEmbedder& inner() const { return *mInner; }
    const WordNet& wordnet() const { return *mWordNet; }

private:
    struct Term {
        std::vector<float> vector;
        SenseReading reading;
    };
    Term resolve(const std::string& term) const;
    /// Fills t.reading (and replaces t.vector when a sense is chosen); throws zm::Error for a broken database.
    void choose(Term& t) const;
    /// The words of a lemma phrase that are in the vocabulary (split at '_', spaces, and, for a word the
    /// vocabulary lacks, at hyphens), lower case.
    std::vector<std::string> vocabularyWords(const std::string& phrase) const;
    std::vector<float> senseVector(const Synset& s, const std::string& term) const;
    float domainCosine(const std::vector<float>& v) const;

    std::shared_ptr<const ClassEmbedder> mInner;
    std::shared_ptr<const WordNet> mWordNet;
    std::vector<std::vector<float>> mDomain;
    SenseOptions mOptions;
    mutable std::mutex mCacheMutex;
    mutable std::unordered_map<std::string, Term> mCache;
};

/// Whether names are read with word senses: Auto = when a WordNet database is found and the vectors
/// are word vectors (not an attribute table); On = the same, and an error without WordNet; Off = never.
enum class SenseMode { Auto, On, Off };
/// "auto" | "on" | "off"; throws zm::Error naming the value otherwise.
SenseMode parseSenseMode(const std::string& text);
const char* senseModeName(SenseMode mode);

/// The embedder a model's class names are read with: `inner` (Off; Auto without WordNet or for an
/// attribute table; any mode when `domain` is empty), or a SenseAwareEmbedder over `domain` (the model's seen-class vectors) and the WordNet
/// database in `wordnetFolder` (empty: defaultWordNetFolder()). Throws zm::Error for On without WordNet
/// (saying to install wordnet-base) and for a WordNet folder that cannot be read.
std::shared_ptr<const ClassEmbedder> nameEmbedderFor(std::shared_ptr<const ClassEmbedder> inner,
                                                     std::vector<std::vector<float>> domain, SenseMode mode,
                                                     const std::filesystem::path& wordnetFolder = {});

} // namespace zm
