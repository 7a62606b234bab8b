// A reader for the noun part of a WordNet 3.0 database in its original file layout (Debian's
// `wordnet-base`: /usr/share/wordnet/{index.noun,data.noun,noun.exc}; format in wndb(5)). ZeroMask uses
// it to tell the senses of a typed class name apart ("flip-flop": a reversal, a sandal, a circuit, a
// somersault); see core/embed/senses.h. Torch-free and fastText-free.
//
// index.noun is read into memory (about 5 MB) and searched by bisection (its lines are sorted by byte
// value); synsets are read from data.noun on demand at their byte offsets, as WordNet's own library does.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace zm {

/// One noun synset (a sense): its words, its direct hypernyms and its definition.
struct Synset {
    std::uint32_t offset = 0;            ///< byte offset in data.noun: the synset's id
    int lexFile = 0;                     ///< lexicographer file (6 = noun.artifact, 18 = noun.person, ...)
    std::vector<std::string> lemmas;     ///< as written in the database, '_' between words ("ankle_boot")
    std::vector<std::uint32_t> hypernyms; ///< "@" and "@i" pointers, in file order
    std::string gloss;                   ///< definition, then examples after "; " as in the database
    /// The definition alone: the gloss up to its first quoted example.
    std::string definition() const;
};

class WordNet {
public:
    /// Reads `folder`/index.noun (required), notes `folder`/data.noun (required) and reads
    /// `folder`/noun.exc (optional). Throws zm::Error naming the file and the problem.
    static std::shared_ptr<const WordNet> load(const std::filesystem::path& folder);

    const std::filesystem::path& folder() const { return mFolder; }

    /// The index lemmas a typed word may stand for: the word itself (lower case, spaces -> '_'; also
    /// with hyphens and underscores swapped, and closed up) when indexed; only when none of those is,
    /// its irregular base forms (noun.exc: "mice" -> "mouse") and WordNet's regular noun suffix rules
    /// ("boots" -> "boot", "dresses" -> "dress"), each only when indexed; no duplicates.
    std::vector<std::string> baseForms(const std::string& word) const;

    /// The noun senses of a typed word (all its base forms, WordNet's sense order: the most frequent
    /// first), or none. Throws zm::Error when data.noun does not match index.noun.
    std::vector<Synset> senses(const std::string& word) const;

    /// The synset at a data.noun byte offset. Throws zm::Error naming data.noun when there is none.
    Synset synset(std::uint32_t offset) const;

    /// Number of lemmas in index.noun.
    int lemmaCount() const { return int(mLines.size()); }

private:
    WordNet() = default;
    std::vector<std::uint32_t> offsetsOf(const std::string& lemma) const;

    std::filesystem::path mFolder;
    std::string mIndex;                                  ///< index.noun's text
    std::vector<std::pair<std::uint32_t, std::uint32_t>> mLines; ///< entry lines: start, length
    std::map<std::string, std::vector<std::string>> mExceptions; ///< noun.exc
    mutable std::mutex mCacheMutex;
    mutable std::map<std::uint32_t, Synset> mCache;
};

/// Where the WordNet database is looked for: $ZEROMASK_WORDNET when set, else /usr/share/wordnet
/// (Debian's wordnet-base). Returns an empty path when that folder has no index.noun.
std::filesystem::path defaultWordNetFolder();

} // namespace zm
