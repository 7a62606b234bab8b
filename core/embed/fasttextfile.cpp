// fastText model file format: validation and writing (see fasttextfile.h).
#include "core/embed/fasttextfile.h"

#include "core/common/error.h"
#include "core/common/files.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <system_error>
#include <vector>

namespace zm {

namespace {

// Reads the file sequentially and knows how much is left, so that every count can be checked
// before anything is allocated from it.
class Reader {
public:
    Reader(const std::filesystem::path& file, std::uintmax_t size) : mFile(file), mSize(size)
    {
        mBuf.resize(static_cast<std::size_t>(std::min<std::uintmax_t>(size + 1, 1 << 20)));
        mIn.rdbuf()->pubsetbuf(mBuf.data(), static_cast<std::streamsize>(mBuf.size()));
        mIn.open(file, std::ios::binary);
        if (!mIn)
            throw fileError(file.string(), "cannot open for reading");
    }
    std::uintmax_t left() const { return mSize - mPos; }
    std::uintmax_t pos() const { return mPos; }

    template <typename T> T get(const char* what)
    {
        T v{};
        need(sizeof(T), what);
        mIn.read(reinterpret_cast<char*>(&v), sizeof(T));
        check(what);
        mPos += sizeof(T);
        return v;
    }
    void skip(std::uintmax_t bytes, const char* what)
    {
        need(bytes, what);
        mIn.seekg(static_cast<std::streamoff>(bytes), std::ios::cur);
        check(what);
        mPos += bytes;
    }
    void need(std::uintmax_t bytes, const char* what) const
    {
        if (bytes > left())
            throw fileError(mFile.string(), std::string("truncated fastText file: ") + what + " needs " +
                                                std::to_string(bytes) + " bytes at offset " + std::to_string(mPos) +
                                                " but only " + std::to_string(left()) + " remain");
    }
    std::string word(std::size_t maxLen)
    {
        std::string w;
        for (;;) {
            need(1, "a vocabulary word");
            const int c = mIn.get();
            if (c == std::char_traits<char>::eof())
                throw fileError(mFile.string(), "read error in the vocabulary");
            ++mPos;
            if (c == 0)
                return w;
            if (w.size() >= maxLen)
                throw fileError(mFile.string(), "corrupt fastText file: vocabulary word at offset " +
                                                    std::to_string(mPos) + " is longer than " +
                                                    std::to_string(maxLen) + " bytes");
            w.push_back(static_cast<char>(c));
        }
    }

private:
    void check(const char* what)
    {
        if (!mIn)
            throw fileError(mFile.string(), std::string("read error in ") + what);
    }
    std::filesystem::path mFile;
    std::uintmax_t mSize;
    std::uintmax_t mPos = 0;
    std::vector<char> mBuf;
    std::ifstream mIn;
};

[[noreturn]] void corrupt(const std::filesystem::path& file, const std::string& problem)
{
    throw fileError(file.string(), "corrupt fastText file: " + problem);
}

// Dense matrix: int64 m, int64 n, m*n floats. Quantised: bool qnorm, int64 m, n, int32 codesize,
// codes, product quantiser (int32 dim, nsubq, dsub, lastdsub, dim*256 floats), then for qnorm the
// m norm codes and a second quantiser of dimension 1.
void skipMatrix(Reader& r, const std::filesystem::path& file, bool quant, std::int64_t& rows, std::int64_t& cols,
                const char* which)
{
    const std::string w = which;
    if (!quant) {
        rows = r.get<std::int64_t>("matrix rows");
        cols = r.get<std::int64_t>("matrix columns");
        if (rows < 0 || cols < 0 || cols > 100000)
            corrupt(file, w + " matrix has impossible shape " + std::to_string(rows) + " x " + std::to_string(cols));
        const std::uintmax_t cells = static_cast<std::uintmax_t>(rows) * static_cast<std::uintmax_t>(cols);
        if (cols > 0 && static_cast<std::uintmax_t>(rows) > r.left() / 4 / static_cast<std::uintmax_t>(cols))
            r.need(r.left() + 1, (w + " matrix data").c_str());
        r.skip(cells * 4, (w + " matrix data").c_str());
        return;
    }
    const auto qnorm = r.get<std::uint8_t>("quantised matrix flag");
    rows = r.get<std::int64_t>("matrix rows");
    cols = r.get<std::int64_t>("matrix columns");
    const auto codesize = r.get<std::int32_t>("code size");
    if (qnorm > 1 || rows < 0 || cols <= 0 || cols > 100000 || codesize < 0)
        corrupt(file, "quantised " + w + " matrix has an impossible header");
    r.skip(static_cast<std::uintmax_t>(codesize), (w + " codes").c_str());
    auto pq = [&](std::int64_t expectDim) {
        const auto dim = r.get<std::int32_t>("quantiser dimension");
        const auto nsubq = r.get<std::int32_t>("quantiser sub-quantisers");
        const auto dsub = r.get<std::int32_t>("quantiser sub-dimension");
        const auto lastdsub = r.get<std::int32_t>("quantiser last sub-dimension");
        if (dim != expectDim || nsubq <= 0 || dsub <= 0 || lastdsub <= 0 || lastdsub > dsub ||
            static_cast<std::int64_t>(nsubq - 1) * dsub + lastdsub != dim)
            corrupt(file, "product quantiser of the " + w + " matrix is inconsistent");
        r.skip(static_cast<std::uintmax_t>(dim) * 256 * 4, "quantiser centroids");
        return nsubq;
    };
    const int nsubq = pq(cols);
    if (static_cast<std::int64_t>(codesize) != rows * nsubq)
        corrupt(file, "quantised " + w + " matrix: code size does not match its rows");
    if (qnorm) {
        r.skip(static_cast<std::uintmax_t>(rows), "norm codes");
        pq(1);
    }
}

} // namespace

FastTextFileInfo inspectFastTextFile(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        throw fileError(file.string(), "no such file");
    if (std::filesystem::is_directory(file, ec))
        throw fileError(file.string(), "is a folder, not a fastText model file");
    FastTextFileInfo info;
    info.fileSize = std::filesystem::file_size(file, ec);
    if (ec)
        throw fileError(file.string(), "cannot read its size: " + ec.message());
    if (info.fileSize == 0)
        throw fileError(file.string(), "empty file (0 bytes), not a fastText model");
    Reader r(file, info.fileSize);
    if (info.fileSize < 8)
        throw fileError(file.string(), "too short for a fastText model (" + std::to_string(info.fileSize) + " bytes)");
    const auto magic = r.get<std::int32_t>("magic number");
    if (magic != kFastTextMagic)
        throw fileError(file.string(), "not a fastText .bin/.ftz file (wrong magic number); text vectors "
                                       "(.vec, GloVe .txt) must first be converted with `zeromask-cli vectors build "
                                       "--source FILE`");
    info.version = r.get<std::int32_t>("version");
    if (info.version != 11 && info.version != 12)
        throw fileError(file.string(), "unsupported fastText file version " + std::to_string(info.version) +
                                           " (11 and 12 are supported)");
    info.dim = r.get<std::int32_t>("dim");
    info.ws = r.get<std::int32_t>("ws");
    info.epoch = r.get<std::int32_t>("epoch");
    info.minCount = r.get<std::int32_t>("minCount");
    info.neg = r.get<std::int32_t>("neg");
    info.wordNgrams = r.get<std::int32_t>("wordNgrams");
    info.loss = r.get<std::int32_t>("loss");
    info.model = r.get<std::int32_t>("model");
    info.bucket = r.get<std::int32_t>("bucket");
    info.minn = r.get<std::int32_t>("minn");
    info.maxn = r.get<std::int32_t>("maxn");
    info.lrUpdateRate = r.get<std::int32_t>("lrUpdateRate");
    info.t = r.get<double>("t");
    if (info.dim <= 0 || info.dim > 100000)
        corrupt(file, "dimension " + std::to_string(info.dim) + " is impossible");
    if (info.loss < 1 || info.loss > 4 || info.model < 1 || info.model > 3)
        corrupt(file, "unknown loss/model kind");
    if (info.bucket < 0 || info.minn < 0 || info.maxn < 0 || info.maxn > 1000 || info.wordNgrams < 0)
        corrupt(file, "impossible n-gram settings (bucket " + std::to_string(info.bucket) + ", minn " +
                          std::to_string(info.minn) + ", maxn " + std::to_string(info.maxn) + ")");
    // Version 11 supervised models ignore character n-grams (the library resets maxn).
    if (info.version == 11 && info.model == 3)
        info.maxn = 0;

    info.size = r.get<std::int32_t>("vocabulary size");
    info.nwords = r.get<std::int32_t>("word count");
    info.nlabels = r.get<std::int32_t>("label count");
    info.ntokens = r.get<std::int64_t>("token count");
    info.pruneidxSize = r.get<std::int64_t>("pruned index size");
    if (info.size < 0 || info.nwords < 0 || info.nlabels < 0 ||
        static_cast<std::int64_t>(info.nwords) + info.nlabels != info.size || info.pruneidxSize < -1)
        corrupt(file, "inconsistent vocabulary header (size " + std::to_string(info.size) + ", words " +
                          std::to_string(info.nwords) + ", labels " + std::to_string(info.nlabels) + ")");
    // Each entry is at least NUL + int64 count + int8 type.
    r.need(static_cast<std::uintmax_t>(info.size) * 10, "the vocabulary");
    for (int i = 0; i < info.size; ++i) {
        r.word(1 << 20);
        r.get<std::int64_t>("word count");
        const auto type = r.get<std::int8_t>("entry type");
        if (type != 0 && type != 1)
            corrupt(file, "vocabulary entry " + std::to_string(i) + " has unknown type " + std::to_string(type));
    }
    std::vector<std::int32_t> pruneTargets;
    if (info.pruneidxSize > 0) {
        r.need(static_cast<std::uintmax_t>(info.pruneidxSize) * 8, "the pruned index");
        pruneTargets.reserve(static_cast<std::size_t>(info.pruneidxSize));
        for (std::int64_t i = 0; i < info.pruneidxSize; ++i) {
            r.get<std::int32_t>("pruned index key");
            pruneTargets.push_back(r.get<std::int32_t>("pruned index value"));
        }
    }
    info.quantInput = r.get<std::uint8_t>("input quantisation flag") != 0;
    skipMatrix(r, file, info.quantInput, info.inputRows, info.inputCols, "input");
    if (info.inputCols != info.dim)
        corrupt(file, "input matrix has " + std::to_string(info.inputCols) + " columns but the model dimension is " +
                          std::to_string(info.dim));
    // Every index the library can compute must be a row of the input matrix.
    const bool usesHash = info.maxn > 0 || info.wordNgrams > 1;
    std::int64_t needRows = info.size;
    if (info.pruneidxSize >= 0) {
        for (auto v : pruneTargets)
            if (v < 0 || static_cast<std::int64_t>(info.nwords) + v >= info.inputRows)
                corrupt(file, "pruned index points outside the input matrix");
    } else if (usesHash) {
        if (info.bucket <= 0)
            corrupt(file, "character n-grams are on but there are no buckets");
        needRows = std::max<std::int64_t>(needRows, static_cast<std::int64_t>(info.nwords) + info.bucket);
    }
    if (info.inputRows < needRows)
        corrupt(file, "input matrix has " + std::to_string(info.inputRows) + " rows, " + std::to_string(needRows) +
                          " are needed (words + buckets)");
    if (!info.quantInput && info.pruneidxSize >= 0)
        corrupt(file, "pruned vocabulary without a quantised matrix");
    info.quantOutput = r.get<std::uint8_t>("output quantisation flag") != 0;
    skipMatrix(r, file, info.quantInput && info.quantOutput, info.outputRows, info.outputCols, "output");
    return info;
}

std::uint32_t fastTextHash(const std::string& s)
{
    std::uint32_t h = 2166136261u;
    for (char c : s) {
        h ^= static_cast<std::uint32_t>(static_cast<std::int8_t>(c));
        h *= 16777619u;
    }
    return h;
}

void fastTextSubwordBuckets(const std::string& rawWord, int minn, int maxn, int bucket, std::vector<std::int32_t>& out)
{
    out.clear();
    if (bucket <= 0 || maxn <= 0)
        return;
    const std::string word = "<" + rawWord + ">";
    const std::size_t len = word.size();
    std::string ngram;
    for (std::size_t i = 0; i < len; ++i) {
        if ((word[i] & 0xC0) == 0x80)
            continue; // start n-grams on UTF-8 character boundaries only
        ngram.clear();
        std::size_t j = i;
        for (int n = 1; j < len && n <= maxn; ++n) {
            ngram.push_back(word[j++]);
            while (j < len && (word[j] & 0xC0) == 0x80)
                ngram.push_back(word[j++]);
            if (n >= minn && !(n == 1 && (i == 0 || j == len)))
                out.push_back(static_cast<std::int32_t>(fastTextHash(ngram) % static_cast<std::uint32_t>(bucket)));
        }
    }
}

void writeFastTextBin(const std::filesystem::path& file, const FastTextModelData& m)
{
    const std::size_t nwords = m.words.size();
    if (m.dim <= 0 || m.counts.size() != nwords ||
        m.rows.size() != (nwords + static_cast<std::size_t>(m.bucket)) * static_cast<std::size_t>(m.dim))
        throw Error("writeFastTextBin: inconsistent model data for " + file.string());
    if (nwords > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 2))
        throw Error(file.string() + ": vocabulary too large for the fastText format");
    writeFileAtomicWith(file, [&](const std::filesystem::path& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw fileError(tmp.string(), "cannot open for writing");
        auto put = [&](auto v) { out.write(reinterpret_cast<const char*>(&v), sizeof(v)); };
        put(kFastTextMagic);
        put(kFastTextVersion);
        // Args: a skip-gram with softmax loss, so that loading builds no negative-sampling table.
        put(std::int32_t(m.dim));
        put(std::int32_t(5));            // ws
        put(std::int32_t(m.epoch));      // epoch
        put(std::int32_t(1));            // minCount
        put(std::int32_t(5));            // neg
        put(std::int32_t(1));            // wordNgrams
        put(std::int32_t(3));            // loss: softmax
        put(std::int32_t(2));            // model: sg
        put(std::int32_t(m.bucket));
        put(std::int32_t(m.minn));
        put(std::int32_t(m.maxn));
        put(std::int32_t(100));          // lrUpdateRate
        put(double(1e-4));               // t
        // Dictionary.
        std::int64_t ntokens = 0;
        for (auto c : m.counts)
            ntokens += c;
        put(std::int32_t(nwords));
        put(std::int32_t(nwords));
        put(std::int32_t(0));
        put(ntokens);
        put(std::int64_t(-1));           // not pruned
        for (std::size_t i = 0; i < nwords; ++i) {
            if (m.words[i].find('\0') != std::string::npos || m.words[i].empty())
                throw Error(file.string() + ": vocabulary word " + std::to_string(i) + " is empty or holds a NUL byte");
            out.write(m.words[i].c_str(), static_cast<std::streamsize>(m.words[i].size() + 1));
            put(m.counts[i]);
            put(std::int8_t(0));         // word
        }
        put(std::uint8_t(0));            // input not quantised
        put(std::int64_t(nwords + static_cast<std::size_t>(m.bucket)));
        put(std::int64_t(m.dim));
        out.write(reinterpret_cast<const char*>(m.rows.data()), static_cast<std::streamsize>(m.rows.size() * 4));
        put(std::uint8_t(0));            // output not quantised
        put(std::int64_t(0));            // empty output matrix: only word vectors are served
        put(std::int64_t(m.dim));
        out.flush();
        if (!out)
            throw fileError(tmp.string(), "write failed (disk full?)");
    });
}

} // namespace zm
