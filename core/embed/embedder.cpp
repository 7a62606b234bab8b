// ClassEmbedder over the fastText library: name parsing, compound splitting, n-gram fallback,
// caching and brute-force neighbour search.
#include "core/embed/embedder.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/embed/attributetable.h"
#include "core/embed/fasttextfile.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <unordered_map>

namespace zm {

namespace fs = std::filesystem;

namespace {

bool isAsciiAlnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool isLower(unsigned char c) { return c >= 'a' && c <= 'z'; }

// "TVMonitor" -> TV, Monitor; "pottedPlant" -> potted, Plant. Empty when there is no case change.
std::vector<std::string> camelPieces(const std::string& t)
{
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(t[i]);
        const bool boundary = !cur.empty() && isUpper(c) &&
                              (isLower(static_cast<unsigned char>(cur.back())) ||
                               (i + 1 < t.size() && isLower(static_cast<unsigned char>(t[i + 1])) &&
                                isUpper(static_cast<unsigned char>(cur.back()))));
        if (boundary) {
            out.push_back(cur);
            cur.clear();
        }
        cur.push_back(t[i]);
    }
    if (!cur.empty())
        out.push_back(cur);
    if (out.size() < 2)
        out.clear();
    return out;
}

float norm(const std::vector<float>& v)
{
    double s = 0;
    for (float x : v)
        s += double(x) * x;
    return static_cast<float>(std::sqrt(s));
}

bool allFinite(const std::vector<float>& v)
{
    for (float x : v)
        if (!std::isfinite(x))
            return false;
    return true;
}

std::uint64_t hash64(const char* p, std::size_t n)
{
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(p[i]);
        h *= 1099511628211ull;
    }
    return h;
}

