// Every export format written and read back gives the same label map; project export and import.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/exporter.h"
#include "core/io/image_io.h"
#include "core/io/project.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <random>

using namespace zm;
namespace fs = std::filesystem;

namespace {
LabelMap randomLabels(int w, int h, unsigned seed, int classes)
{
    std::mt19937 rng(seed);
    LabelMap m(w, h);
    for (auto& v : m.ids)
        v = rng() % 6 == 0 ? LabelMap::kVoid : std::uint16_t(rng() % unsigned(classes));
    return m;
}
} // namespace

TEST(Exporter, EveryFormatRoundTrips)
{
    test::TempDir dir;
    const ClassTable t = ClassTable::fromTyped({"cat; kitten", "dog", "sofa"});
    const LabelMap m = randomLabels(21, 13, 9, 3);
    ExportOptions o;
    o.formats = {ExportFormat::Voc, ExportFormat::Id, ExportFormat::Coco, ExportFormat::Preview};
    writeExportMetadata(dir.path(), t, o);
    exportImage(dir.path(), "x", "x.jpg", 1, m, t, o);
    EXPECT_EQ(mergeCocoFolder(dir.path()), 1);
    const ClassTable back = ClassTable::load(dir / "labelmap.json");
    EXPECT_EQ(back, t);
    EXPECT_EQ(importLabels(dir / "voc" / "x.png", back, "x.jpg", 21, 13), m);
    EXPECT_EQ(importLabels(dir / "id" / "x.png", back, "x.jpg", 21, 13), m);
    EXPECT_EQ(importLabels(dir / "coco.json", back, "x.jpg", 21, 13), m);
    EXPECT_TRUE(fs::exists(dir / "preview" / "x.png"));
    EXPECT_TRUE(fs::exists(dir / "class_names.txt"));
    EXPECT_THROW(importLabels(dir / "voc" / "x.png", back, "x.jpg", 20, 13), Error);
    EXPECT_THROW(parseExportFormat("tiff"), Error);
}

TEST(Exporter, SixteenBitIdRoundTrip)
{
    test::TempDir dir;
    ClassTable t;
    for (int i = 0; i < 400; ++i)
        t.add("class" + std::to_string(i));
    LabelMap m = randomLabels(9, 9, 3, 255);
    m.ids[0] = 399 + 1; // id 400 (255 is skipped)
    ExportOptions o;
    o.formats = {ExportFormat::Id, ExportFormat::Coco};
    exportImage(dir.path(), "y", "y.png", 1, m, t, o);
    EXPECT_EQ(importLabels(dir / "id" / "y.png", t, "y.png", 9, 9), m);
}

TEST(Exporter, OutputNamesAvoidStemCollisions)
{
    const auto n = outputNames({"a.jpg", "a.png", "b.png"});
    EXPECT_EQ(n, (std::vector<std::string>{"a.jpg", "a.png", "b"}));
}

TEST(Exporter, ProjectExportThenImportIntoNewProject)
{
    test::TempDir dir;
    const fs::path images = dir / "images";
    fs::create_directories(images);
    for (int i = 0; i < 3; ++i)
        saveImage(images / ("im" + std::to_string(i) + ".png"), Image(10, 7, 3));
    const ClassTable t = ClassTable::fromTyped({"a", "b"});
    std::vector<LabelMap> truth;
    {
        auto p = Project::openOrCreate(dir / "p1", images);
        p->setClasses(t);
        for (int i = 0; i < 2; ++i) { // im2 stays unannotated
            truth.push_back(randomLabels(10, 7, unsigned(i), 2));
            p->save("im" + std::to_string(i) + ".png", stateFromImport(truth.back()));
        }
        ExportOptions o;
        o.formats = {ExportFormat::Voc, ExportFormat::Coco};
        NullProgress progress;
        const auto s = exportProject(*p, dir / "out", o, progress);
        EXPECT_EQ(s.images, 2);
        EXPECT_EQ(s.skipped, 1);
    }
    for (const char* source : {"out", "out/coco.json"}) {
        auto q = Project::openOrCreate(dir / ("p2-" + std::string(source[3] ? "coco" : "voc")), images);
        NullProgress progress;
        const auto s = importIntoProject(*q, dir / source, progress);
        EXPECT_EQ(s.imported, 2) << source;
        EXPECT_EQ(s.missing, std::vector<std::string>{"im2.png"}) << source;
        EXPECT_EQ(q->classes(), t) << source;
        for (int i = 0; i < 2; ++i) {
            const auto st = q->load("im" + std::to_string(i) + ".png");
            EXPECT_EQ(st.labels, truth[std::size_t(i)]) << source;
            EXPECT_EQ(st.confirmedCount(), std::size_t(std::count_if(truth[std::size_t(i)].ids.begin(), truth[std::size_t(i)].ids.end(),
                                                                     [](std::uint16_t v) { return v != LabelMap::kVoid; })));
        }
    }
}

TEST(Exporter, ImportRefusesMismatchedSizeAndLeavesProjectUntouched)
{
    test::TempDir dir;
    const fs::path images = dir / "images";
    fs::create_directories(images);
    saveImage(images / "a.png", Image(10, 7, 3));
    const ClassTable t = ClassTable::fromTyped({"a"});
    ExportOptions o;
    o.formats = {ExportFormat::Voc};
    writeExportMetadata(dir / "labels", t, o);
    exportImage(dir / "labels", "a", "a.png", 1, LabelMap(7, 10, 0), t, o); // transposed size
    auto p = Project::openOrCreate(dir / "p", images);
    NullProgress progress;
    try {
        importIntoProject(*p, dir / "labels", progress);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("7x10"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(p->annotated().empty());
}

TEST(Exporter, ProjectExportOfChosenImages)
{
    test::TempDir dir;
    const fs::path images = dir / "images";
    fs::create_directories(images);
    for (int i = 0; i < 3; ++i)
        saveImage(images / ("im" + std::to_string(i) + ".png"), Image(6, 5, 3));
    auto p = Project::openOrCreate(dir / "p", images);
    p->setClasses(ClassTable::fromTyped({"a", "b"}));
    for (int i = 0; i < 3; ++i)
        p->save("im" + std::to_string(i) + ".png", stateFromImport(LabelMap(6, 5, std::uint16_t(i % 2))));
    ExportOptions o;
    o.formats = {ExportFormat::Id, ExportFormat::Coco};
    NullProgress progress;
    const auto s = exportProject(*p, dir / "out", o, progress, {"im1.png"});
    EXPECT_EQ(s.images, 1);
    EXPECT_TRUE(fs::exists(dir / "out" / "id" / "im1.png"));
    EXPECT_FALSE(fs::exists(dir / "out" / "id" / "im0.png"));
    EXPECT_EQ(loadJsonFile(dir / "out" / "coco.json")["images"].size(), 1u);
    EXPECT_THROW(exportProject(*p, dir / "out", o, progress, {"nope.png"}), Error);
}
