#include "core/embed/senses.h"

#include "core/common/error.h"
#include "core/common/strings.h"
#include "core/embed/attributetable.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace zm {

namespace {

float dot(const std::vector<float>& a, const std::vector<float>& b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        s += double(a[i]) * b[i];
    return float(s);
}

bool normalize(std::vector<float>& v)
{
    double s = 0;
    for (float x : v)
        s += double(x) * x;
    const double n = std::sqrt(s);
    if (!(n > 0) || !std::isfinite(n))
        return false;
    for (float& x : v)
        x = float(x / n);
    return true;
}

std::string spaced(std::string lemma)
{
    std::replace(lemma.begin(), lemma.end(), '_', ' ');
    return lemma;
}

/// Lower case, letters and digits only: "Flip-Flop" and "flip_flop" compare equal.
std::string key(const std::string& s)
{
    std::string out;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c)))
            out += char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Function words and the words every WordNet definition is made of; they say nothing of a sense.
const std::set<std::string>& stopWords()
{
    static const std::set<std::string> words = {
        "a", "about", "above", "after", "against", "along", "also", "an", "and", "any", "are", "around",
        "as", "at", "be", "been", "being", "between", "both", "but", "by", "can", "especially", "each",
        "either", "etc", "for", "from", "has", "have", "having", "in", "into", "is", "it", "its", "kind",
        "made", "may", "more", "most", "much", "not", "of", "off", "often", "on", "one", "or", "other",
        "over", "part", "something", "someone", "such", "than", "that", "the", "their", "them", "there",
        "these", "they", "this", "those", "through", "to", "two", "type", "under", "up", "usually",
        "use", "used", "very", "was", "which", "who", "whose", "with", "without", "you", "your"};
    return words;
}

std::string joined(const std::vector<std::string>& lemmas)
{
    std::string out;
    for (const auto& l : lemmas)
        out += (out.empty() ? "" : ", ") + spaced(l);
    return out;
}

} // namespace

SenseAwareEmbedder::SenseAwareEmbedder(std::shared_ptr<const ClassEmbedder> inner, std::shared_ptr<const WordNet> wordnet,
                                       std::vector<std::vector<float>> domain, SenseOptions options)
    : mInner(std::move(inner)), mWordNet(std::move(wordnet)), mOptions(options)
{
    if (!mInner || !mWordNet)
        throw Error("word senses need an embedder and a WordNet database");
    for (auto& v : domain) {
        if (int(v.size()) != mInner->dim())
            throw Error("a model class vector has " + std::to_string(v.size()) + " values, the vectors " +
                        std::to_string(mInner->dim()));
        if (normalize(v))
            mDomain.push_back(std::move(v));
    }
}

float SenseAwareEmbedder::domainCosine(const std::vector<float>& v) const
{
    float best = -1;
    for (const auto& d : mDomain)
        best = std::max(best, dot(v, d));
    return best;
}

std::vector<std::string> SenseAwareEmbedder::vocabularyWords(const std::string& phrase) const
{
    std::vector<std::string> out;
    std::string token;
    const auto flush = [&] {
        if (token.empty())
            return;
        if (mInner->inVocabulary(token)) {
            out.push_back(token);
        } else if (token.find('-') != std::string::npos) { // "g-string" -> g, string
            std::string part;
            for (char c : token + "-") {
                if (c != '-') {
                    part += c;
                    continue;
                }
                if (!part.empty() && mInner->inVocabulary(part))
                    out.push_back(part);
                part.clear();
            }
        }
        token.clear();
    };
    for (char c : phrase) {
        if (c == '_' || std::isspace(static_cast<unsigned char>(c)))
            flush();
        else
            token += char(std::tolower(static_cast<unsigned char>(c)));
    }
    flush();
    return out;
}

