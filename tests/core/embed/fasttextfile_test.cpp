// The fastText file format: n-gram hashing against the library, the writer read back by the library
// and by the `fasttext` command, and every kind of bad file (missing, empty, truncated, corrupt).
#include "core/common/error.h"
#include "core/embed/embedder.h"
#include "core/embed/fasttextfile.h"
#include "tests/core/embed/testmodels.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>

using namespace zm;
using zm::test::TempDir;

namespace {

FastTextModelData tinyModel()
{
    FastTextModelData m;
    m.dim = 4;
    m.bucket = 50;
    m.minn = 2;
    m.maxn = 4;
    m.words = {"alpha", "beta", "gamma", "caf\xc3\xa9"};
    m.counts = {40, 30, 20, 10};
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1, 1);
    m.rows.resize((m.words.size() + m.bucket) * m.dim);
    for (auto& x : m.rows)
        x = u(rng);
    return m;
}

std::vector<float> expectedLookup(const FastTextModelData& m, const std::string& w, int wordId)
{
    std::vector<std::int32_t> b;
    fastTextSubwordBuckets(w, m.minn, m.maxn, m.bucket, b);
    std::vector<float> v(m.dim, 0.0f);
    std::vector<std::int64_t> rows;
    if (wordId >= 0)
        rows.push_back(wordId);
    for (auto id : b)
        rows.push_back(static_cast<std::int64_t>(m.words.size()) + id);
    for (auto r : rows)
        for (int d = 0; d < m.dim; ++d)
            v[d] += m.rows[r * m.dim + d];
    for (auto& x : v)
        x /= static_cast<float>(rows.size());
    return v;
}

void expectFileError(const std::filesystem::path& p, const std::string& part = {})
{
    try {
        inspectFastTextFile(p);
        FAIL() << "no error for " << p;
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
        if (!part.empty()) {
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        }
    }
}

} // namespace

TEST(FastTextFile, SubwordBucketsMatchTheLibrary)
{
    TempDir dir;
    const auto bin = dir / "m.bin";
    test::trainModel(dir.path(), bin);
    fasttext::FastText ft;
    ft.loadModel(bin.string());
    const auto dict = ft.getDictionary();
    const auto args = ft.getArgs();
    for (const std::string w : {"giraffee", "xq", "caf\xc3\xa9", "\xe7\x8c\xab\xe7\x8c\xab", "motorbikes"}) {
        const auto lib = dict->getSubwords(w);
        std::vector<std::int32_t> mine;
        fastTextSubwordBuckets(w, args.minn, args.maxn, args.bucket, mine);
        ASSERT_EQ(lib.size(), mine.size()) << w;
        for (std::size_t i = 0; i < mine.size(); ++i)
            EXPECT_EQ(lib[i], dict->nwords() + mine[i]) << w;
    }
}

TEST(FastTextFile, WrittenBinLoadsInTheLibraryWithTheSameVectors)
{
    TempDir dir;
    const auto m = tinyModel();
    const auto bin = dir / "tiny.bin";
    writeFastTextBin(bin, m);
    const auto info = inspectFastTextFile(bin);
    EXPECT_EQ(info.dim, 4);
    EXPECT_EQ(info.nwords, 4);
    EXPECT_EQ(info.inputRows, 54);
    EXPECT_FALSE(info.quantInput);

    fasttext::FastText ft;
    ft.loadModel(bin.string());
    EXPECT_EQ(ft.getDimension(), 4);
    EXPECT_EQ(ft.getDictionary()->nwords(), 4);
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(ft.getDictionary()->getWord(i), m.words[i]);
    fasttext::Vector v(4);
    for (int i = 0; i < 4; ++i) {
        ft.getWordVector(v, m.words[i]);
        const auto e = expectedLookup(m, m.words[i], i);
        for (int d = 0; d < 4; ++d)
            EXPECT_NEAR(v[d], e[d], 1e-6) << m.words[i];
    }
    ft.getWordVector(v, "alphx"); // out of vocabulary: n-grams only
    const auto e = expectedLookup(m, "alphx", -1);
    for (int d = 0; d < 4; ++d)
        EXPECT_NEAR(v[d], e[d], 1e-6);
}