// All strings made from s by deleting up to `depth` bytes (s itself included).
void deletes(const std::string& s, int depth, std::vector<std::string>& out)
{
    out.clear();
    out.push_back(s);
    std::size_t from = 0;
    for (int d = 0; d < depth; ++d) {
        const std::size_t to = out.size();
        for (std::size_t k = from; k < to; ++k) {
            const std::string cur = out[k];
            for (std::size_t i = 0; i < cur.size(); ++i) {
                if (i > 0 && cur[i] == cur[i - 1])
                    continue; // same result as deleting the previous byte
                out.push_back(cur.substr(0, i) + cur.substr(i + 1));
            }
        }
        from = to;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

// Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), capped at max+1.
int editDistance(const std::string& a, const std::string& b, int max)
{
    const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
    if (std::abs(n - m) > max)
        return max + 1;
    std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (int j = 0; j <= m; ++j)
        prev[j] = j;
    for (int i = 1; i <= n; ++i) {
        cur[0] = i;
        int rowMin = cur[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            rowMin = std::min(rowMin, cur[j]);
        }
        if (rowMin > max)
            return max + 1;
        prev2.swap(prev);
        prev.swap(cur);
    }
    return std::min(prev[m], max + 1);
}

// Edits tolerated for a word of this many bytes: none below 4, one up to 5, two from 6.
int allowedEdits(std::size_t len) { return len < 4 ? 0 : len < 6 ? 1 : 2; }

class FastTextEmbedder final : public ClassEmbedder {
public:
    FastTextEmbedder(const fs::path& file, const EmbedderOptions& options) : mFile(file), mOptions(options)
    {
        const FastTextFileInfo info = inspectFastTextFile(file);
        try {
            mFt.loadModel(file.string());
        } catch (const std::bad_alloc&) {
            throw fileError(file.string(), "not enough memory to load this fastText model (" +
                                               std::to_string(info.fileSize >> 20) + " MiB file)");
        } catch (const std::exception& e) {
            throw fileError(file.string(), std::string("fastText could not load it: ") + e.what());
        }
        mDict = mFt.getDictionary();
        mDim = mFt.getDimension();
        mNWords = mDict->nwords();
        mSpace = vectorSpaceOfFile(file, mDim);
    }

    int dim() const override { return mDim; }
    const VectorSpaceId& spaceId() const override { return mSpace; }
    const fs::path& file() const override { return mFile; }
    int vocabularySize() const override { return mNWords; }

    bool inVocabulary(const std::string& word) const override
    {
        return wordId(toLowerAscii(trim(word))) >= 0;
    }

    std::vector<float> embed(const std::string& className) const override
    {
        {
            std::lock_guard<std::mutex> lock(mCacheMutex);
            auto it = mCache.find(className);
            if (it != mCache.end())
                return it->second;
        }
        std::vector<float> v = compute(className, nullptr);
        std::lock_guard<std::mutex> lock(mCacheMutex);
        if (mCache.size() >= mOptions.cacheSize)
            mCache.clear(); // simple bound: names typed in one session rarely exceed it
        if (mOptions.cacheSize > 0)
            mCache.emplace(className, v);
        return v;
    }

    std::string explain(const std::string& className) const override
    {
        std::string how;
        compute(className, &how);
        return how;
    }

    std::vector<Neighbor> neighbors(const std::vector<float>& query, int k) const override
    {
        if (static_cast<int>(query.size()) != mDim)
            throw Error("neighbors: query has " + std::to_string(query.size()) + " values, the vectors have " +
                        std::to_string(mDim));
        if (k <= 0)
            return {};
        std::call_once(mUnitOnce, [this] { buildUnitRows(); });
        std::vector<float> q = query;
        const float n = norm(q);
        if (!(n > 0) || !std::isfinite(n))
            throw Error("neighbors: the query vector is zero or not finite");
        for (auto& x : q)
            x /= n;
        std::vector<std::pair<float, int>> scored(static_cast<std::size_t>(mUnitRows));
        for (int i = 0; i < mUnitRows; ++i) {
            const float* r = mUnit.data() + static_cast<std::size_t>(i) * mDim;
            float s = 0;
            for (int d = 0; d < mDim; ++d)
                s += r[d] * q[d];
            scored[i] = {s, i};
        }
        const int kk = std::min(k, mUnitRows);
        std::partial_sort(scored.begin(), scored.begin() + kk, scored.end(), [](const auto& a, const auto& b) {
            return a.first > b.first || (a.first == b.first && a.second < b.second);
        });
        std::vector<Neighbor> out;
        for (int i = 0; i < kk; ++i)
            out.push_back({mDict->getWord(scored[i].second), scored[i].first});
        return out;
    }

private:
    int32_t wordId(const std::string& w) const
    {
        if (w.empty())
            return -1;
        const int32_t id = mDict->getId(w);
        return (id >= 0 && id < mNWords) ? id : -1;
    }

    std::vector<float> wordVector(const std::string& w) const
    {
        fasttext::Vector v(mDim);
        mFt.getWordVector(v, w);
        return std::vector<float>(v.data(), v.data() + mDim);
    }

    void buildUnitRows() const
    {
        mUnitRows = std::min(mNWords, std::max(0, mOptions.maxNeighborWords));
        mUnit.assign(static_cast<std::size_t>(mUnitRows) * mDim, 0.0f);
        fasttext::Vector v(mDim);
        for (int i = 0; i < mUnitRows; ++i) {
            mFt.getWordVector(v, mDict->getWord(i));
            const float n = v.norm();
            if (!(n > 0) || !std::isfinite(n))
                continue;
            float* r = mUnit.data() + static_cast<std::size_t>(i) * mDim;
            for (int d = 0; d < mDim; ++d)
                r[d] = v[d] / n;
        }
    }

    // Fewest vocabulary words (2 or 3; each frequent and at least 3 bytes, or one very frequent 2-byte
    // word) that spell the word exactly: "pottedplant" -> potted + plant. Empty when there is none.
    std::vector<std::string> splitCompound(const std::string& w) const
    {
        const int n = static_cast<int>(w.size());
        if (n < 5 || n > 64)
            return {};
        constexpr int kMaxRank = 60000, kMaxRankShort = 3000;
        std::vector<int> best(n + 1, 1 << 20), from(n + 1, -1);
        std::vector<char> shortUsed(n + 1, 0);
        best[0] = 0;
        for (int end = 2; end <= n; ++end) {
            for (int start = std::max(0, end - 24); start <= end - 2; ++start) {
                if (best[start] >= (1 << 20) || best[start] + 1 >= best[end])
                    continue;
                const int len = end - start;
                const int32_t id = wordId(w.substr(start, len));
                if (id < 0 || id >= (len >= 3 ? kMaxRank : kMaxRankShort))
                    continue;
                if (len < 3 && shortUsed[start])
                    continue; // at most one two-letter piece ("tv" + "monitor", not "by" + "cic" + "le")
                best[end] = best[start] + 1;
                from[end] = start;
                shortUsed[end] = shortUsed[start] || len < 3;
            }
        }
        if (best[n] < 2 || best[n] > 3 || (best[n] == 3 && shortUsed[n]))
            return {}; // one piece is no compound; more, or three with a two-letter one, is usually a typo cut up
        std::vector<std::string> pieces;
        for (int end = n; end > 0; end = from[end])
            pieces.push_back(w.substr(from[end], end - from[end]));
        std::reverse(pieces.begin(), pieces.end());
        return pieces;
    }

    // Tokens of one synonym: separators become spaces; hyphenated / apostrophe / camelCase tokens are
    // kept whole when the vocabulary has them ("t-shirt"), else split.
    void tokens(const std::string& raw, std::vector<std::string>& out, int depth = 0) const
    {
        std::string cleaned;
        for (unsigned char c : raw)
            cleaned.push_back((c < 0x80 && !isAsciiAlnum(c) && c != '-' && c != '\'') ? ' ' : static_cast<char>(c));
        for (const std::string& t : split(cleaned, ' ')) {
            const std::string lower = toLowerAscii(t);
            if (wordId(lower) >= 0 || depth > 2) {
                out.push_back(lower);
                continue;
            }
            if (auto camel = camelPieces(t); !camel.empty()) {
                for (const auto& p : camel)
                    tokens(p, out, depth + 1);
                continue;
            }
            if (lower.find_first_of("-'") != std::string::npos) {
                std::string spaced = lower;
                std::replace(spaced.begin(), spaced.end(), '-', ' ');
                std::replace(spaced.begin(), spaced.end(), '\'', ' ');
                const auto parts = split(spaced, ' ');
                if (!parts.empty()) {
                    for (const auto& p : parts)
                        tokens(p, out, depth + 1);
                    continue;
                }
                continue; // only dashes/apostrophes: nothing to embed
            }
            out.push_back(lower);
        }
    }

    // One word's vector (unit length unless raw means are asked for); empty when it has none.
    std::vector<float> wordOrPieces(const std::string& w, std::string* how) const
    {
        if (wordId(w) >= 0) {
            if (how)
                *how += "[" + w + "]";
            return wordVector(w);
        }
        // One edit from a vocabulary word is the likeliest reading ("bottel"); then a compound of
        // vocabulary words ("pottedplant"); then two edits; then the n-grams alone.
        std::string chosen;
        if (mOptions.correctSpelling) {
            std::vector<float> v = spellingVector(w, 1, chosen);
            if (!v.empty()) {
                if (how)
                    *how += w + "=spelling:" + chosen;
                return v;
            }
        }
        if (mOptions.splitCompounds) {
            const auto pieces = splitCompound(w);
            if (!pieces.empty()) {
                if (how)
                    *how += w + "=split:" + join(pieces, "+");
                return combine(pieces);
            }
        }
        if (mOptions.correctSpelling) {
            std::vector<float> v = spellingVector(w, 2, chosen);
            if (!v.empty()) {
                if (how)
                    *how += w + "=spelling:" + chosen;
                return v;
            }
        }
        if (how)
            *how += w + "=n-grams";
        return wordVector(w);
    }

    // Every vocabulary word (and each of its one-byte deletions) under a 32-bit hash: a query's
    // deletions of up to two bytes meet them for one insertion/deletion/substitution/swap and for
    // most two-edit typos. Candidates are verified by edit distance, so hash collisions do no harm.
    void buildSpellingIndex() const
    {
        const int n = std::min(mNWords, std::max(0, mOptions.spellingVocabulary));
        std::vector<std::string> dels;
        for (int id = 0; id < n; ++id) {
            const std::string w = mDict->getWord(id);
            if (allowedEdits(w.size()) == 0 || w.size() > 30)
                continue;
            deletes(w, 1, dels);
            for (const auto& d : dels)
                mSpellIndex.emplace_back(static_cast<std::uint32_t>(hash64(d.data(), d.size())), id);
        }
        std::sort(mSpellIndex.begin(), mSpellIndex.end());
    }

    // Vocabulary words within the allowed edits of w, blended by how well they fit: fewer edits and a
    // higher cosine to w's own n-gram vector win. Empty when there is no such word.
    std::vector<float> spellingVector(const std::string& w, int maxEdits, std::string& chosen) const
    {
        const int edits = std::min(maxEdits, allowedEdits(w.size()));
        if (edits == 0 || w.size() > 30)
            return {};
        std::call_once(mSpellOnce, [this] { buildSpellingIndex(); });
        std::vector<std::string> dels;
        deletes(w, edits, dels);
        std::vector<std::int32_t> cands;
        for (const auto& d : dels) {
            const auto h = static_cast<std::uint32_t>(hash64(d.data(), d.size()));
            auto it = std::lower_bound(mSpellIndex.begin(), mSpellIndex.end(), std::make_pair(h, std::int32_t(-1)));
            for (; it != mSpellIndex.end() && it->first == h; ++it)
                cands.push_back(it->second);
        }
        std::sort(cands.begin(), cands.end());
        cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
        if (cands.empty())
            return {};
        const std::vector<float> ngram = wordVector(w);
        const float ngNorm = norm(ngram);
        struct Scored {
            float score;
            std::int32_t id;
            std::vector<float> unit;
        };
        std::vector<Scored> scored;
        for (auto id : cands) {
            const std::string c = mDict->getWord(id);
            const int d = editDistance(w, c, std::min(edits, allowedEdits(c.size())));
            if (d > std::min(edits, allowedEdits(c.size())))
                continue;
            std::vector<float> v = wordVector(c);
            const float n = norm(v);
            if (!(n > 0) || !std::isfinite(n))
                continue;
            double cs = 0;
            for (int k = 0; k < mDim; ++k) {
                v[k] /= n;
                cs += double(v[k]) * ngram[k];
            }
            cs = ngNorm > 0 ? cs / ngNorm : 0;
            // Fewer edits, a closer n-gram vector and a more frequent word are each more likely meant.
            // Weights measured on the quality list (docs/EMBEDDING.md): the n-gram cosine of a typo is
            // noisy, so it counts half.
            const double prior = 0.15 * std::log10(10.0 + id);
            scored.push_back({static_cast<float>(0.5 * cs - 0.2 * d - prior), id, std::move(v)});
        }
        if (scored.empty())
            return {};
        std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
            return a.score > b.score || (a.score == b.score && a.id < b.id);
        });
        if (scored.size() > 3)
            scored.resize(3);
        std::vector<float> sum(mDim, 0.0f);
        for (std::size_t i = 0; i < scored.size(); ++i) {
            const float weight = std::exp((scored[i].score - scored[0].score) / 0.15f);
            for (int k = 0; k < mDim; ++k)
                sum[k] += weight * scored[i].unit[k];
            chosen += (i ? "+" : "") + mDict->getWord(scored[i].id);
        }
        return sum;
    }

    std::vector<float> combine(const std::vector<std::string>& words) const
    {
        std::vector<float> sum(mDim, 0.0f);
        int used = 0;
        for (const auto& w : words) {
            std::vector<float> v = wordVector(w);
            const float n = norm(v);
            if (!(n > 0) || !std::isfinite(n))
                continue;
            const float scale = mOptions.meanOfUnitVectors ? 1.0f / n : 1.0f;
            for (int d = 0; d < mDim; ++d)
                sum[d] += v[d] * scale;
            ++used;
        }
        return used ? sum : std::vector<float>();
    }

    std::vector<float> compute(const std::string& className, std::string* how) const
    {
        if (trim(className).empty())
            throw Error("class name is empty or only whitespace");
        std::vector<float> total(mDim, 0.0f);
        int synonyms = 0;
        for (const std::string& syn : splitSynonyms(className)) {
            std::vector<std::string> words;
            tokens(syn, words);
            if (words.empty())
                continue;
            std::vector<float> sum(mDim, 0.0f);
            int used = 0;
            if (how && !how->empty())
                *how += "; ";
            for (std::size_t wi = 0; wi < words.size(); ++wi) {
                const std::string& w = words[wi];
                if (how && wi > 0)
                    *how += " ";
                std::vector<float> v = wordOrPieces(w, how);
                const float n = norm(v);
                if (v.empty() || !(n > 0) || !std::isfinite(n)) {
                    if (how)
                        *how += "(no vector)";
                    continue;
                }
                const float scale = mOptions.meanOfUnitVectors ? 1.0f / n : 1.0f;
                for (int d = 0; d < mDim; ++d)
                    sum[d] += v[d] * scale;
                ++used;
            }
            float n = norm(sum);
            if (!used || !(n > 0) || !std::isfinite(n))
                continue;
            // An open compound whose closed form is a vocabulary word ("back pack", "suit case",
            // "cell phone") also takes the closed word's vector: the phrase and the word, equally.
            if (mOptions.joinOpenCompounds && words.size() >= 2) {
                for (auto& x : sum)
                    x /= n;
                for (std::size_t wi = 0; wi + 1 < words.size(); ++wi) {
                    const std::string joined = words[wi] + words[wi + 1];
                    if (wordId(joined) < 0)
                        continue;
                    std::vector<float> v = wordVector(joined);
                    const float jn = norm(v);
                    if (!(jn > 0) || !std::isfinite(jn))
                        continue;
                    for (int d = 0; d < mDim; ++d)
                        sum[d] += v[d] / jn;
                    if (how)
                        *how += " +[" + joined + "]";
                }
                n = norm(sum);
            }
            for (int d = 0; d < mDim; ++d)
                total[d] += sum[d] / n;
            ++synonyms;
        }
        const float n = norm(total);
        if (!synonyms || !(n > 0) || !std::isfinite(n)) {
            const std::string shown = className.size() > 60 ? className.substr(0, 60) + "..." : className;
            throw Error("class name '" + shown + "' gives no usable vector in " + mFile.filename().string() +
                        " (no vocabulary word and no known character n-gram)");
        }
        for (auto& x : total)
            x /= n;
        if (!allFinite(total))
            throw Error("class name gives a non-finite vector");
        return total;
    }

    fs::path mFile;
    EmbedderOptions mOptions;
    fasttext::FastText mFt;
    std::shared_ptr<const fasttext::Dictionary> mDict;
    int mDim = 0;
    int mNWords = 0;
    VectorSpaceId mSpace;

    mutable std::mutex mCacheMutex;
    mutable std::unordered_map<std::string, std::vector<float>> mCache;

    mutable std::once_flag mSpellOnce;
    mutable std::vector<std::pair<std::uint32_t, std::int32_t>> mSpellIndex; // hash of a deletion -> word id

    mutable std::once_flag mUnitOnce;
    mutable std::vector<float> mUnit;
    mutable int mUnitRows = 0;
};

} // namespace