std::vector<float> SenseAwareEmbedder::senseVector(const Synset& s, const std::string& term) const
{
    const std::string self = key(term);
    std::vector<float> total(std::size_t(mInner->dim()), 0.0f);
    int groups = 0;
    // One group: the mean of the unit vectors of its phrases, then scaled to unit length, so that a
    // long definition weighs as much as one synonym.
    const auto addGroup = [&](const std::vector<std::string>& phrases) {
        std::vector<float> sum(total.size(), 0.0f);
        int used = 0;
        for (const auto& p : phrases) {
            if (key(p) == self)
                continue;
            // Vocabulary words only: a rare lemma must not reach spelling correction or n-grams,
            // which would turn it into some other word.
            std::vector<float> phrase(total.size(), 0.0f);
            int words = 0;
            for (const std::string& w : vocabularyWords(p)) {
                try {
                    const std::vector<float> v = mInner->embed(w);
                    for (std::size_t d = 0; d < phrase.size(); ++d)
                        phrase[d] += v[d];
                    ++words;
                } catch (const Error&) {
                    // A word these vectors cannot read says nothing of the sense.
                }
            }
            if (!words || !normalize(phrase))
                continue;
            for (std::size_t d = 0; d < sum.size(); ++d)
                sum[d] += phrase[d];
            ++used;
        }
        if (used && normalize(sum)) {
            for (std::size_t d = 0; d < total.size(); ++d)
                total[d] += sum[d];
            ++groups;
        }
    };
    std::vector<std::string> synonyms;
    for (const auto& l : s.lemmas)
        synonyms.push_back(spaced(l));
    addGroup(synonyms);
    std::vector<std::string> hypernyms;
    for (std::uint32_t h : s.hypernyms)
        for (const auto& l : mWordNet->synset(h).lemmas)
            hypernyms.push_back(spaced(l));
    addGroup(hypernyms);
    std::vector<std::string> words;
    std::string word;
    const std::string definition = s.definition() + " ";
    for (char c : definition) {
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '-') {
            word += char(std::tolower(static_cast<unsigned char>(c)));
            continue;
        }
        if (word.size() >= 3 && !stopWords().count(word) && mInner->inVocabulary(word))
            words.push_back(word);
        word.clear();
    }
    addGroup(words);
    if (!groups || !normalize(total))
        return {};
    return total;
}

SenseAwareEmbedder::Term SenseAwareEmbedder::resolve(const std::string& term) const
{
    {
        std::lock_guard<std::mutex> lock(mCacheMutex);
        if (const auto it = mCache.find(term); it != mCache.end())
            return it->second;
    }
    Term t;
    t.vector = mInner->embed(term); // throws for a term with no vector, as the inner embedder does
    t.reading.term = term;
    t.reading.wordDomain = domainCosine(t.vector);
    const Term word = t;
    try {
        choose(t);
    } catch (const Error& e) {
        // A broken database costs the sense, never the name: the word keeps its vector.
        t = word;
        t.reading.reason = std::string("kept: WordNet could not be read (") + e.what() + ")";
    }
    std::lock_guard<std::mutex> lock(mCacheMutex);
    if (mCache.size() >= 4096)
        mCache.clear();
    mCache.emplace(term, t);
    return t;
}

void SenseAwareEmbedder::choose(Term& t) const
{
    SenseReading& r = t.reading;
    const std::string& term = r.term;
    if (mDomain.empty()) {
        r.reason = "kept: the model has no class vectors to compare senses with";
        return;
    }
    if (r.wordDomain >= mOptions.knownCosine) {
        r.reason = "kept: a class the model was trained on";
        return;
    }
    const std::vector<Synset> senses = mWordNet->senses(term);
    r.senses = int(senses.size());
    if (senses.empty()) {
        r.reason = "kept: not a WordNet noun";
        return;
    }
    // A word with one sense is not ambiguous: its vector is already what it means.
    if (senses.size() == 1) {
        r.reason = "kept: one sense in WordNet";
        return;
    }
    int chosen = -1;
    std::vector<std::vector<float>> vectors(senses.size());
    for (std::size_t i = 0; i < senses.size(); ++i) {
        SenseCandidate c;
        c.lemmas = joined(senses[i].lemmas);
        c.definition = senses[i].definition();
        c.domain = -2;
        vectors[i] = senseVector(senses[i], term);
        if (!vectors[i].empty()) {
            c.domain = domainCosine(vectors[i]);
            if (chosen < 0 || c.domain > r.candidates[std::size_t(chosen)].domain)
                chosen = int(i);
        }
        r.candidates.push_back(std::move(c));
    }
    if (chosen < 0) {
        r.reason = "kept: no sense has words these vectors know";
        return;
    }
    const SenseCandidate& best = r.candidates[std::size_t(chosen)];
    r.chosenLemmas = best.lemmas;
    r.chosenDefinition = best.definition;
    r.chosenDomain = best.domain;
    if (best.domain - r.wordDomain < mOptions.minGain) {
        r.reason = "kept: the word's vector is already about as near the model's classes (" + fmt(r.wordDomain, 2) +
                   ") as its nearest sense (" + fmt(best.domain, 2) + ": " + best.definition + ")";
        return;
    }
    std::vector<float> v = vectors[std::size_t(chosen)];
    for (std::size_t d = 0; d < v.size(); ++d)
        v[d] += mOptions.wordWeight * t.vector[d];
    if (!normalize(v)) {
        r.reason = "kept: the chosen sense gives no usable vector";
        return;
    }
    t.vector = std::move(v);
    r.changed = true;
    r.reason = "sense: " + best.lemmas + " (" + best.definition + "): " + fmt(best.domain, 2) +
               " to the model's classes, the word's own vector " + fmt(r.wordDomain, 2);
}

