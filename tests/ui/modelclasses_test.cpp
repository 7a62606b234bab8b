// A first start shows masks without typing: the model's classes fill an empty class list that the person
// never set (ui/app/modelclasses.h); a list the person emptied is not refilled; "Add the model's classes"
// adds only the missing ones; a project's own class table is never overwritten. The real window,
// offscreen, with the fake colour model whose "card" names red, green, background (seen) and blue (unseen).
#include "tests/ui/support/uitest.h"
#include "ui/app/mainwindow.h"
#include "ui/app/modelclasses.h"
#include "ui/document/imagedocument.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/classespanel.h"

#include "core/io/classtable.h"
#include "core/io/project.h"

#include <QAction>
#include <QPushButton>
#include <QStatusBar>
#include <gtest/gtest.h>

using namespace zm;

namespace {

struct FirstStart {
    test::TempDir dir;
    std::shared_ptr<test::FakeBackend> backend = std::make_shared<test::FakeBackend>();
    std::shared_ptr<test::FakeEmbedder> embedder = std::make_shared<test::FakeEmbedder>();

    FirstStart()
    {
        test::isolateSettings(); // no saved class list, no "classes/edited": a first start
        backend->seen = {QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("background")};
        backend->unseen = {QStringLiteral("blue")};
        embedder->addWord("background", {1, 1, 1}); // never the best match of a saturated colour
        saveImage(dir / "a.png", test::threeColourImage(40, 20));
    }
    /// A window as the app starts it: settings restored, vectors loaded; the model comes later.
    std::unique_ptr<ui::MainWindow> start() const
    {
        auto w = std::make_unique<ui::MainWindow>(nullptr, false);
        w->setEmbedder(embedder);
        return w;
    }
    QString image() const { return QString::fromStdString((dir / "a.png").string()); }
    std::filesystem::path labelmap() const { return dir / "zeromask-project" / "labelmap.json"; }
    QStringList onDisk() const
    {
        QStringList names;
        if (!std::filesystem::exists(labelmap()))
            return names;
        const zm::ClassTable table = zm::ClassTable::load(labelmap());
        for (const zm::ClassEntry& e : table.classes())
            names << QString::fromStdString(e.typed());
        return names;
    }
};

QStringList names(const ui::MainWindow& w)
{
    QStringList out;
    for (const ui::ClassEntry& e : w.classes()->entries())
        out << e.name;
    return out;
}

std::uint16_t idOf(const ui::MainWindow& w, const QString& name)
{
    for (const ui::ClassEntry& e : w.classes()->entries())
        if (e.name == name)
            return e.id;
    ADD_FAILURE() << "no class " << name.toStdString();
    return 0;
}

/// The person deletes a class in the Classes panel: select it, press Delete.
void deleteInPanel(ui::MainWindow& w, const QString& name)
{
    w.classesPanel()->selectId(idOf(w, name));
    auto* button = w.classesPanel()->findChild<QPushButton*>(QStringLiteral("ClassDeleteButton"));
    ASSERT_NE(button, nullptr);
    ASSERT_TRUE(button->isEnabled());
    button->click();
}

QAction* addModelClassesAction(ui::MainWindow& w)
{
    return w.findChild<QAction*>(QStringLiteral("AddModelClassesAction"));
}

const QStringList kModelOrder{QStringLiteral("background"), QStringLiteral("red"), QStringLiteral("green"),
                              QStringLiteral("blue")};

} // namespace

TEST(ModelClasses, NamesAreSeenThenUnseenWithBackgroundFirst)
{
    test::FakeBackend b;
    b.seen = {QStringLiteral("red"), QStringLiteral(" green "), QStringLiteral("Background"), QStringLiteral("")};
    b.unseen = {QStringLiteral("blue"), QStringLiteral("RED")};
    EXPECT_EQ(ui::ModelClasses::namesOf(&b), (QStringList{QStringLiteral("Background"), QStringLiteral("red"),
                                                          QStringLiteral("green"), QStringLiteral("blue")}));
    b.seen = {QStringLiteral("red")};
    EXPECT_EQ(ui::ModelClasses::namesOf(&b), (QStringList{QStringLiteral("red"), QStringLiteral("blue")}));
    EXPECT_TRUE(ui::ModelClasses::namesOf(nullptr).isEmpty());
}

