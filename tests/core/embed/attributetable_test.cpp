// Attribute tables (CSV) as a semantic space: parsing, scaling, name matching, the space identity and
// error messages.
#include "core/embed/attributetable.h"
#include "core/common/error.h"
#include "core/common/files.h"
#include "tests/support/testdir.h"
#include "tests/support/helpers.h"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>

using namespace zm;
using zm::test::has;

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
    const auto raw = AttributeTable::parse(csv, "attrs.csv", AttributeScaling::None);
    EXPECT_EQ(raw.dim(), 2);
    EXPECT_EQ(raw.size(), 2);
    EXPECT_EQ(raw.attributeNames(), (std::vector<std::string>{"furry", "wheels"}));
    EXPECT_EQ(raw.classNames(), (std::vector<std::string>{"cat", "potted, plant"}));
    EXPECT_EQ(raw.vector("CAT "), (std::vector<float>{3, 4}));

    const auto unit = AttributeTable::parse(csv, "attrs.csv");
    EXPECT_EQ(unit.scaling(), AttributeScaling::Rows);
    EXPECT_NEAR(unit.vector("cat")[0], 0.6, 1e-6);
    EXPECT_NEAR(unit.vector("cat")[1], 0.8, 1e-6);
    EXPECT_NEAR(unit.vector("potted, plant")[1], 1.0, 1e-6);
    EXPECT_EQ(unit.rawVectors()[0], (std::vector<float>{3, 4}));
    EXPECT_EQ(unit.vectorsFor({"potted, plant", "cat"}).size(), 2u);
    EXPECT_TRUE(unit.contains("Cat"));
    EXPECT_FALSE(unit.contains("dog"));
}

TEST(AttributeTable, NamesMatchWithoutCaseSpacesAndPunctuation)
{
    const auto t = AttributeTable::parse("class,a,b\ndining table,1,0\nT-Shirt,0,1\n", "attrs.csv");
    for (const char* n : {"dining table", "Dining_Table", "DiningTable", " dining-table ", "DINING TABLE"})
        EXPECT_EQ(t.find(n), 0) << n;
    for (const char* n : {"t-shirt", "tshirt", "T Shirt", "t_shirt"})
        EXPECT_EQ(t.find(n), 1) << n;
    EXPECT_EQ(t.find("dining"), -1);
    EXPECT_EQ(t.find("--"), -1);
    EXPECT_EQ(classKey("Dining_Table"), "diningtable");
    EXPECT_EQ(classKey("Caf\xc3\xa9 Chair"), "caf\xc3\xa9" "chair");
    EXPECT_TRUE(has(errorOf("class,a\ndining table,1\nDining_Table,2\n"),
                    "attrs.csv:3: class 'Dining_Table' appears twice (as 'dining table' on line 2"));
    EXPECT_TRUE(has(errorOf("class,a\n--,1\n"), "attrs.csv:2: empty class name ('--' has no letter or digit)"));
}

TEST(AttributeTable, ColumnScalingStandardisesThenNormalisesRows)
{
    const std::string csv = "#! normalize = columns\nclass,a,b,constant\nx,1,10,5\ny,3,10,5\nz,2,40,5\n";
    const auto t = AttributeTable::parse(csv, "attrs.csv");
    EXPECT_EQ(t.scaling(), AttributeScaling::Columns);
    // a: mean 2, sd sqrt(2/3); b: mean 20, sd sqrt(200); the constant column becomes 0.
    const double a = 1 / std::sqrt(2.0 / 3.0), b = 10 / std::sqrt(200.0);
    const std::vector<double> x = {-a, -b, 0};
    const double nx = std::sqrt(a * a + b * b);
    for (int d = 0; d < 3; ++d)
        EXPECT_NEAR(t.vector("x")[d], x[d] / nx, 1e-6);
    EXPECT_NEAR(t.vector("z")[1], 1.0, 1e-6); // z: a at the mean, so only b remains
    EXPECT_EQ(AttributeTable::parse(csv, "attrs.csv", AttributeScaling::Rows).scaling(), AttributeScaling::Rows);

    EXPECT_TRUE(has(errorOf("#! normalize: columns\nclass,a\nx,1\ny,1\n"), "attrs.csv:3: class 'x' has an all-zero attribute vector once the columns are standardised"));
    EXPECT_TRUE(has(errorOf("#! normalize = sideways\nclass,a\nx,1\n"), "attrs.csv:1: normalize must be 'rows'"));
    EXPECT_TRUE(has(errorOf("#! scale = rows\nclass,a\nx,1\n"), "attrs.csv:1: unknown directive '#! scale = rows'"));
    EXPECT_TRUE(has(errorOf("#! normalize = rows\n#! normalize = rows\nclass,a\nx,1\n"), "attrs.csv:2: normalize is given twice"));
}

