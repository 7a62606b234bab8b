// Label map file: stable ids, typed names with synonyms, JSON round trip, refusals.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/classtable.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

using namespace zm;

TEST(ClassTable, SplitsCliClassListIntoClassesAndSynonyms)
{
    const auto typed = ClassTable::splitClassList("cat; kitten, dog, sofa");
    ASSERT_EQ(typed.size(), 3u);
    const ClassTable t = ClassTable::fromTyped(typed);
    ASSERT_EQ(t.size(), 3);
    EXPECT_EQ(t.at(0).name, "cat");
    EXPECT_EQ(t.at(0).synonyms, std::vector<std::string>{"kitten"});
    EXPECT_EQ(t.at(0).typed(), "cat; kitten");
    EXPECT_EQ(t.at(2).name, "sofa");
    EXPECT_EQ(t.findByName("Kitten")->id, 0);
}

TEST(ClassTable, IdsAreStableAndNeverReused)
{
    ClassTable t = ClassTable::fromTyped({"a", "b", "c"});
    t.remove(1);
    const auto d = t.add("d");
    EXPECT_EQ(d, 3);
    EXPECT_FALSE(t.contains(1));
    t.rename(2, "see", {"sea"});
    EXPECT_EQ(t.at(2).name, "see");
    EXPECT_THROW(t.add("A"), Error); // duplicate names, case-insensitive
    EXPECT_THROW(t.at(1), Error);
}

TEST(ClassTable, SkipsIgnoreIndexWhenAllocating)
{
    ClassTable t;
    for (int i = 0; i < 300; ++i)
        t.add("c" + std::to_string(i));
    EXPECT_FALSE(t.contains(255));
    EXPECT_EQ(t.maxId(), 300);
}

TEST(ClassTable, JsonRoundTripKeepsEverything)
{
    test::TempDir dir;
    ClassTable t = ClassTable::fromTyped({"cat; kitten", "dog", "sofa"});
    t.remove(1);
    t.setColor(2, {1, 2, 3});
    t.model = {{"name", "default"}, {"path", "models/default"}};
    t.save(dir / "labelmap.json");
    const Json j = loadJsonFile(dir / "labelmap.json");
    EXPECT_EQ(j["format"], "zeromask-labelmap");
    EXPECT_EQ(j["version"], 1);
    EXPECT_EQ(j["ignore_index"], 255);
    const ClassTable back = ClassTable::load(dir / "labelmap.json");
    EXPECT_EQ(back, t);
    EXPECT_EQ(back.nextId(), 3); // a deleted id stays retired after reload
}

TEST(ClassTable, RefusesBadFilesWithTheirName)
{
    test::TempDir dir;
    const auto bad = [&](const std::string& text) {
        writeFileAtomic(dir / "lm.json", text);
        try {
            ClassTable::load(dir / "lm.json");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(bad(R"({"format":"other","version":1,"classes":[]})").find("lm.json"), std::string::npos);
    EXPECT_NE(bad(R"({"format":"zeromask-labelmap","version":9,"classes":[]})").find("version 9"), std::string::npos);
    EXPECT_NE(bad(R"({"format":"zeromask-labelmap","version":1,"classes":[{"id":1,"name":"a"},{"id":1,"name":"b"}]})")
                  .find("twice"),
              std::string::npos);
    EXPECT_NE(bad(R"({"format":"zeromask-labelmap","version":1,"classes":[{"id":255,"name":"a"}]})").find("ignore"),
              std::string::npos);
}

TEST(ClassTable, VocPaletteMatchesVoc)
{
    const auto& p = vocPalette();
    EXPECT_EQ(p[0], (Rgb{0, 0, 0}));
    EXPECT_EQ(p[1], (Rgb{128, 0, 0}));
    EXPECT_EQ(p[2], (Rgb{0, 128, 0}));
    EXPECT_EQ(p[15], (Rgb{192, 128, 128})); // person
    EXPECT_EQ(p[255], (Rgb{224, 224, 192}));
}

TEST(ClassTable, CheckIdsNamesTheUnknownId)
{
    const ClassTable t = ClassTable::fromTyped({"a"});
    LabelMap m(3, 2, 0);
    m.at(2, 1) = 7;
    try {
        t.checkIds(m, "x.png");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("class id 7"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("x.png"), std::string::npos) << e.what();
    }
}
