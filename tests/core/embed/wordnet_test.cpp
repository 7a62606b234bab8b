// The WordNet noun reader on databases the tests write: base forms (plurals, irregular forms, spaces and
// hyphens), senses in WordNet's order, synset fields, and clear errors for broken files. One test reads
// the installed database (Debian's wordnet-base) when there is one.
#include "core/common/error.h"
#include "core/embed/wordnet.h"
#include "tests/core/embed/minwordnet.h"
#include "tests/support/helpers.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>

using namespace zm;
using zm::test::MiniSynset;
using zm::test::TempDir;
using zm::test::errorOf;
using zm::test::has;

namespace {


std::vector<MiniSynset> shoeWorld()
{
    return {
        {"footwear", {"footwear", "footgear"}, {}, "covering for a person's feet"},
        {"shoe", {"shoe"}, {"footwear"}, "footwear shaped to fit the foot"},
        {"sandal", {"sandal"}, {"shoe"}, "a shoe consisting of a sole fastened by straps to the foot"},
        {"reversal", {"reversal", "change_of_mind", "flip-flop", "turnabout"}, {}, "a decision to reverse an earlier decision", 9},
        {"thong", {"flip-flop", "thong"}, {"sandal"},
         "a backless sandal held to the foot by a thong between the big toe and the second toe"},
        {"circuit", {"flip-flop"}, {}, "an electronic circuit that can assume either of two stable states"},
        {"boot", {"boot"}, {"footwear"}, "footwear that covers the whole foot and lower leg; \"he wore boots\""},
        {"anklet", {"ankle_boot"}, {"boot"}, "a boot reaching to the ankle"},
        {"mouse", {"mouse"}, {}, "any of numerous small rodents"},
        {"dress", {"dress", "frock"}, {}, "a one-piece garment for a woman"},
        {"glass", {"glass"}, {}, "a brittle transparent solid"},
        {"man", {"man", "adult_male"}, {}, "an adult person who is male"},
        {"trousers", {"trousers", "pants"}, {}, "a garment extending from the waist to the knee or ankle"},
        {"pant", {"pant", "gasp"}, {}, "the act of breathing fast and shallowly"},
    };
}

std::map<std::string, std::vector<std::string>> shoeIndex()
{
    return {{"ankle_boot", {"anklet"}}, {"boot", {"boot"}},   {"dress", {"dress"}},  {"flip-flop", {"reversal", "thong", "circuit"}},
            {"footwear", {"footwear"}}, {"glass", {"glass"}}, {"man", {"man"}},      {"mouse", {"mouse"}},
            {"pant", {"pant"}},         {"pants", {"trousers"}},
            {"sandal", {"sandal"}},     {"shoe", {"shoe"}},   {"thong", {"thong"}},  {"turnabout", {"reversal"}}};
}

} // namespace

TEST(WordNet, ReadsSensesInOrderWithLemmasHypernymsAndGloss)
{
    TempDir dir;
    const auto offset = zm::test::writeMiniWordNet(dir.path(), shoeWorld(), shoeIndex());
    const auto wn = WordNet::load(dir.path());
    EXPECT_EQ(wn->lemmaCount(), 14);
    const auto senses = wn->senses("flip-flop");
    ASSERT_EQ(senses.size(), 3u);
    EXPECT_EQ(senses[0].offset, offset.at("reversal"));
    EXPECT_EQ(senses[0].lexFile, 9);
    EXPECT_EQ(senses[0].lemmas, (std::vector<std::string>{"reversal", "change_of_mind", "flip-flop", "turnabout"}));
    EXPECT_EQ(senses[1].offset, offset.at("thong"));
    ASSERT_EQ(senses[1].hypernyms.size(), 1u);
    EXPECT_EQ(senses[1].hypernyms[0], offset.at("sandal"));
    EXPECT_EQ(wn->synset(senses[1].hypernyms[0]).lemmas, std::vector<std::string>{"sandal"});
    EXPECT_TRUE(has(senses[1].gloss, "backless sandal"));
    EXPECT_EQ(senses[2].lemmas, std::vector<std::string>{"flip-flop"});
    // The definition stops before the quoted examples.
    const Synset boot = wn->synset(offset.at("boot"));
    EXPECT_EQ(boot.definition(), "footwear that covers the whole foot and lower leg");
    EXPECT_TRUE(has(boot.gloss, "he wore boots"));
    EXPECT_TRUE(wn->senses("unicorn").empty());
}