TEST(AttributeTable, SpaceIdIsStableAndFollowsTheContent)
{
    const std::string csv = "class,furry,wheels\ncat,3,4\ncar,0,2\n";
    const auto t = AttributeTable::parse(csv, "attrs.csv");
    EXPECT_EQ(t.space().dim, 2);
    EXPECT_EQ(t.space().name, "attributes:attrs");
    EXPECT_EQ(t.space().checksum.size(), 64u);
    // Same content written differently: same space (another file name too: equality is the content).
    for (const std::string& same : {std::string("# a comment\r\nclass , hair, wheel\r\n car ,0.0,2e0\r\nCat,3,4\r\n"),
                                    std::string("#! normalize = rows\nclass,furry,wheels\ncat,0.6,0.8\ncar,0,1\n")})
        EXPECT_EQ(AttributeTable::parse(same, "other.csv").space(), t.space()) << same;
    EXPECT_EQ(AttributeTable::parse(csv, "attrs.csv").space().checksum, t.space().checksum);
    // Different content: another space.
    for (const std::string& other : {std::string("class,furry,wheels\ncat,3,5\ncar,0,2\n"),
                                     std::string("class,furry,wheels\ncat,3,4\ncar,0,2\ndog,1,0\n"),
                                     std::string("class,furry,wheels\nkitten,3,4\ncar,0,2\n"),
                                     std::string("class,wheels,furry\ncat,4,3\ncar,0.5,0\n"),
                                     std::string("#! normalize = columns\n") + csv})
        EXPECT_NE(AttributeTable::parse(other, "attrs.csv").space(), t.space()) << other;
    EXPECT_NE(AttributeTable::parse(csv, "attrs.csv", AttributeScaling::None).space(), t.space());
}

TEST(AttributeTable, ErrorsNameTheFileLineAndProblem)
{
    EXPECT_TRUE(has(errorOf("class,a,b\ncat,1\n"), "attrs.csv:2: expected a class name and 2 values, found 1"));
    EXPECT_TRUE(has(errorOf("class,a\ncat,abc\n"), "attrs.csv:2: value 'abc' of attribute 'a'"));
    EXPECT_TRUE(has(errorOf("class,a\ncat,nan\n"), "not a finite number"));
    EXPECT_TRUE(has(errorOf("class,a\ncat,1e39\n"), "not a finite number"));
    EXPECT_TRUE(has(errorOf("class,a\ncat,1\nCat,2\n"), "attrs.csv:3: class 'Cat' appears twice"));
    EXPECT_TRUE(has(errorOf("class,a\ncat,0\n"), "attrs.csv:2: class 'cat' has an all-zero attribute vector"));
    EXPECT_TRUE(has(errorOf("class,a\n"), "no class rows"));
    EXPECT_TRUE(has(errorOf("# only a comment\n"), "no header"));
    EXPECT_TRUE(has(errorOf("class\n"), "attrs.csv:1: the header needs 'class' and at least one attribute name"));
    EXPECT_TRUE(has(errorOf("class,a,\n"), "attrs.csv:1: attribute 2 has no name"));
    EXPECT_TRUE(has(errorOf("class,a\n\"cat,1\n"), "unterminated quote"));
}

TEST(AttributeTable, UnknownClassNamesTheFileAndTheClosestClasses)
{
    const auto t = AttributeTable::parse("class,a\nzebra,1\nbear,2\nhorse,3\nshark,4\n", "zoo.csv");
    try {
        t.vector("zebar");
        FAIL();
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_TRUE(has(m, "zoo.csv: class 'zebar' is not in this attribute table")) << m;
        EXPECT_TRUE(has(m, "cannot embed other words")) << m;
        EXPECT_TRUE(has(m, "Closest: zebra, bear")) << m;
    }
    EXPECT_EQ(t.closest("hose", 2), (std::vector<std::string>{"horse", "bear"}));
}

TEST(AttributeTable, LoadsFromFile)
{
    test::TempDir dir;
    writeFileAtomic(dir / "zoo.csv", "class,stripes,legs\nzebra,1,4\nsnake,0.5,0\n");
    const auto t = AttributeTable::load(dir / "zoo.csv");
    EXPECT_EQ(t.size(), 2);
    EXPECT_EQ(t.space().name, "attributes:zoo");
    EXPECT_TRUE(has(t.source(), "zoo.csv"));
    EXPECT_THROW(AttributeTable::load(dir / "missing.csv"), Error);
}

TEST(AttributeTable, DecimalsParseUnderAnyNumberLocaleAndTinyValuesAreZero)
{
    // The GUI runs with the user's locale (Qt sets it); a comma-decimal locale must not change "0.5".
    const char* commaLocales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8"};
    std::string previous = std::setlocale(LC_NUMERIC, nullptr);
    bool switched = false;
    for (const char* l : commaLocales)
        if (std::setlocale(LC_NUMERIC, l)) {
            switched = std::string(l) != "C.UTF-8";
            break;
        }
    const auto t = AttributeTable::parse("class,a,b\ncat,0.5,+1.25e1\ndog,1e-320,-2.5\n", "attrs.csv", AttributeScaling::None);
    std::setlocale(LC_NUMERIC, previous.c_str());
    EXPECT_EQ(t.vector("cat"), (std::vector<float>{0.5f, 12.5f}));
    EXPECT_EQ(t.vector("dog"), (std::vector<float>{0.0f, -2.5f}));
    EXPECT_TRUE(has(errorOf("class,a\ncat,1e400\n"), "not a finite number"));
    EXPECT_TRUE(has(errorOf("class,a\ncat,0,5\n"), "attrs.csv"));
    if (!switched)
        GTEST_SKIP() << "no comma-decimal locale installed: parsed under the C locale only";
}
