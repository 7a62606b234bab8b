// Export of the current document (unsaved edits included), import into a document and a project
// (one undo step, wrong sizes refused), statistics with open documents' unsaved edits, CSV files.
#include "ui/document/imagedocument.h"
#include "ui/export/exportjobs.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/image_io.h"
#include "core/io/labelpng.h"
#include "core/io/project.h"
#include "tests/support/testdir.h"

#include <QUndoStack>
#include <gtest/gtest.h>

using namespace zm;
using namespace zm::ui;

namespace {

ClassTable catsAndDogs() { return ClassTable::fromTyped({"cat", "dog"}); }

LabelMap stripes(int w, int h)
{
    LabelMap m(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at(x, y) = x < w / 3 ? LabelMap::kVoid : std::uint16_t(x < 2 * w / 3 ? 0 : 1);
    return m;
}

} // namespace

TEST(ExportJobs, ExportsTheDocumentAsItIsInMemory)
{
    test::TempDir dir;
    ImageDocument doc(QString::fromStdString((dir / "photo.jpg").string()));
    doc.setImage(Image(9, 4, 3));
    const LabelMap labels = stripes(9, 4);
    std::vector<std::uint8_t> conf(labels.ids.size(), 1);
    doc.applyLabels(doc.bounds(), labels.ids, conf);
    ExportOptions opt;
    opt.formats = {ExportFormat::Voc, ExportFormat::Id, ExportFormat::Coco, ExportFormat::Preview};
    exportDocument(dir / "out", doc, catsAndDogs(), opt);
    for (const char* f : {"labelmap.json", "class_names.txt", "voc/photo.png", "id/photo.png", "coco.json",
                          "preview/photo.png"})
        EXPECT_TRUE(std::filesystem::exists(dir / "out" / f)) << f;
    EXPECT_EQ(readLabelPng(dir / "out" / "voc" / "photo.png", catsAndDogs(), 9, 4), labels);
    EXPECT_EQ(readLabelPng(dir / "out" / "id" / "photo.png", catsAndDogs(), 9, 4), labels);

    ImageDocument empty(QStringLiteral("none.png"));
    EXPECT_THROW(exportDocument(dir / "out2", empty, catsAndDogs(), opt), zm::Error);
}

TEST(ExportJobs, ImportIntoDocumentIsOneStepAndRefusesWrongSizes)
{
    test::TempDir dir;
    const LabelMap labels = stripes(9, 4);
    writePalettePng(dir / "photo.png", labels, catsAndDogs());
    ImageDocument doc(QString::fromStdString((dir / "photo.jpg").string()));
    doc.setImage(Image(9, 4, 3));
    doc.setPrediction(LabelMap(9, 4, 1), {});
    EXPECT_GT(importIntoDocument(doc, dir / "photo.png", catsAndDogs()), 0u);
    EXPECT_EQ(doc.undoStack()->count(), 1);
    for (int x = 0; x < 9; ++x) {
        const bool imported = labels.at(x, 0) != LabelMap::kVoid;
        EXPECT_EQ(doc.labels().at(x, 0), imported ? labels.at(x, 0) : 1);
        EXPECT_EQ(doc.confirmed()[std::size_t(x)], imported ? 1 : 0);
    }
    ImageDocument other(QStringLiteral("big.jpg"));
    other.setImage(Image(10, 4, 3));
    try {
        importIntoDocument(other, dir / "photo.png", catsAndDogs());
        FAIL() << "size mismatch must be refused";
    } catch (const zm::Error& e) {
        EXPECT_NE(std::string(e.what()).find("photo.png"), std::string::npos) << e.what();
    }
    EXPECT_EQ(other.undoStack()->count(), 0);
    // Ids the table does not know are refused too.
    LabelMap unknown(9, 4, 7);
    writeIdPng(dir / "unknown.png", unknown, ClassTable::fromTyped({"a", "b", "c", "d", "e", "f", "g", "h"}));
    EXPECT_THROW(importIntoDocument(doc, dir / "unknown.png", catsAndDogs()), zm::Error);
    EXPECT_EQ(doc.undoStack()->count(), 1);
}

TEST(ExportJobs, StatisticsCountOpenDocumentsWithTheirUnsavedEdits)
{
    test::TempDir dir;
    std::filesystem::create_directories(dir / "img");
    saveImage(dir / "img" / "a.png", Image(4, 2, 3));
    saveImage(dir / "img" / "b.png", Image(4, 2, 3));
    saveImage(dir / "img" / "c.png", Image(4, 2, 3));
    auto project = Project::openOrCreate(dir / "img" / "zeromask-project", dir / "img");
    project->setClasses(catsAndDogs());
    // a.png: saved, predicted all cat, nothing confirmed.
    project->save("a.png", stateFromPrediction(LabelMap(4, 2, 0)));
    // b.png: open with unsaved edits: predicted cat, a person set 2 pixels to dog.
    ImageDocument b(QString::fromStdString((dir / "img" / "b.png").string()));
    b.setImage(Image(4, 2, 3));
    b.setPrediction(LabelMap(4, 2, 0), {});
    b.applyLabels(QRect(0, 0, 2, 1), {1, 1}, {1, 1});
    NullProgress progress;
    const auto stats = collectStats(*project, [&](const std::string& key) { return key == "b.png" ? &b : nullptr; },
                                    progress);
    ASSERT_EQ(stats.size(), 2u); // c.png has no labels at all
    EXPECT_EQ(stats[0].image, "a.png");
    EXPECT_EQ(stats[0].counts.at(0), 8u);
    EXPECT_EQ(stats[1].image, "b.png");
    EXPECT_EQ(stats[1].counts.at(1), 2u);
    EXPECT_EQ(stats[1].changed, 2u);
    const LabelStats all = totalStats(stats);
    EXPECT_DOUBLE_EQ(all.changedShare(), 2.0 / 16.0);

    writeStatsCsv(dir / "stats", stats, catsAndDogs());
    const std::string counts = readFile(dir / "stats" / "class_counts.csv");
    EXPECT_NE(counts.find("b.png"), std::string::npos);
    EXPECT_NE(counts.find("ALL"), std::string::npos);
    EXPECT_NE(readFile(dir / "stats" / "edits.csv").find("ALL"), std::string::npos);
}

TEST(ExportJobs, ProjectImportUpdatesOpenDocumentsAsAnUndoStep)
{
    test::TempDir dir;
    std::filesystem::create_directories(dir / "img");
    saveImage(dir / "img" / "a.png", Image(9, 4, 3));
    auto project = Project::openOrCreate(dir / "img" / "zeromask-project", dir / "img");
    project->setClasses(catsAndDogs());
    std::filesystem::create_directories(dir / "labels");
    const LabelMap labels = stripes(9, 4);
    writePalettePng(dir / "labels" / "a.png", labels, catsAndDogs());
    ImageDocument a(QString::fromStdString((dir / "img" / "a.png").string()));
    a.setImage(Image(9, 4, 3));
    NullProgress progress;
    const ImportSummary s =
        importIntoProject(*project, dir / "labels", [&](const std::string& k) { return k == "a.png" ? &a : nullptr; },
                          progress);
    EXPECT_EQ(s.imported, 1);
    EXPECT_EQ(a.labels(), labels);
    EXPECT_EQ(a.undoStack()->count(), 1);
    a.undoStack()->undo();
    EXPECT_EQ(a.labels(), LabelMap(9, 4));
}
