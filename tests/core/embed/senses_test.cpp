// Word senses: a toy vector space (axes: footwear, politics, electronics, clothing) and a WordNet the test
// writes. "flip-flop" leans to politics in the vectors; with a model trained on footwear and clothing it
// must take its sandal sense; names the model knows, names with one sense and names already near the
// model's classes must keep their word vectors exactly.
#include "core/common/error.h"
#include "core/embed/senses.h"
#include "tests/core/embed/minwordnet.h"
#include "tests/support/helpers.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

using namespace zm;
using zm::test::MiniSynset;
using zm::test::TempDir;
using zm::test::errorOf;
using zm::test::has;
using zm::test::unitOf;

namespace {

float cosine(const std::vector<float>& a, const std::vector<float>& b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += double(a[i]) * b[i];
    return float(s);
}

/// A word -> vector table behind the ClassEmbedder interface: multi-word names are the mean of the unit
/// vectors of their known words, synonyms (';' ',') the mean of their unit vectors, like the real one.
class TableEmbedder : public ClassEmbedder {
public:
    TableEmbedder(std::map<std::string, std::vector<float>> words, std::filesystem::path file = "toy.bin")
        : mWords(std::move(words)), mFile(std::move(file))
    {
        mSpace = VectorSpaceId{"toy", 4, "0"};
    }
    int dim() const override { return 4; }
    const VectorSpaceId& spaceId() const override { return mSpace; }
    const std::filesystem::path& file() const override { return mFile; }
    std::vector<float> embed(const std::string& name) const override
    {
        std::vector<float> total(4, 0.0f);
        int synonyms = 0;
        for (const auto& syn : splitSynonyms(name)) {
            std::vector<float> sum(4, 0.0f);
            int used = 0;
            std::istringstream words(syn);
            std::string w;
            while (words >> w) {
                const auto it = mWords.find(w);
                if (it == mWords.end())
                    continue;
                const auto u = unitOf(it->second);
                for (int d = 0; d < 4; ++d)
                    sum[std::size_t(d)] += u[std::size_t(d)];
                ++used;
            }
            if (!used)
                continue;
            const auto u = unitOf(sum);
            for (int d = 0; d < 4; ++d)
                total[std::size_t(d)] += u[std::size_t(d)];
            ++synonyms;
        }
        if (!synonyms)
            throw Error("class name '" + name + "' gives no usable vector in toy.bin");
        return unitOf(total);
    }
    std::vector<Neighbor> neighbors(const std::vector<float>&, int) const override { return {}; }
    bool inVocabulary(const std::string& word) const override { return mWords.count(word) > 0; }
    std::string explain(const std::string& name) const override { return name + " -> [toy]"; }
    int vocabularySize() const override { return int(mWords.size()); }

private:
    std::map<std::string, std::vector<float>> mWords;
    std::filesystem::path mFile;
    VectorSpaceId mSpace;
};

std::shared_ptr<const ClassEmbedder> toyVectors(std::filesystem::path file = "toy.bin")
{
    return std::make_shared<TableEmbedder>(std::map<std::string, std::vector<float>>{
        // footwear, politics, electronics, clothing
        {"sneaker", {1, 0, 0, 0.3f}},       {"coat", {0, 0, 0, 1}},           {"sandal", {1, 0, 0, 0}},
        {"flip-flop", {0.15f, 1, 0.1f, 0}}, {"reversal", {0, 1, 0, 0}},       {"turnabout", {0, 1, 0, 0}},
        {"decision", {0, 1, 0, 0}},         {"reverse", {0, 1, 0.1f, 0}},     {"thong", {0.8f, 0, 0, 0.6f}},
        {"backless", {0.7f, 0, 0, 0.7f}},   {"held", {0.3f, 0.3f, 0.3f, 0.3f}}, {"foot", {1, 0, 0, 0}},
        {"toe", {1, 0, 0, 0.1f}},           {"electronic", {0, 0, 1, 0}},     {"circuit", {0, 0.1f, 1, 0}},
        {"boot", {0.7f, 0, 0.2f, 0.6f}},       {"footwear", {1, 0, 0, 0.2f}},    {"leg", {0.8f, 0, 0, 0.2f}},
        {"car", {0, 0.1f, 0.6f, 0}},        {"luggage", {0.1f, 0, 0.3f, 0.2f}}, {"person", {0, 0.5f, 0, 0.2f}},
        {"sneaks", {0, 0.6f, 0, 0}},        {"shoe", {1, 0, 0, 0.1f}},        {"canvas", {0.6f, 0, 0, 0.6f}}});
}

/// The model's classes: footwear and clothing.
std::vector<std::vector<float>> modelClasses(const ClassEmbedder& e) { return {e.embed("sneaker"), e.embed("coat")}; }

std::filesystem::path toyWordNet(const TempDir& dir)
{
    const std::vector<MiniSynset> synsets = {
        {"reversal", {"reversal", "flip-flop", "turnabout"}, {}, "a decision to reverse an earlier decision", 9},
        {"sandal", {"sandal"}, {}, "a shoe with straps"},
        {"thong", {"flip-flop", "thong"}, {"sandal"}, "a backless sandal held to the foot by a thong between the big toe and the second toe"},
        {"circuit", {"flip-flop"}, {}, "an electronic circuit that can assume either of two stable states"},
        {"footwear", {"footwear"}, {}, "covering for the feet"},
        {"boot", {"boot"}, {"footwear"}, "footwear that covers the whole foot and lower leg"},
        {"trunk", {"boot"}, {}, "British term for the luggage compartment in a car"},
        {"shoe", {"sneaker", "gym_shoe"}, {"footwear"}, "a canvas shoe"},
        {"sneak", {"sneak", "sneaker"}, {}, "a person who sneaks"},
    };
    const std::map<std::string, std::vector<std::string>> index = {
        {"boot", {"boot", "trunk"}}, {"flip-flop", {"reversal", "thong", "circuit"}}, {"footwear", {"footwear"}},
        {"sandal", {"sandal"}},      {"sneaker", {"shoe", "sneak"}},                  {"thong", {"thong"}}};
    zm::test::writeMiniWordNet(dir / "wordnet", synsets, index);
    return dir / "wordnet";
}


} // namespace

