// Attribute tables (CSV) as a semantic space: parsing, normalisation, lookups and error messages.
#include "core/engine/generative/attributetable.h"
#include "core/common/error.h"
#include "core/common/files.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace zm;
using namespace zm::generative;

namespace {
std::string errorOf(const std::string& text)
{
    try {
        AttributeTable::parse(text, "attrs.csv");
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}
} // namespace

TEST(AttributeTable, ParsesHeaderRowsQuotesAndComments)
{
    const std::string csv = "\xEF\xBB\xBF# animals\r\n"
                            "class, furry, wheels\r\n"
                            "\n"
                            "cat, 3, 4\n"
                            "\"potted, plant\",0,2\n";
    const auto raw = AttributeTable::parse(csv, "attrs.csv", false);
    EXPECT_EQ(raw.dim(), 2);
    EXPECT_EQ(raw.size(), 2);
    EXPECT_EQ(raw.attributeNames(), (std::vector<std::string>{"furry", "wheels"}));
    EXPECT_EQ(raw.classNames(), (std::vector<std::string>{"cat", "potted, plant"}));
    EXPECT_EQ(raw.vector("CAT "), (std::vector<float>{3, 4}));

    const auto unit = AttributeTable::parse(csv, "attrs.csv");
    EXPECT_NEAR(unit.vector("cat")[0], 0.6, 1e-6);
    EXPECT_NEAR(unit.vector("cat")[1], 0.8, 1e-6);
    EXPECT_NEAR(unit.vector("potted, plant")[1], 1.0, 1e-6);
    EXPECT_EQ(unit.vectorsFor({"potted, plant", "cat"}).size(), 2u);
    EXPECT_TRUE(unit.contains("Cat"));
    EXPECT_FALSE(unit.contains("dog"));

    // The space identity follows the content and the normalisation.
    EXPECT_EQ(unit.space().dim, 2);
    EXPECT_EQ(unit.space().name, "attributes:attrs");
    EXPECT_NE(unit.space(), raw.space());
    EXPECT_EQ(unit.space(), AttributeTable::parse(csv, "other.csv").space());
    EXPECT_NE(unit.space(), AttributeTable::parse(csv + "dog,1,1\n", "attrs.csv").space());
}

TEST(AttributeTable, ErrorsNameTheFileLineAndProblem)
{
    EXPECT_NE(errorOf("class,a,b\ncat,1\n").find("attrs.csv:2: expected a class name and 2 values, found 1"), std::string::npos);
    EXPECT_NE(errorOf("class,a\ncat,abc\n").find("attrs.csv:2: value 'abc' of attribute 'a'"), std::string::npos);
    EXPECT_NE(errorOf("class,a\ncat,nan\n").find("not a finite number"), std::string::npos);
    EXPECT_NE(errorOf("class,a\ncat,1\nCat,2\n").find("attrs.csv:3: class 'Cat' appears twice"), std::string::npos);
    EXPECT_NE(errorOf("class,a\ncat,0\n").find("all-zero"), std::string::npos);
    EXPECT_NE(errorOf("class,a\n").find("no class rows"), std::string::npos);
    EXPECT_NE(errorOf("# only a comment\n").find("no header"), std::string::npos);
    EXPECT_NE(errorOf("class,a\n\"cat,1\n").find("unterminated quote"), std::string::npos);
    const auto t = AttributeTable::parse("class,a\ncat,1\n", "attrs.csv");
    try {
        t.vector("dog");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no attributes for class 'dog' (the table has cat)"), std::string::npos);
    }
}

TEST(AttributeTable, LoadsFromFile)
{
    test::TempDir dir;
    writeFileAtomic(dir / "zoo.csv", "class,stripes,legs\nzebra,1,4\nsnake,0.5,0\n");
    const auto t = AttributeTable::load(dir / "zoo.csv");
    EXPECT_EQ(t.size(), 2);
    EXPECT_EQ(t.space().name, "attributes:zoo");
    EXPECT_THROW(AttributeTable::load(dir / "missing.csv"), Error);
}
