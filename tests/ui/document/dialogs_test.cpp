// The export and statistics dialogs and the import actions, offscreen: they do the work of
// exportjobs and show refusals as messages instead of throwing.
#include "ui/document/imagedocument.h"
#include "ui/export/exportactions.h"
#include "ui/export/exportdialog.h"
#include "ui/export/statisticsdialog.h"

#include "core/io/image_io.h"
#include "core/io/labelpng.h"
#include "core/io/project.h"
#include "tests/support/testdir.h"

#include <QAction>
#include <QTableWidget>
#include <QUndoStack>
#include <QWidget>
#include <gtest/gtest.h>

using namespace zm;
using namespace zm::ui;

namespace {

struct DialogSetup {
    test::TempDir dir;
    std::unique_ptr<Project> project;
    std::unique_ptr<ImageDocument> doc;
    ClassTable classes = ClassTable::fromTyped({"cat", "dog"});
    DialogSetup()
    {
        std::filesystem::create_directories(dir / "img");
        saveImage(dir / "img" / "a.png", Image(6, 4, 3));
        saveImage(dir / "img" / "b.png", Image(6, 4, 3));
        project = Project::openOrCreate(dir / "img" / "zeromask-project", dir / "img");
        project->setClasses(classes);
        project->save("b.png", stateFromPrediction(LabelMap(6, 4, 1)));
        doc = std::make_unique<ImageDocument>(QString::fromStdString((dir / "img" / "a.png").string()));
        doc->setImage(Image(6, 4, 3));
        doc->setPrediction(LabelMap(6, 4, 0), {});
        doc->applyLabels(QRect(0, 0, 3, 1), {1, 1, 1}, {1, 1, 1});
    }
    EditContext context()
    {
        EditContext c;
        c.current = doc.get();
        c.project = project.get();
        c.classes = classes;
        c.documentFor = [this](const std::string& k) { return k == "a.png" ? doc.get() : nullptr; };
        c.saveAll = [this](QString*) {
            project->save("a.png", doc->state());
            doc->markSaved();
            return true;
        };
        return c;
    }
};

} // namespace

TEST(ExportDialog, ExportsCurrentImageAndWholeProject)
{
    DialogSetup s;
    ExportDialog dlg(s.context());
    dlg.setOutputFolder(QString::fromStdString((s.dir / "one").string()));
    QString error;
    ASSERT_TRUE(dlg.runExport(&error)) << error.toStdString();
    EXPECT_EQ(readLabelPng(s.dir / "one" / "voc" / "a.png", s.classes, 6, 4), s.doc->labels());

    dlg.setWholeProject(true);
    dlg.setOutputFolder(QString::fromStdString((s.dir / "all").string()));
    ASSERT_TRUE(dlg.runExport(&error)) << error.toStdString();
    EXPECT_EQ(dlg.exportedImages(), 2);
    EXPECT_EQ(readLabelPng(s.dir / "all" / "voc" / "a.png", s.classes, 6, 4), s.doc->labels());
    EXPECT_EQ(readLabelPng(s.dir / "all" / "voc" / "b.png", s.classes, 6, 4), LabelMap(6, 4, 1));

    // An unwritable target (a file where the folder should be) is a message, not a crash.
    FILE* f = fopen((s.dir / "blocked").c_str(), "w");
    fclose(f);
    dlg.setWholeProject(false);
    dlg.setOutputFolder(QString::fromStdString((s.dir / "blocked").string()));
    EXPECT_FALSE(dlg.runExport(&error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(StatisticsDialog, CountsPerClassForImageAndProject)
{
    DialogSetup s;
    StatisticsDialog dlg(s.context());
    ASSERT_EQ(dlg.stats().size(), 1u);
    EXPECT_EQ(dlg.total().counts.at(1), 3u);
    EXPECT_EQ(dlg.total().counts.at(0), 21u);
    EXPECT_EQ(dlg.total().changed, 3u);
    EXPECT_EQ(dlg.table()->rowCount(), 2);
    EXPECT_TRUE(dlg.summaryText().contains(QStringLiteral("12.50 %"))) << dlg.summaryText().toStdString();
    dlg.setScope(1);
    ASSERT_EQ(dlg.stats().size(), 2u);
    EXPECT_EQ(dlg.total().counts.at(1), 3u + 24u);
    QString error;
    ASSERT_TRUE(dlg.exportCsv(QString::fromStdString((s.dir / "csv").string()), &error));
    EXPECT_TRUE(std::filesystem::exists(s.dir / "csv" / "class_counts.csv"));
    EXPECT_TRUE(std::filesystem::exists(s.dir / "csv" / "edits.csv"));
}

TEST(ExportActions, ImportRefusesMisfitsWithAMessage)
{
    DialogSetup s;
    QWidget host;
    ExportActions actions([&] { return s.context(); }, &host);
    EXPECT_EQ(actions.actions().size(), 4);
    writePalettePng(s.dir / "small.png", LabelMap(5, 4, 0), s.classes);
    QString error;
    EXPECT_FALSE(actions.importForCurrentImage(QString::fromStdString((s.dir / "small.png").string()), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("small.png"))) << error.toStdString();
    EXPECT_EQ(s.doc->undoStack()->count(), 0);
    LabelMap fits(6, 4);
    fits.at(5, 3) = 1;
    writePalettePng(s.dir / "fits.png", fits, s.classes);
    EXPECT_TRUE(actions.importForCurrentImage(QString::fromStdString((s.dir / "fits.png").string()), &error));
    EXPECT_EQ(s.doc->labels().at(5, 3), 1);
    EXPECT_EQ(s.doc->undoStack()->count(), 1);
}