TEST(WordSenses, AnAmbiguousWordFarFromTheModelTakesTheSenseNearIt)
{
    TempDir dir;
    const auto words = toyVectors();
    const SenseAwareEmbedder senses(words, WordNet::load(toyWordNet(dir)), modelClasses(*words));
    const auto raw = words->embed("flip-flop"), read = senses.embed("flip-flop");
    const auto sandal = words->embed("sandal");
    EXPECT_LT(cosine(raw, sandal), 0.2f);
    EXPECT_GT(cosine(read, sandal), 0.8f);
    EXPECT_LT(std::abs(cosine(read, read) - 1.0f), 1e-5f);

    const auto r = senses.read("flip-flop");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(r[0].changed);
    EXPECT_EQ(r[0].senses, 3);
    ASSERT_EQ(r[0].candidates.size(), 3u);
    EXPECT_EQ(r[0].chosenLemmas, "flip-flop, thong");
    EXPECT_TRUE(has(r[0].chosenDefinition, "backless sandal"));
    // The sandal sense is the nearest to the model's classes, the other two far below it.
    EXPECT_GT(r[0].candidates[1].domain, r[0].candidates[0].domain + 0.3f);
    EXPECT_GT(r[0].candidates[1].domain, r[0].candidates[2].domain + 0.3f);
    EXPECT_NEAR(r[0].chosenDomain, r[0].candidates[1].domain, 1e-6f);
    EXPECT_TRUE(has(senses.explain("flip-flop"), "flip-flop -> sense: flip-flop, thong")) << senses.explain("flip-flop");
}

