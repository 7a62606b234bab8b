// ClassEmbedder on small fastText models trained here: normalisation of names, synonyms, multi-word
// names, n-grams for misspellings, compound splitting, neighbours, thread safety, bad names, .ftz.
#include "core/common/error.h"
#include "core/common/json.h"
#include "core/embed/embedder.h"
#include "core/embed/fasttextfile.h"
#include "tests/core/embed/testmodels.h"
#include "tests/support/testdir.h"
#include "tests/support/helpers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <atomic>
#include <thread>

using namespace zm;
using zm::test::TempDir;

namespace {

// One trained model shared by the tests of this file (training takes about a second).
class Embedder : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        sDir = new TempDir();
        test::trainModel(sDir->path(), sDir->path() / "animals.bin");
    }
    static void TearDownTestSuite()
    {
        delete sDir;
        sDir = nullptr;
    }
    static std::filesystem::path model() { return sDir->path() / "animals.bin"; }
    static TempDir* sDir;
};
TempDir* Embedder::sDir = nullptr;

double norm(const std::vector<float>& v)
{
    double s = 0;
    for (float x : v)
        s += double(x) * x;
    return std::sqrt(s);
}

std::vector<float> unitSum(const std::vector<std::vector<float>>& vs, bool unitFirst = true)
{
    std::vector<float> s(vs[0].size(), 0.0f);
    for (const auto& v : vs) {
        const double n = unitFirst ? norm(v) : 1.0;
        for (std::size_t i = 0; i < v.size(); ++i)
            s[i] += static_cast<float>(v[i] / n);
    }
    const double n = norm(s);
    for (auto& x : s)
        x = static_cast<float>(x / n);
    return s;
}

void expectSame(const std::vector<float>& a, const std::vector<float>& b, double tol = 1e-5)
{
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        EXPECT_NEAR(a[i], b[i], tol) << "component " << i;
}

void expectFiniteOrClearError(const ClassEmbedder& e, const std::string& name)
{
    try {
        const auto v = e.embed(name);
        for (float x : v)
            ASSERT_TRUE(std::isfinite(x));
        EXPECT_NEAR(norm(v), 1.0, 1e-4);
    } catch (const Error& err) {
        EXPECT_GT(std::string(err.what()).size(), 10u);
    }
}

} // namespace

TEST_F(Embedder, LoadsATrainedModelWithASpaceId)
{
    const auto e = ClassEmbedder::load(model());
    EXPECT_EQ(e->dim(), 16);
    EXPECT_GT(e->vocabularySize(), 30);
    EXPECT_EQ(e->spaceId().name, "animals");
    EXPECT_EQ(e->spaceId().dim, 16);
    EXPECT_EQ(e->spaceId().checksum.size(), 64u);
    EXPECT_EQ(e->spaceId().checksum, sampledFileChecksum(model()));
    EXPECT_TRUE(e->inVocabulary("giraffe"));
    EXPECT_TRUE(e->inVocabulary("  Giraffe "));
    EXPECT_FALSE(e->inVocabulary("giraffee"));
}

TEST_F(Embedder, VectorsAreUnitLengthAndMatchTheLibrary)
{
    const auto e = ClassEmbedder::load(model());
    fasttext::FastText ft;
    ft.loadModel(model().string());
    fasttext::Vector lib(16);
    ft.getWordVector(lib, "zebra");
    const auto v = e->embed("zebra");
    EXPECT_NEAR(norm(v), 1.0, 1e-5);
    expectSame(v, unitSum({std::vector<float>(lib.data(), lib.data() + 16)}));
}

TEST_F(Embedder, CaseSpacesAndSeparatorsAreNormalised)
{
    const auto e = ClassEmbedder::load(model());
    const auto ref = e->embed("dining table");
    for (const std::string n : {"Dining Table", "  dining   table ", "dining_table", "dining-table", "Dining/Table",
                                "DiningTable", "diningTable", "DINING.TABLE"})
        expectSame(e->embed(n), ref);
    expectSame(e->embed("CAT"), e->embed("cat"));
}

TEST_F(Embedder, MultiWordNamesAreTheMeanOfUnitWordVectors)
{
    const auto e = ClassEmbedder::load(model());
    const auto cat = e->embed("cat"), dog = e->embed("dog");
    expectSame(e->embed("cat dog"), unitSum({cat, dog}));
    // The raw-mean option weighs each word by its norm instead.
    EmbedderOptions raw;
    raw.meanOfUnitVectors = false;
    const auto r = ClassEmbedder::load(model(), raw);
    fasttext::FastText ft;
    ft.loadModel(model().string());
    fasttext::Vector a(16), b(16);
    ft.getWordVector(a, "cat");
    ft.getWordVector(b, "dog");
    expectSame(r->embed("cat dog"), unitSum({std::vector<float>(a.data(), a.data() + 16),
                                              std::vector<float>(b.data(), b.data() + 16)},
                                             false));
}

