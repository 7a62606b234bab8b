// COCO JSON: write, merge, read back the same label map; import refusals.
#include "core/common/error.h"
#include "core/io/cocojson.h"
#include "core/io/cocorle.h"

#include <gtest/gtest.h>

#include <random>

using namespace zm;

TEST(CocoJson, RoundTripThroughMergedFile)
{
    const ClassTable t = ClassTable::fromTyped({"cat; kitten", "dog", "sofa"});
    std::mt19937 rng(5);
    LabelMap a(19, 11), b(8, 8, 2);
    for (auto& v : a.ids)
        v = rng() % 4 == 3 ? LabelMap::kVoid : std::uint16_t(rng() % 3);
    const Json coco = cocoMerge({cocoImagePart(2, "b.jpg", b), cocoImagePart(1, "dir/a.jpg", a)}, t);
    // Through text, as a file would be.
    const Json back = Json::parse(coco.dump());
    EXPECT_EQ(back["images"][0]["file_name"], "dir/a.jpg"); // sorted by image id
    EXPECT_EQ(back["categories"].size(), 3u);
    EXPECT_EQ(back["annotations"][0]["id"], 1);
    EXPECT_EQ(cocoReadLabels(back, "x.json", "dir/a.jpg", t, 19, 11), a);
    EXPECT_EQ(cocoReadLabels(back, "x.json", "a.jpg", t), a); // by base name
    EXPECT_EQ(cocoReadLabels(back, "x.json", "b.jpg", t), b);
    EXPECT_EQ(cocoClassTable(back, "x.json").at(0).synonyms, std::vector<std::string>{"kitten"});
    // One annotation per class present per image, area and bbox filled in.
    EXPECT_EQ(back["annotations"].size(), 3u + 1u);
    const auto& last = back["annotations"][3];
    EXPECT_EQ(last["category_id"], 2);
    EXPECT_EQ(last["area"], 64);
    EXPECT_EQ(last["bbox"], Json({0.0, 0.0, 8.0, 8.0}));
}

TEST(CocoJson, ReadsUncompressedRleAndPolygons)
{
    const ClassTable t = ClassTable::fromTyped({"a", "b"});
    const Json coco = Json::parse(R"({
      "images": [{"id": 7, "file_name": "x.png", "width": 4, "height": 3}],
      "annotations": [
        {"image_id": 7, "category_id": 0, "segmentation": {"size": [3, 4], "counts": [3, 3, 6]}},
        {"image_id": 7, "category_id": 1, "segmentation": [[3, 0, 3, 2, 3, 2]]}
      ],
      "categories": [{"id": 0, "name": "a"}, {"id": 1, "name": "b"}]})");
    const LabelMap m = cocoReadLabels(coco, "c.json", "x.png", t);
    // counts [3 3 6] column-major: column 0 void, column 1 class 0, columns 2-3 void.
    EXPECT_EQ(m.at(0, 0), LabelMap::kVoid);
    EXPECT_EQ(m.at(1, 0), 0);
    EXPECT_EQ(m.at(1, 2), 0);
    EXPECT_EQ(m.at(2, 1), LabelMap::kVoid);
    EXPECT_EQ(m.at(3, 1), 1); // the degenerate polygon still marks its line
}

TEST(CocoJson, RefusesWrongSizeUnknownCategoryMissingImage)
{
    const ClassTable t = ClassTable::fromTyped({"a"});
    const Json coco = cocoMerge({cocoImagePart(1, "a.png", LabelMap(4, 4, 0))}, t);
    EXPECT_THROW(cocoReadLabels(coco, "c.json", "a.png", t, 5, 4), Error);
    EXPECT_THROW(cocoReadLabels(coco, "c.json", "missing.png", t), Error);
    Json bad = coco;
    bad["annotations"][0]["category_id"] = 9;
    try {
        cocoReadLabels(bad, "c.json", "a.png", t);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("category id 9"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("c.json"), std::string::npos) << e.what();
    }
    bad = coco;
    bad["annotations"][0]["segmentation"]["counts"] = "!!";
    EXPECT_THROW(cocoReadLabels(bad, "c.json", "a.png", t), Error);
}