std::vector<std::string> splitSynonyms(const std::string& className)
{
    std::string normalised = className;
    for (char& c : normalised)
        if (c == ',' || c == '|')
            c = ';';
    std::vector<std::string> out;
    for (const std::string& syn : split(normalised, ';'))
        if (!trim(syn).empty())
            out.push_back(trim(syn));
    return out;
}

float ClassEmbedder::similarity(const std::string& a, const std::string& b) const
{
    const auto va = embed(a), vb = embed(b);
    double s = 0;
    for (std::size_t i = 0; i < va.size() && i < vb.size(); ++i)
        s += double(va[i]) * vb[i];
    return static_cast<float>(s);
}

std::shared_ptr<ClassEmbedder> ClassEmbedder::load(const fs::path& file) { return load(file, EmbedderOptions{}); }

std::shared_ptr<ClassEmbedder> ClassEmbedder::load(const fs::path& file, const EmbedderOptions& options)
{
    if (isAttributeTableFile(file))
        return makeAttributeEmbedder(AttributeTable::load(file), file);
    return std::make_shared<FastTextEmbedder>(file, options);
}

std::string sampledFileChecksum(const fs::path& file)
{
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
        throw fileError(file.string(), "cannot read: " + ec.message());
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw fileError(file.string(), "cannot open for reading");
    Sha256 h;
    const std::uint64_t size64 = size;
    h.update(&size64, sizeof(size64));
    std::vector<char> buf(1 << 20);
    auto hashRange = [&](std::uintmax_t offset, std::uintmax_t len) {
        in.clear();
        in.seekg(static_cast<std::streamoff>(offset));
        while (len > 0) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uintmax_t>(len, buf.size()));
            in.read(buf.data(), static_cast<std::streamsize>(n));
            if (in.gcount() != static_cast<std::streamsize>(n))
                throw fileError(file.string(), "read error while computing its checksum");
            h.update(buf.data(), n);
            len -= n;
        }
    };
    constexpr std::uintmax_t kWhole = 16u << 20, kEdge = 1u << 20, kBlock = 64u << 10;
    if (size <= kWhole) {
        hashRange(0, size);
    } else {
        hashRange(0, kEdge);
        for (int i = 0; i < 64; ++i) {
            const std::uintmax_t off = kEdge + (size - 2 * kEdge - kBlock) / 63 * static_cast<std::uintmax_t>(i);
            hashRange(off, kBlock);
        }
        hashRange(size - kEdge, kEdge);
    }
    return h.hexDigest();
}