TEST(ModelClasses, FirstStartFillsTheListWithTheModelsClassesAndMasksAppear)
{
    FirstStart f;
    auto w = f.start();
    w->openPaths({f.image()});
    ASSERT_TRUE(test::waitFor([&] { return w->currentDocument() && !w->currentDocument()->image().empty(); }));
    ui::ImageDocument* doc = w->currentDocument();
    EXPECT_EQ(w->classes()->rowCount(), 0);
    ASSERT_FALSE(addModelClassesAction(*w)->isEnabled()); // no model yet

    // The model arrives (as from the loader): the empty list takes its classes, background first.
    w->setBackend(f.backend);
    EXPECT_EQ(names(*w), kModelOrder);
    EXPECT_TRUE(addModelClassesAction(*w)->isEnabled());
    const QString said = w->statusBar()->currentMessage();
    EXPECT_TRUE(said.contains(QStringLiteral("Classes from the model fake colour model: 4"))) << said.toStdString();
    for (const ui::ClassEntry& e : w->classes()->entries())
        EXPECT_FALSE(e.vector.empty()) << e.name.toStdString() << ": " << e.problem.toStdString();

    // Masks appear as after typing: each colour takes its class, nothing typed.
    const std::uint16_t red = idOf(*w, QStringLiteral("red")), green = idOf(*w, QStringLiteral("green")),
                        blue = idOf(*w, QStringLiteral("blue"));
    ASSERT_TRUE(test::waitFor([&] { return !doc->labels().empty() && doc->labels().at(30, 10) == green; }));
    EXPECT_EQ(doc->labels().at(15, 15), red);
    EXPECT_EQ(doc->labels().at(2, 2), blue);
    EXPECT_GE(f.backend->scoreCount, 1);
    // They reach the project like typed classes; the fill is not the person's choice, so it is not remembered
    // as one.
    ASSERT_TRUE(test::waitFor([&] { return f.onDisk() == kModelOrder; })) << f.onDisk().join(',').toStdString();
    EXPECT_FALSE(w->modelClasses()->listWasSet());
    EXPECT_FALSE(QSettings().value(QLatin1String(ui::ModelClasses::kEditedKey), false).toBool());
}

TEST(ModelClasses, ClassesThePersonRemovedAreNotRefilledOnTheNextStart)
{
    FirstStart f;
    {
        auto w = f.start();
        w->openPaths({f.image()});
        w->setBackend(f.backend);
        ASSERT_EQ(names(*w), kModelOrder);
        deleteInPanel(*w, QStringLiteral("blue"));
        EXPECT_TRUE(w->modelClasses()->listWasSet());
        EXPECT_TRUE(QSettings().value(QLatin1String(ui::ModelClasses::kEditedKey)).toBool());
        EXPECT_TRUE(w->close());
    }
    const QStringList three{QStringLiteral("background"), QStringLiteral("red"), QStringLiteral("green")};
    {
        // Second start (folder, then the model, as the app does): the person's three classes, blue not back.
        auto w = f.start();
        w->openPaths({f.image()});
        w->setBackend(f.backend);
        EXPECT_EQ(names(*w), three);
        // Now every class goes.
        for (const QString& n : three)
            deleteInPanel(*w, n);
        EXPECT_EQ(w->classes()->rowCount(), 0);
        EXPECT_TRUE(w->close());
    }
    {
        // Third start: an empty list, empty settings list and project table, but the person emptied it.
        auto w = f.start();
        w->setBackend(f.backend);
        EXPECT_EQ(w->classes()->rowCount(), 0);
        w->openPaths({f.image()});
        EXPECT_EQ(w->classes()->rowCount(), 0);
        EXPECT_FALSE(w->statusBar()->currentMessage().contains(QStringLiteral("Classes from the model")));
        QTest::qWait(400); // the project's label map stays empty too (debounced writes)
        EXPECT_TRUE(f.onDisk().isEmpty()) << f.onDisk().join(',').toStdString();
        // Asked for, they come back.
        addModelClassesAction(*w)->trigger();
        EXPECT_EQ(names(*w), kModelOrder);
    }
}