TEST(WordSenses, NamesTheModelKnowsOneSenseNamesAndNearNamesAreUnchanged)
{
    TempDir dir;
    const auto words = toyVectors();
    const SenseAwareEmbedder senses(words, WordNet::load(toyWordNet(dir)), modelClasses(*words));
    for (const std::string name : {"sneaker", "sandal", "boot", "coat", "sandal; boot"})
        EXPECT_EQ(senses.embed(name), words->embed(name)) << name; // bit for bit: the inner embedder's vector
    EXPECT_TRUE(has(senses.read("sneaker")[0].reason, "trained on"));   // two senses, but a model class
    EXPECT_EQ(senses.read("sneaker")[0].senses, -1); // WordNet is not even asked
    EXPECT_TRUE(has(senses.read("sandal")[0].reason, "one sense"));
    EXPECT_TRUE(has(senses.read("boot")[0].reason, "already about as near"));
    EXPECT_TRUE(has(senses.read("coat")[0].reason, "trained on"));
    EXPECT_FALSE(senses.read("boot")[0].changed);
    EXPECT_EQ(senses.explain("boot"), words->explain("boot"));
    // A name with no vector fails as it does without senses.
    EXPECT_EQ(errorOf([&] { senses.embed("qqq"); }), errorOf([&] { words->embed("qqq"); }));
}

TEST(WordSenses, ABrokenDatabaseCostsTheSenseNeverTheName)
{
    TempDir dir;
    const auto words = toyVectors();
    const auto folder = toyWordNet(dir);
    const auto wn = WordNet::load(folder);
    {   // data.noun replaced by one whose offsets no longer match the index
        std::ofstream(folder / "data.noun", std::ios::binary) << "  1 nothing here\n";
    }
    const SenseAwareEmbedder senses(words, wn, modelClasses(*words));
    EXPECT_EQ(senses.embed("flip-flop"), words->embed("flip-flop"));
    EXPECT_EQ(senses.embed("sandal; flip-flop"), words->embed("sandal; flip-flop")); // no synonym is dropped
    const auto r = senses.read("flip-flop");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_FALSE(r[0].changed);
    EXPECT_TRUE(has(r[0].reason, "WordNet could not be read")) << r[0].reason;
    EXPECT_TRUE(has(r[0].reason, "data.noun")) << r[0].reason;
}

TEST(WordSenses, ThreadsReadNamesAtOnce)
{
    // The GUI reads names on its thread and hints in workers: one embedder, shared, fresh caches.
    TempDir dir;
    const auto words = toyVectors();
    const auto wn = WordNet::load(toyWordNet(dir));
    const SenseAwareEmbedder reference(words, wn, modelClasses(*words));
    const std::vector<std::string> names = {"flip-flop", "boot", "sandal; flip-flop", "sneaker", "coat, flip-flop"};
    std::vector<std::vector<float>> expected;
    for (const auto& n : names)
        expected.push_back(reference.embed(n));
    const SenseAwareEmbedder shared(words, WordNet::load(dir / "wordnet"), modelClasses(*words));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int k = 0; k < 200; ++k) {
                const std::size_t i = std::size_t(k + t) % names.size();
                if (shared.embed(names[i]) != expected[i] || shared.read(names[i]).empty())
                    ++mismatches;
            }
        });
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(WordSenses, SynonymsAreAveragedAfterEachIsRead)
{
    TempDir dir;
    const auto words = toyVectors();
    const SenseAwareEmbedder senses(words, WordNet::load(toyWordNet(dir)), modelClasses(*words));
    const auto flip = senses.embed("flip-flop"), sandal = words->embed("sandal");
    std::vector<float> expected(4);
    for (int d = 0; d < 4; ++d)
        expected[std::size_t(d)] = flip[std::size_t(d)] + sandal[std::size_t(d)];
    expected = unitOf(expected);
    const auto both = senses.embed("flip-flop; sandal");
    for (int d = 0; d < 4; ++d)
        EXPECT_NEAR(both[std::size_t(d)], expected[std::size_t(d)], 1e-5f);
    // An unusable synonym is skipped, as the inner embedder does.
    EXPECT_EQ(senses.embed("flip-flop, qqq"), flip);
}