TEST(WordNet, BaseFormsCoverPluralsExceptionsSpacesAndHyphens)
{
    TempDir dir;
    zm::test::writeMiniWordNet(dir.path(), shoeWorld(), shoeIndex(), "mice mouse\nmen man\n");
    const auto wn = WordNet::load(dir.path());
    EXPECT_EQ(wn->baseForms("boots"), std::vector<std::string>{"boot"});
    EXPECT_EQ(wn->baseForms("Dresses"), std::vector<std::string>{"dress"}); // "ses" -> "s"
    EXPECT_EQ(wn->baseForms("glasses"), std::vector<std::string>{"glass"});
    EXPECT_EQ(wn->baseForms("mice"), std::vector<std::string>{"mouse"});    // noun.exc
    EXPECT_EQ(wn->baseForms("men"), std::vector<std::string>{"man"});
    EXPECT_EQ(wn->baseForms("flip flop"), std::vector<std::string>{"flip-flop"});
    EXPECT_EQ(wn->baseForms("  Flip-Flops "), std::vector<std::string>{"flip-flop"});
    EXPECT_EQ(wn->baseForms("ankle boot"), std::vector<std::string>{"ankle_boot"});
    EXPECT_EQ(wn->baseForms("ankle-boots"), std::vector<std::string>{"ankle_boot"});
    EXPECT_EQ(wn->baseForms("glass"), std::vector<std::string>{"glass"}); // "ss" is not a plural ending
    EXPECT_TRUE(wn->baseForms("s").empty());
    EXPECT_EQ(wn->senses("boots").size(), 1u);
    // A word the index has as written is not also read as the plural of another word.
    EXPECT_EQ(wn->baseForms("pants"), std::vector<std::string>{"pants"});
    EXPECT_EQ(wn->senses("pants").size(), 1u);
}

TEST(WordNet, BrokenDatabasesGiveMessagesNamingTheFile)
{
    TempDir dir;
    EXPECT_TRUE(has(errorOf([&] { WordNet::load(dir / "nowhere"); }), "no such folder"));
    EXPECT_TRUE(has(errorOf([&] { WordNet::load(dir.path()); }), "index.noun: missing"));

    zm::test::writeMiniWordNet(dir / "bad-index", shoeWorld(), shoeIndex());
    std::ofstream(dir / "bad-index" / "index.noun", std::ios::app) << "zebra n three\n";
    const std::string e = errorOf([&] { WordNet::load(dir / "bad-index"); });
    EXPECT_TRUE(has(e, "index.noun:17")) << e;
    EXPECT_TRUE(has(e, "not a WordNet noun index line")) << e;

    zm::test::writeMiniWordNet(dir / "shifted", shoeWorld(), shoeIndex());
    {   // data.noun from another version: offsets no longer point at line starts
        std::ifstream in(dir / "shifted" / "data.noun", std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(dir / "shifted" / "data.noun", std::ios::binary) << "  0 another header line\n" << text;
    }
    const auto wn = WordNet::load(dir / "shifted");
    const std::string m = errorOf([&] { wn->senses("sandal"); });
    EXPECT_TRUE(has(m, "data.noun at byte")) << m;
    EXPECT_TRUE(has(m, "does not match index.noun")) << m;
    EXPECT_TRUE(has(errorOf([&] { wn->synset(999999); }), "data.noun at byte 999999"));

    // Signs and impossible counts in data.noun are refused, not read past the end of the line.
    const auto offsets = zm::test::writeMiniWordNet(dir / "counts", shoeWorld(), shoeIndex());
    for (const std::string& bad : {std::string(" 06 n -1 sandal 0"), std::string(" 06 n ff sandal 0"),
                                   std::string(" 06 n 01 sandal 0 999 @")}) {
        std::ifstream in(dir / "counts" / "data.noun", std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        in.close();
        char key[16];
        std::snprintf(key, sizeof key, "%08u", offsets.at("sandal"));
        const std::size_t at = text.find(std::string(key) + " 06 n 01 sandal 0");
        ASSERT_NE(at, std::string::npos);
        const std::size_t end = text.find('\n', at);
        std::string line = std::string(key) + bad;
        line.resize(end - at, ' '); // same length: the other offsets stay right
        text.replace(at, end - at, line);
        std::ofstream(dir / "counts" / "data.noun", std::ios::binary) << text;
        const auto db = WordNet::load(dir / "counts");
        const std::string m = errorOf([&] { db->synset(offsets.at("sandal")); });
        EXPECT_TRUE(has(m, "malformed")) << bad << ": " << m;
        zm::test::writeMiniWordNet(dir / "counts", shoeWorld(), shoeIndex());
    }

    zm::test::writeMiniWordNet(dir / "empty", {}, {});
    EXPECT_TRUE(has(errorOf([&] { WordNet::load(dir / "empty"); }), "has no entries"));
}

TEST(WordNet, DefaultFolderFollowsTheEnvironment)
{
    TempDir dir;
    zm::test::writeMiniWordNet(dir.path(), shoeWorld(), shoeIndex());
    zm::test::ScopedEnv env("ZEROMASK_WORDNET", dir.path().string());
    EXPECT_EQ(defaultWordNetFolder(), dir.path());
    env.set((dir / "missing").string());
    EXPECT_TRUE(defaultWordNetFolder().empty());
}

TEST(WordNet, InstalledDatabaseKnowsTheSandalSenseOfFlipFlop)
{
    if (std::getenv("ZEROMASK_WORDNET") || defaultWordNetFolder().empty())
        GTEST_SKIP() << "no installed WordNet (Debian package wordnet-base)";
    const auto wn = WordNet::load(defaultWordNetFolder());
    EXPECT_GT(wn->lemmaCount(), 80000);
    bool sandal = false;
    for (const Synset& s : wn->senses("flip-flops"))
        for (std::uint32_t h : s.hypernyms)
            for (const auto& l : wn->synset(h).lemmas)
                sandal = sandal || l == "sandal";
    EXPECT_TRUE(sandal);
}