VectorSpaceId vectorSpaceOfFile(const fs::path& file, int dim)
{
    if (isAttributeTableFile(file))
        return AttributeTable::load(file).space(); // small: parsed whole; its own dimension
    const fs::path manifest = fs::path(file.string() + ".json");
    std::error_code ec;
    if (fs::exists(manifest, ec)) {
        const Json j = loadJsonFile(manifest);
        if (!j.is_object() || !j.contains("space"))
            throw fileError(manifest.string(), "vectors manifest has no 'space'");
        VectorSpaceId id = VectorSpaceId::fromJson(j["space"], manifest.string());
        const auto size = fs::file_size(file, ec);
        if (j.contains("fileSize") && j["fileSize"].is_number_integer() && !ec &&
            j["fileSize"].get<std::uintmax_t>() != size)
            throw fileError(manifest.string(), "this manifest describes a " + std::to_string(j["fileSize"].get<std::uintmax_t>()) +
                                                   "-byte file but " + file.filename().string() + " has " +
                                                   std::to_string(size) +
                                                   " bytes; rebuild the vectors or delete the stale manifest");
        if (id.dim != dim)
            throw fileError(manifest.string(), "manifest says " + std::to_string(id.dim) + "-d but the file is " +
                                                   std::to_string(dim) + "-d");
        return id;
    }
    VectorSpaceId id;
    id.name = file.stem().string();
    id.dim = dim;
    id.checksum = sampledFileChecksum(file);
    return id;
}

fs::path defaultVectorsPath()
{
    std::error_code ec;
    if (const char* v = std::getenv("ZEROMASK_VECTORS"); v && *v)
        return fs::path(v);
    const fs::path cached = cacheDir() / "vectors" / (std::string(kDefaultVectorsName) + ".bin");
    if (fs::exists(cached, ec))
        return cached;
    const fs::path installed = fs::path("/usr/share/zeromask/vectors") / (std::string(kDefaultVectorsName) + ".bin");
    if (fs::exists(installed, ec))
        return installed;
    return {};
}

fs::path resolveVectorsPath(const fs::path& explicitFile)
{
    if (!explicitFile.empty())
        return explicitFile;
    const fs::path p = defaultVectorsPath();
    if (p.empty())
        throw Error("no default word vectors yet: build them once with `zeromask-cli vectors build` (or "
                    "scripts/build-default-vectors.sh), or pass --vectors FILE (a fastText .bin/.ftz, or a class -> attribute table .csv)");
    return p;
}

} // namespace zm