TEST_F(Embedder, SynonymsAreAveraged)
{
    const auto e = ClassEmbedder::load(model());
    const auto car = e->embed("car"), automobile = e->embed("automobile"), sedan = e->embed("sedan");
    expectSame(e->embed("car; automobile; sedan"), unitSum({car, automobile, sedan}));
    expectSame(e->embed("car, automobile,sedan"), e->embed("car;automobile;sedan"));
    expectSame(e->embed("car;"), car);
}

TEST_F(Embedder, MisspellingsGoThroughCharacterNgrams)
{
    EmbedderOptions ngramsOnly;
    ngramsOnly.correctSpelling = false;
    const auto e = ClassEmbedder::load(model(), ngramsOnly);
    EXPECT_NE(e->explain("giraffee").find("n-grams"), std::string::npos) << e->explain("giraffee");
    // A made-up misspelling shares most n-grams with its word, and so its vector.
    const double near = e->similarity("giraffee", "giraffe");
    EXPECT_GT(near, 0.5);
    for (const std::string other : {"sofa", "bus", "couch", "truck"})
        EXPECT_GT(near, e->similarity("giraffee", other)) << other;
}

TEST_F(Embedder, TyposNearAVocabularyWordTakeItsVector)
{
    const auto e = ClassEmbedder::load(model());
    for (const std::string typo : {"giraffee", "grafife", "elephnat", "elehpant"}) {
        const std::string how = e->explain(typo);
        EXPECT_NE(how.find("=spelling:"), std::string::npos) << how;
    }
    EXPECT_NE(e->explain("giraffee").find("giraffe"), std::string::npos);
    EXPECT_EQ(e->neighbors(e->embed("giraffee"), 1)[0].word, "giraffe");
    EXPECT_EQ(e->neighbors(e->embed("elephnat"), 1)[0].word, "elephant");
    // Far from every word: n-grams.
    EXPECT_NE(e->explain("qwxzvbnmkj").find("n-grams"), std::string::npos) << e->explain("qwxzvbnmkj");
    // Short words are never corrected (too many near words).
    EXPECT_EQ(e->explain("cst").find("=spelling"), std::string::npos) << e->explain("cst");
}

TEST_F(Embedder, CompoundsAreSplitIntoVocabularyWords)
{
    const auto e = ClassEmbedder::load(model());
    EXPECT_NE(e->explain("catdog").find("split:cat+dog"), std::string::npos) << e->explain("catdog");
    expectSame(e->embed("catdog"), e->embed("cat dog"));
    EmbedderOptions noSplit;
    noSplit.splitCompounds = false;
    const auto n = ClassEmbedder::load(model(), noSplit);
    EXPECT_NE(n->explain("catdog").find("n-grams"), std::string::npos);
}

TEST_F(Embedder, NeighborsAreSortedAndFindTheWordItself)
{
    const auto e = ClassEmbedder::load(model());
    const auto nn = e->neighbors(e->embed("elephant"), 5);
    ASSERT_EQ(nn.size(), 5u);
    EXPECT_EQ(nn[0].word, "elephant");
    EXPECT_NEAR(nn[0].cosine, 1.0, 1e-4);
    for (std::size_t i = 1; i < nn.size(); ++i)
        EXPECT_GE(nn[i - 1].cosine, nn[i].cosine);
    EXPECT_EQ(static_cast<int>(e->neighbors(e->embed("cat"), 100000).size()), e->vocabularySize());
    EXPECT_THROW(e->neighbors(std::vector<float>(3, 1.0f), 3), Error);
    const double s = e->similarity("cat", "dog");
    EXPECT_NEAR(s, e->similarity("dog", "cat"), 1e-6);
    EXPECT_LE(std::abs(s), 1.0 + 1e-6);
}

TEST_F(Embedder, EmptyAndWhitespaceNamesAreRejected)
{
    const auto e = ClassEmbedder::load(model());
    for (const std::string n : {"", " ", "\t\n  ", "  ;  ", "---", "; , ;"}) {
        try {
            e->embed(n);
            FAIL() << "no error for '" << n << "'";
        } catch (const Error& err) {
            EXPECT_GT(std::string(err.what()).size(), 10u);
        }
    }
}