std::vector<SenseReading> SenseAwareEmbedder::read(const std::string& className) const
{
    std::vector<SenseReading> out;
    for (const auto& term : splitSynonyms(className)) {
        try {
            out.push_back(resolve(term).reading);
        } catch (const Error& e) {
            SenseReading r;
            r.term = term;
            r.reason = e.what();
            out.push_back(r);
        }
    }
    return out;
}

std::vector<float> SenseAwareEmbedder::embed(const std::string& className) const
{
    const std::vector<std::string> terms = splitSynonyms(className);
    std::vector<float> total(std::size_t(mInner->dim()), 0.0f);
    bool anyChanged = false;
    int used = 0;
    for (const auto& term : terms) {
        Term t;
        try {
            t = resolve(term);
        } catch (const Error&) {
            continue; // as the inner embedder: a synonym with no vector is skipped
        }
        anyChanged = anyChanged || t.reading.changed;
        for (std::size_t d = 0; d < total.size(); ++d)
            total[d] += t.vector[d];
        ++used;
    }
    // Nothing changed: exactly the inner embedder's vector (and its errors for unusable names).
    if (!anyChanged || !used || !normalize(total))
        return mInner->embed(className);
    return total;
}

std::string SenseAwareEmbedder::explain(const std::string& className) const
{
    std::string how = mInner->explain(className);
    for (const auto& r : read(className))
        if (r.changed)
            how += " | " + r.term + " -> " + r.reason;
    return how;
}

SenseMode parseSenseMode(const std::string& text)
{
    if (text == "auto")
        return SenseMode::Auto;
    if (text == "on")
        return SenseMode::On;
    if (text == "off")
        return SenseMode::Off;
    throw Error("word senses '" + text + "': use auto, on or off");
}

const char* senseModeName(SenseMode mode)
{
    switch (mode) {
    case SenseMode::On:
        return "on";
    case SenseMode::Off:
        return "off";
    default:
        return "auto";
    }
}

std::shared_ptr<const ClassEmbedder> nameEmbedderFor(std::shared_ptr<const ClassEmbedder> inner,
                                                     std::vector<std::vector<float>> domain, SenseMode mode,
                                                     const std::filesystem::path& wordnetFolder)
{
    if (mode == SenseMode::Off || !inner)
        return inner;
    const bool attributes = isAttributeTableFile(inner->file());
    const std::filesystem::path folder = wordnetFolder.empty() ? defaultWordNetFolder() : wordnetFolder;
    if (mode == SenseMode::On && attributes)
        throw Error("word senses: " + inner->file().string() + " is an attribute table, not word vectors");
    if (mode == SenseMode::On && folder.empty())
        throw Error("word senses: no WordNet database found in /usr/share/wordnet or $ZEROMASK_WORDNET "
                    "(install the Debian package wordnet-base)");
    if (attributes || folder.empty() || domain.empty())
        return inner;
    // One database per folder for the whole process (the GUI rebuilds this embedder on every model
    // change), read again when its files change (a package upgrade moves every synset offset).
    struct Loaded {
        std::filesystem::file_time_type indexTime, dataTime;
        std::shared_ptr<const WordNet> wordnet;
    };
    static std::mutex mutex;
    static std::map<std::filesystem::path, Loaded> loaded;
    std::error_code ec1, ec2;
    const auto indexTime = std::filesystem::last_write_time(folder / "index.noun", ec1);
    const auto dataTime = std::filesystem::last_write_time(folder / "data.noun", ec2);
    std::shared_ptr<const WordNet> wordnet;
    {
        std::lock_guard<std::mutex> lock(mutex);
        Loaded& slot = loaded[folder];
        if (!slot.wordnet || ec1 || ec2 || slot.indexTime != indexTime || slot.dataTime != dataTime) {
            slot.wordnet = nullptr;
            slot.wordnet = WordNet::load(folder);
            slot.indexTime = indexTime;
            slot.dataTime = dataTime;
        }
        wordnet = slot.wordnet;
    }
    return std::make_shared<SenseAwareEmbedder>(std::move(inner), std::move(wordnet), std::move(domain));
}

} // namespace zm
