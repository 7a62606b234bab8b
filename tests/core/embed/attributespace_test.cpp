// An attribute table behind the ClassEmbedder interface: ClassEmbedder::load dispatches on the file,
// embed() is the (normalised) row, synonyms, unknown names, neighbours, the space id of the file.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/embed/attributetable.h"
#include "core/embed/embedder.h"
#include "tests/core/embed/testmodels.h"
#include "tests/support/helpers.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace zm;
using zm::test::TempDir;
using zm::test::errorOf;
using zm::test::has;
using zm::test::unitOf;

namespace {

const char* kZoo = "# zoo.csv\n"
                   "class,stripes,legs,has_fur,lives_in_water\n"
                   "zebra,1,4,1,0\n"
                   "\"potted plant\",0,0,0,0.1\n"
                   "shark,0,0,0,1\n"
                   "tiger,1,4,1,0.2\n";

void expectNear(const std::vector<float>& a, const std::vector<float>& b)
{
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        EXPECT_NEAR(a[i], b[i], 1e-6) << i;
}

} // namespace

TEST(AttributeSpace, LoadDispatchesOnTheFile)
{
    TempDir dir;
    writeFileAtomic(dir / "zoo.csv", kZoo);
    writeFileAtomic(dir / "zoo-table.txt", kZoo); // no .csv: recognised by its content
    writeFileAtomic(dir / "ZOO2.CSV", kZoo);
    test::trainModel(dir.path(), dir / "words.bin");
    EXPECT_TRUE(isAttributeTableFile(dir / "zoo.csv"));
    EXPECT_TRUE(isAttributeTableFile(dir / "zoo-table.txt"));
    EXPECT_TRUE(isAttributeTableFile(dir / "ZOO2.CSV"));
    EXPECT_TRUE(isAttributeTableFile(dir / "missing.csv"));
    EXPECT_FALSE(isAttributeTableFile(dir / "words.bin"));
    EXPECT_FALSE(isAttributeTableFile(dir / "missing.bin"));

    const auto table = AttributeTable::load(dir / "zoo.csv");
    for (const char* f : {"zoo.csv", "zoo-table.txt", "ZOO2.CSV"}) {
        const auto e = ClassEmbedder::load(dir / f);
        EXPECT_EQ(e->dim(), 4) << f;
        EXPECT_EQ(e->spaceId(), table.space()) << f;
        EXPECT_EQ(e->file(), dir / f);
        EXPECT_EQ(vectorSpaceOfFile(dir / f, 0), table.space()) << f;
    }
    EXPECT_EQ(ClassEmbedder::load(dir / "zoo.csv")->spaceId().name, "attributes:zoo");

    const auto words = ClassEmbedder::load(dir / "words.bin"); // fastText files still load as before
    EXPECT_EQ(words->dim(), 16);
    EXPECT_NE(words->spaceId(), table.space());

    // A missing or malformed table is refused with the file's name.
    EXPECT_TRUE(has(errorOf([&] { ClassEmbedder::load(dir / "missing.csv"); }), "missing.csv"));
    writeFileAtomic(dir / "bad.csv", "class,a\nzebra,striped\n");
    EXPECT_TRUE(has(errorOf([&] { ClassEmbedder::load(dir / "bad.csv"); }), "bad.csv:2: value 'striped' of attribute 'a'"));
}

TEST(AttributeSpace, EmbedIsTheNormalisedRow)
{
    TempDir dir;
    writeFileAtomic(dir / "zoo.csv", kZoo);
    const auto e = ClassEmbedder::load(dir / "zoo.csv");
    expectNear(e->embed("zebra"), unitOf({1, 4, 1, 0}));
    expectNear(e->embed("Potted_Plant"), {0, 0, 0, 1});
    expectNear(e->embed("  SHARK "), {0, 0, 0, 1});
    EXPECT_TRUE(has(e->explain("PottedPlant"), "PottedPlant -> row 'potted plant'"));

    // Synonyms: the normalised mean of the rows the table has; the others are skipped.
    std::vector<float> mean(4);
    const auto z = unitOf({1, 4, 1, 0}), s = unitOf({0, 0, 0, 1});
    for (int d = 0; d < 4; ++d)
        mean[std::size_t(d)] = z[std::size_t(d)] + s[std::size_t(d)];
    expectNear(e->embed("zebra; shark"), unitOf(mean));
    expectNear(e->embed("zebra, striped horse"), z);
    EXPECT_EQ(e->explain("zebra; striped horse"), "zebra -> row 'zebra'; striped horse -> not in the table (skipped)");

    EXPECT_NEAR(e->similarity("zebra", "zebra"), 1.0, 1e-6);
    EXPECT_LT(e->similarity("zebra", "shark"), e->similarity("zebra", "tiger"));
    EXPECT_TRUE(e->inVocabulary("Tiger"));
    EXPECT_FALSE(e->inVocabulary("lion"));
    EXPECT_EQ(e->vocabularySize(), 4);

    // Nearest "vocabulary words" are the table's classes.
    const auto nn = e->neighbors(e->embed("zebra"), 3);
    ASSERT_EQ(nn.size(), 3u);
    EXPECT_EQ(nn[0].word, "zebra");
    EXPECT_NEAR(nn[0].cosine, 1.0, 1e-6);
    EXPECT_EQ(nn[1].word, "tiger");
    EXPECT_EQ(e->neighbors(e->embed("zebra"), 100).size(), 4u);
    EXPECT_THROW(e->neighbors({1, 0}, 3), Error);
}

TEST(AttributeSpace, UnknownNamesAreClearErrors)
{
    TempDir dir;
    writeFileAtomic(dir / "zoo.csv", kZoo);
    const auto e = ClassEmbedder::load(dir / "zoo.csv");
    const std::string m = errorOf([&] { e->embed("zebar"); });
    EXPECT_TRUE(has(m, "zoo.csv: class 'zebar' is not in this attribute table")) << m;
    EXPECT_TRUE(has(m, "cannot embed other words")) << m;
    EXPECT_TRUE(has(m, "Closest: zebra")) << m;
    EXPECT_TRUE(has(errorOf([&] { e->embed("lion; leopard"); }), "class 'lion; leopard' is not in this attribute table"));
    EXPECT_TRUE(has(errorOf([&] { e->embed("  "); }), "class name is empty"));
    EXPECT_TRUE(has(errorOf([&] { e->explain("lion"); }), "not in this attribute table"));
}

TEST(AttributeSpace, ModelsOfAnotherTableAreRefused)
{
    TempDir dir;
    writeFileAtomic(dir / "zoo.csv", kZoo);
    writeFileAtomic(dir / "zoo-v2.csv", std::string(kZoo) + "lion,0,4,1,0\n");
    writeFileAtomic(dir / "zoo-copy.csv", std::string("# the same table, reformatted\r\n") + kZoo);
    const auto a = ClassEmbedder::load(dir / "zoo.csv");
    EXPECT_NO_THROW(requireSameSpace(a->spaceId(), ClassEmbedder::load(dir / "zoo-copy.csv")->spaceId(), "model.zm"));
    const std::string m = errorOf([&] { requireSameSpace(a->spaceId(), ClassEmbedder::load(dir / "zoo-v2.csv")->spaceId(), "model.zm"); });
    EXPECT_TRUE(has(m, "model.zm was trained in vector space attributes:zoo (4-d")) << m;
    EXPECT_TRUE(has(m, "attributes:zoo-v2 (4-d")) << m;
}