TEST_F(Embedder, HostileNamesGiveAFiniteVectorOrAClearError)
{
    const auto e = ClassEmbedder::load(model());
    std::string longName;
    for (int i = 0; i < 10000; ++i)
        longName.push_back(static_cast<char>('a' + (i * 7) % 26));
    expectFiniteOrClearError(*e, longName);
    expectFiniteOrClearError(*e, std::string(10000, 'x'));
    expectFiniteOrClearError(*e, "\xff\xfe\xc3 \x80\x80");
    expectFiniteOrClearError(*e, "\xf0\x9f\xa6\x92");              // emoji
    expectFiniteOrClearError(*e, "\xd0\xba\xd0\xbe\xd1\x88\xd0\xba\xd0\xb0"); // Cyrillic
    expectFiniteOrClearError(*e, "\xe7\x8c\xab");                  // CJK
    expectFiniteOrClearError(*e, std::string("cat\0dog", 7));
}

TEST_F(Embedder, ConcurrentLookupsAgreeWithSerialOnes)
{
    const auto e = ClassEmbedder::load(model());
    const std::vector<std::string> names = {"cat", "giraffee", "dining table", "car; sedan", "catdog", "Zebras"};
    std::vector<std::vector<float>> ref;
    {
        const auto fresh = ClassEmbedder::load(model());
        for (const auto& n : names)
            ref.push_back(fresh->embed(n));
    }
    std::vector<std::thread> threads;
    std::atomic<int> bad{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) {
                const std::size_t k = static_cast<std::size_t>(i + t) % names.size();
                if (e->embed(names[k]) != ref[k])
                    ++bad;
                if (i % 50 == 0 && e->neighbors(ref[k], 3).size() != 3)
                    ++bad;
            }
        });
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(bad.load(), 0);
}

TEST_F(Embedder, ManifestGivesTheSpaceAndAStaleOneIsRefused)
{
    TempDir dir;
    const auto bin = dir / "copy.bin";
    std::filesystem::copy_file(model(), bin);
    VectorSpaceId id{"my-space", 16, std::string(64, 'a')};
    saveJsonFile(bin.string() + ".json", Json{{"space", id.toJson()}, {"fileSize", std::filesystem::file_size(bin)}});
    EXPECT_EQ(ClassEmbedder::load(bin)->spaceId(), id);
    EXPECT_EQ(ClassEmbedder::load(bin)->spaceId().name, "my-space");
    saveJsonFile(bin.string() + ".json", Json{{"space", id.toJson()}, {"fileSize", 12}});
    try {
        ClassEmbedder::load(bin);
        FAIL();
    } catch (const Error& err) {
        EXPECT_NE(std::string(err.what()).find("stale"), std::string::npos) << err.what();
    }
    test::writeBytes(bin.string() + ".json", "{not json");
    EXPECT_THROW(ClassEmbedder::load(bin), Error);
}

TEST_F(Embedder, AnotherSpaceIsRefusedWithAMessageNamingTheNeededOne)
{
    TempDir dir;
    const auto other = dir / "furniture.bin";
    test::writeCorpus(dir / "unused.txt");
    // A second model trained with another seed is another space.
    fasttext::Args a;
    test::writeCorpus(dir / "c.txt");
    a.input = (dir / "c.txt").string();
    a.dim = 16;
    a.epoch = 1;
    a.minCount = 1;
    a.bucket = 1000;
    a.thread = 1;
    a.verbose = 0;
    a.seed = 9;
    fasttext::FastText ft;
    ft.train(a);
    ft.saveModel(other.string());
    const auto e1 = ClassEmbedder::load(model());
    const auto e2 = ClassEmbedder::load(other);
    EXPECT_NE(e1->spaceId(), e2->spaceId());
    try {
        requireSameSpace(e1->spaceId(), e2->spaceId(), "model.zm");
        FAIL();
    } catch (const Error& err) {
        const std::string m = err.what();
        EXPECT_NE(m.find("animals"), std::string::npos) << m;
        EXPECT_NE(m.find("furniture"), std::string::npos) << m;
    }
    EXPECT_NO_THROW(requireSameSpace(e1->spaceId(), ClassEmbedder::load(model())->spaceId(), "model.zm"));
}

TEST_F(Embedder, QuantisedFtzLoads)
{
    TempDir dir;
    const auto ftz = dir / "sup.ftz";
    test::trainModel(dir.path(), ftz, true, true);
    const auto e = ClassEmbedder::load(ftz);
    EXPECT_EQ(e->dim(), 16);
    const auto v = e->embed("giraffe");
    EXPECT_NEAR(norm(v), 1.0, 1e-4);
    EXPECT_FALSE(e->neighbors(v, 3).empty());
}

TEST_F(Embedder, DefaultPathFollowsTheEnvironment)
{
    const zm::test::ScopedEnv env("ZEROMASK_VECTORS", model().string());
    EXPECT_EQ(defaultVectorsPath(), model());
    EXPECT_EQ(resolveVectorsPath(), model());
    EXPECT_EQ(resolveVectorsPath("/x/y.bin"), std::filesystem::path("/x/y.bin"));
}
