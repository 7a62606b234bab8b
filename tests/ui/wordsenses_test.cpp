// Word senses in the GUI: with a model trained on "green" and "red" and a WordNet (written by the test)
// where "lime" is a white powder or a green fruit, the class typed "lime" takes the fruit's sense (its
// word vector points at the sky); Model > Read names by their word sense turns this off and on, the
// class tooltip says how the name was read, and the choice is remembered.
#include "ui/engine/segmentationcontroller.h"
#include "ui/model/classlistmodel.h"
#include "tests/core/embed/minwordnet.h"
#include "tests/support/helpers.h"
#include "tests/ui/support/uitest.h"

#include <gtest/gtest.h>

#include <QAction>
#include <QSettings>

#include <cstdlib>

using namespace zm;
using namespace zm::ui;

namespace {

float cosine(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == 3 && b.size() == 3 ? a[0] * b[0] + a[1] * b[1] + a[2] * b[2] : -2.0f;
}

/// Points ZEROMASK_WORDNET at a database with two senses of "lime"; restores the variable afterwards.
struct LimeWordNet {
    test::TempDir dir;
    test::ScopedEnv env{"ZEROMASK_WORDNET", (dir / "wn").string()};
    LimeWordNet()
    {
        test::writeMiniWordNet(dir / "wn",
                               {{"oxide", {"calcium_oxide", "lime"}, {}, "a white powder"},
                                {"fruit", {"lime"}, {}, "the green fruit of a tree"}},
                               {{"lime", {"oxide", "fruit"}}});
    }
};

const std::vector<float> kSky{0.05f, 0.05f, 1.0f};

} // namespace

TEST(WordSenses, ControllerReadsAnAmbiguousNameWithTheModelsSense)
{
    test::isolateSettings();
    LimeWordNet wordnet;
    auto embedder = std::make_shared<test::FakeEmbedder>();
    embedder->addWord("lime", kSky); // the word's vector: nowhere near the model's classes
    auto backend = std::make_shared<test::FakeBackend>();
    backend->trained = {embedder->embed("green"), embedder->embed("red")};

    ClassListModel classes;
    SegmentationController c(&classes);
    c.setEmbedder(embedder);
    EXPECT_FALSE(c.wordSensesActive()); // no model yet: nothing to choose a sense by
    c.setBackend(backend);
    EXPECT_TRUE(c.wordSensesActive());
    const std::uint16_t lime = c.addClass(QStringLiteral("lime"));
    const std::uint16_t red = c.addClass(QStringLiteral("red"));
    EXPECT_GT(cosine(classes.find(lime)->vector, embedder->embed("green")), 0.99f);
    EXPECT_EQ(classes.find(red)->vector, embedder->embed("red")); // a name the model knows is unchanged
    // The tooltip says which sense was read.
    ASSERT_TRUE(test::waitFor([&] { return !classes.find(lime)->sense.isEmpty(); }));
    EXPECT_TRUE(classes.find(lime)->sense.contains(QStringLiteral("green fruit")));
    const QString tip = classes.data(classes.index(0), Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(QStringLiteral("Read as: lime = lime (the green fruit of a tree; WordNet)"))) << tip.toStdString();

    // Off: every class is re-embedded with its word vector; on again: the sense is back.
    c.setWordSenses(false);
    EXPECT_FALSE(c.wordSensesActive());
    EXPECT_GT(cosine(classes.find(lime)->vector, embedder->embed("lime")), 0.999f);
    EXPECT_TRUE(classes.find(lime)->sense.isEmpty());
    c.setWordSenses(true);
    EXPECT_GT(cosine(classes.find(lime)->vector, embedder->embed("green")), 0.99f);

    // A model trained on other classes reads the name again (here: no sense is near "blue" and "sky",
    // so the word's vector is kept).
    auto other = std::make_shared<test::FakeBackend>();
    other->trained = {embedder->embed("blue")};
    c.setBackend(other);
    EXPECT_GT(cosine(classes.find(lime)->vector, embedder->embed("lime")), 0.999f);
}

TEST(WordSenses, ModelMenuActionTogglesSensesAndIsRemembered)
{
    LimeWordNet wordnet;
    test::MainWindowHarness f;
    f.embedder->addWord("lime", kSky);
    f.backend->trained = {f.embedder->embed("green"), f.embedder->embed("red")};
    f.w->setBackend(f.backend); // the harness set a backend without trained classes
    auto* action = f.w->findChild<QAction*>(QStringLiteral("WordSensesAction"));
    ASSERT_NE(action, nullptr);
    EXPECT_TRUE(action->isChecked()); // on by default
    f.typeClass(QStringLiteral("lime"));
    ClassListModel* classes = f.w->classes();
    ASSERT_EQ(classes->rowCount(), 1);
    const std::uint16_t lime = classes->entries()[0].id;
    EXPECT_GT(cosine(classes->find(lime)->vector, f.embedder->embed("green")), 0.99f);
    action->setChecked(false);
    EXPECT_GT(cosine(classes->find(lime)->vector, kSky), 0.99f);
    EXPECT_FALSE(QSettings().value(QStringLiteral("names/wordSenses"), true).toBool());
    action->setChecked(true);
    EXPECT_GT(cosine(classes->find(lime)->vector, f.embedder->embed("green")), 0.99f);
    EXPECT_TRUE(QSettings().value(QStringLiteral("names/wordSenses"), false).toBool());
}