TEST(ModelClasses, AddTheModelsClassesAddsOnlyTheMissingOnes)
{
    FirstStart f;
    auto w = f.start();
    QAction* add = addModelClassesAction(*w);
    ASSERT_NE(add, nullptr);
    EXPECT_FALSE(add->toolTip().isEmpty());
    EXPECT_FALSE(add->isEnabled());
    // The person's own classes first: "red" is a synonym of theirs (another case), "sky" is not the model's.
    for (const QString& typed : {QStringLiteral("crimson; Red"), QStringLiteral("sky")}) {
        w->classesPanel()->nameEdit()->setText(typed);
        QTest::keyClick(w->classesPanel()->nameEdit(), Qt::Key_Return);
    }
    ASSERT_EQ(w->classes()->rowCount(), 2);
    const std::vector<ui::ClassEntry> before = w->classes()->entries();
    w->setBackend(f.backend);
    EXPECT_EQ(w->classes()->rowCount(), 2); // a list the person set is not filled
    ASSERT_TRUE(add->isEnabled());

    add->trigger();
    EXPECT_EQ(names(*w), (QStringList{QStringLiteral("crimson; Red"), QStringLiteral("sky"),
                                      QStringLiteral("background"), QStringLiteral("green"), QStringLiteral("blue")}));
    // The person's classes are untouched (same ids, names, colours).
    for (std::size_t i = 0; i < before.size(); ++i) {
        EXPECT_EQ(w->classes()->at(int(i)).id, before[i].id);
        EXPECT_EQ(w->classes()->at(int(i)).color, before[i].color);
    }
    QString said = w->statusBar()->currentMessage();
    EXPECT_TRUE(said.contains(QStringLiteral("Added 3 of the model's 4 classes (1 already in the list)")))
        << said.toStdString();
    for (const ui::ClassEntry& e : w->classes()->entries())
        EXPECT_FALSE(e.vector.empty()) << e.name.toStdString();

    // Again: nothing is missing any more.
    add->trigger();
    EXPECT_EQ(w->classes()->rowCount(), 5);
    said = w->statusBar()->currentMessage();
    EXPECT_TRUE(said.contains(QStringLiteral("All 4 of the model's classes are already in the list")))
        << said.toStdString();
}

TEST(ModelClasses, AProjectsOwnClassTableIsNeverOverwritten)
{
    FirstStart f;
    {
        auto p = zm::Project::openOrCreate(f.dir / "zeromask-project", f.dir.path());
        p->setClasses(zm::ClassTable::fromTyped({"sky", "grass"}));
    }
    const QStringList own{QStringLiteral("sky"), QStringLiteral("grass")};
    {
        // The app's order: the folder (and its project) first, then the model.
        auto w = f.start();
        w->openPaths({f.image()});
        EXPECT_EQ(names(*w), own);
        w->setBackend(f.backend);
        EXPECT_EQ(names(*w), own);
        QTest::qWait(400);
        EXPECT_EQ(f.onDisk(), own);
    }
    QSettings().clear(); // a first start again
    {
        // The model first (filled: no project yet), then the folder: the project's table wins, unchanged.
        auto w = f.start();
        w->setBackend(f.backend);
        ASSERT_EQ(names(*w), kModelOrder);
        w->openPaths({f.image()});
        EXPECT_EQ(names(*w), own);
        QTest::qWait(400);
        EXPECT_EQ(f.onDisk(), own);
    }
}