TEST(FastTextFile, FasttextCommandReadsWrittenBin)
{
    if (!std::filesystem::exists("/usr/bin/fasttext"))
        GTEST_SKIP() << "the fasttext command is not installed";
    TempDir dir;
    const auto m = tinyModel();
    const auto bin = dir / "tiny.bin";
    writeFastTextBin(bin, m);
    const std::string cmd = "echo alpha | /usr/bin/fasttext print-word-vectors '" + bin.string() + "'";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char word[64] = {};
    float vals[4] = {};
    const int n = std::fscanf(p, "%63s %f %f %f %f", word, &vals[0], &vals[1], &vals[2], &vals[3]);
    pclose(p);
    ASSERT_EQ(n, 5);
    EXPECT_STREQ(word, "alpha");
    const auto e = expectedLookup(m, "alpha", 0);
    for (int d = 0; d < 4; ++d)
        EXPECT_NEAR(vals[d], e[d], 1e-4);

    const std::string nn = "echo alpha | /usr/bin/fasttext nn '" + bin.string() + "' 3";
    p = popen(nn.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof(buf), p))
        out += buf;
    EXPECT_EQ(pclose(p), 0);
    EXPECT_NE(out.find("beta"), std::string::npos) << out;
}

TEST(FastTextFile, MissingEmptyAndWrongFormatFilesNameTheFile)
{
    TempDir dir;
    expectFileError(dir / "nope.bin", "no such file");
    test::writeBytes(dir / "empty.bin", "");
    expectFileError(dir / "empty.bin", "empty");
    test::writeBytes(dir / "words.vec", "2 3\ncat 0.1 0.2 0.3\ndog 0.3 0.2 0.1\n");
    expectFileError(dir / "words.vec", "vectors build");
    test::writeBytes(dir / "image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    expectFileError(dir / "image.png", "magic");
    expectFileError(dir.path(), "folder");
}

TEST(FastTextFile, EveryTruncationIsReportedNotHung)
{
    TempDir dir;
    const auto bin = dir / "tiny.bin";
    writeFastTextBin(bin, tinyModel());
    const std::string bytes = test::readBytes(bin);
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        const auto cut = dir / "cut.bin";
        test::writeBytes(cut, bytes.substr(0, len));
        EXPECT_THROW(inspectFastTextFile(cut), Error) << "prefix of " << len << " bytes";
    }
    // The loader goes through the same check (the library itself would loop forever on a cut word).
    const auto cut = dir / "cut.bin";
    test::writeBytes(cut, bytes.substr(0, 110));
    EXPECT_THROW(ClassEmbedder::load(cut), Error);
}

TEST(FastTextFile, CorruptHeadersAreRefusedBeforeAllocating)
{
    TempDir dir;
    const auto bin = dir / "tiny.bin";
    writeFastTextBin(bin, tinyModel());
    const std::string good = test::readBytes(bin);
    auto patched = [&](std::size_t offset, std::int64_t value, std::size_t width) {
        std::string b = good;
        std::memcpy(&b[offset], &value, width);
        const auto p = dir / "bad.bin";
        test::writeBytes(p, b);
        return p;
    };
    expectFileError(patched(4, 99, 4), "version");
    expectFileError(patched(8, -3, 4), "dimension");
    expectFileError(patched(8, 5, 4)); // dim no longer matches the matrix
    const std::size_t dictAt = 8 + 12 * 4 + 8;
    expectFileError(patched(dictAt, 1000000000, 4));       // size
    expectFileError(patched(dictAt + 4, 2000000000, 4));   // nwords
    // The input matrix claims far more rows than the file holds.
    const std::size_t matrixAt = good.size() - (4 + 50) * 4 * 4 - 16 - 1 - 16;
    expectFileError(patched(matrixAt, std::int64_t(1) << 40, 8), "truncated");
    expectFileError(patched(matrixAt, 10, 8)); // fewer rows than words + buckets
}

TEST(FastTextFile, QuantisedFtzIsRecognised)
{
    TempDir dir;
    const auto ftz = dir / "m.ftz";
    test::trainModel(dir.path(), ftz, /*supervised=*/true, /*quantize=*/true);
    const auto info = inspectFastTextFile(ftz);
    EXPECT_TRUE(info.quantInput);
    EXPECT_EQ(info.model, 3);
    const std::string bytes = test::readBytes(ftz);
    for (std::size_t len : {bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
        test::writeBytes(dir / "cut.ftz", bytes.substr(0, len));
        EXPECT_THROW(inspectFastTextFile(dir / "cut.ftz"), Error);
    }
}