TEST(WordSenses, OptionsDecideHowBoldTheReadingIs)
{
    TempDir dir;
    const auto words = toyVectors();
    const auto wn = WordNet::load(toyWordNet(dir));
    SenseOptions timid;
    timid.minGain = 2.0f; // no sense can be that much nearer
    EXPECT_EQ(SenseAwareEmbedder(words, wn, modelClasses(*words), timid).embed("flip-flop"), words->embed("flip-flop"));
    SenseOptions mixed;
    mixed.wordWeight = 1.0f; // the sense and the word, equally
    const auto plain = SenseAwareEmbedder(words, wn, modelClasses(*words)).embed("flip-flop");
    const auto half = SenseAwareEmbedder(words, wn, modelClasses(*words), mixed).embed("flip-flop");
    const auto raw = words->embed("flip-flop");
    EXPECT_GT(cosine(half, raw), cosine(plain, raw) + 0.1f);
    EXPECT_GT(cosine(half, plain), 0.5f);
    // No model classes: nothing to choose by.
    EXPECT_EQ(SenseAwareEmbedder(words, wn, {}).embed("flip-flop"), raw);
    EXPECT_TRUE(has(errorOf([&] { SenseAwareEmbedder(words, wn, {{1.0f, 0.0f}}); }), "2 values, the vectors 4"));
}

TEST(WordSenses, NameEmbedderForFollowsTheModeAndTheDatabase)
{
    TempDir dir;
    const auto words = toyVectors();
    const auto folder = toyWordNet(dir);
    const auto classes = modelClasses(*words);
    EXPECT_EQ(nameEmbedderFor(words, classes, SenseMode::Off, folder), words);
    EXPECT_NE(dynamic_cast<const SenseAwareEmbedder*>(nameEmbedderFor(words, classes, SenseMode::Auto, folder).get()), nullptr);
    EXPECT_NE(dynamic_cast<const SenseAwareEmbedder*>(nameEmbedderFor(words, classes, SenseMode::On, folder).get()), nullptr);
    EXPECT_EQ(nameEmbedderFor(words, {}, SenseMode::On, folder), words); // no model classes
    EXPECT_TRUE(has(errorOf([&] { nameEmbedderFor(words, classes, SenseMode::Auto, dir / "missing"); }), "no such folder"));
    // An attribute table is not a word space.
    const auto table = std::make_shared<TableEmbedder>(std::map<std::string, std::vector<float>>{{"a", {1, 0, 0, 0}}}, dir / "zoo.csv");
    EXPECT_EQ(nameEmbedderFor(table, classes, SenseMode::Auto, folder), table);
    EXPECT_TRUE(has(errorOf([&] { nameEmbedderFor(table, classes, SenseMode::On, folder); }), "attribute table"));

    // Without a database: Auto is plain word vectors, On says what to install.
    {
        const zm::test::ScopedEnv env("ZEROMASK_WORDNET", (dir / "none").string());
        EXPECT_EQ(nameEmbedderFor(words, classes, SenseMode::Auto), words);
        EXPECT_TRUE(has(errorOf([&] { nameEmbedderFor(words, classes, SenseMode::On); }), "wordnet-base"));
    }

    EXPECT_EQ(parseSenseMode("auto"), SenseMode::Auto);
    EXPECT_EQ(parseSenseMode("off"), SenseMode::Off);
    EXPECT_EQ(std::string(senseModeName(parseSenseMode("on"))), "on");
    EXPECT_TRUE(has(errorOf([] { parseSenseMode("maybe"); }), "use auto, on or off"));
}
