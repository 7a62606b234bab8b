// ClassListModel: stable ids, distinct colours, the scorable ClassSet and its id mapping, warnings for
// nearly identical vectors, JSON round trip.
#include "ui/model/classlistmodel.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <gtest/gtest.h>

using namespace zm;

TEST(ClassListModel, IdsAreStableAndColoursDistinct)
{
    ui::ClassListModel m;
    const auto a = m.addClass(QStringLiteral("cat"), {1, 0, 0});
    const auto b = m.addClass(QStringLiteral("dog"), {0, 1, 0});
    const auto c = m.addClass(QStringLiteral("car"), {0, 0, 1});
    EXPECT_NE(m.find(a)->color, m.find(b)->color);
    EXPECT_NE(m.find(b)->color, m.find(c)->color);
    m.removeClass(b);
    EXPECT_EQ(m.rowCount(), 2);
    EXPECT_EQ(m.find(c)->name, QStringLiteral("car"));
    const auto d = m.addClass(QStringLiteral("bus"), {1, 1, 0});
    EXPECT_NE(d, b); // a deleted id is not reused: old label maps keep meaning what they meant
    EXPECT_EQ(m.rowOf(d), 2);
}

TEST(ClassListModel, ClassSetSkipsClassesWithoutVectorsAndMapsIds)
{
    ui::ClassListModel m;
    const auto a = m.addClass(QStringLiteral("cat"), {1, 0});
    m.addClass(QStringLiteral("zzz"), {}, QStringLiteral("not in the vocabulary"));
    const auto c = m.addClass(QStringLiteral("car"), {0, 1});
    m.setBias(c, 0.25f);
    std::vector<std::uint16_t> ids;
    const ClassSet set = m.classSet(&ids);
    ASSERT_EQ(set.size(), 2);
    EXPECT_EQ(ids, (std::vector<std::uint16_t>{a, c}));
    EXPECT_EQ(set.classes[1].name, "car");
    EXPECT_FLOAT_EQ(set.classes[1].bias, 0.25f);
    EXPECT_EQ(set.dim(), 2);
}

TEST(ClassListModel, ScoringAndAppearanceSignalsAreSeparate)
{
    ui::ClassListModel m;
    const auto a = m.addClass(QStringLiteral("cat"), {1, 0});
    QSignalSpy scoring(&m, &ui::ClassListModel::scoringChanged);
    QSignalSpy appearance(&m, &ui::ClassListModel::appearanceChanged);
    m.setColor(a, QColor(1, 2, 3));
    m.setVisible(a, false);
    EXPECT_EQ(scoring.count(), 0); // colour and visibility never re-score
    EXPECT_EQ(appearance.count(), 2);
    m.setBias(a, 0.1f);
    m.rename(a, QStringLiteral("kitten"), {0.9f, 0.1f});
    EXPECT_EQ(scoring.count(), 2);
}

TEST(ClassListModel, WarnsWhenTwoClassesNearlyCoincide)
{
    ui::ClassListModel m;
    m.addClass(QStringLiteral("car"), {1, 0, 0});
    m.addClass(QStringLiteral("tree"), {0, 1, 0});
    EXPECT_TRUE(m.index(0).data(ui::ClassListModel::WarningRole).toString().isEmpty());
    m.addClass(QStringLiteral("automobile"), {0.999f, 0.02f, 0});
    EXPECT_TRUE(m.index(0).data(ui::ClassListModel::WarningRole).toString().contains(QStringLiteral("automobile")));
    EXPECT_TRUE(m.index(2).data(ui::ClassListModel::WarningRole).toString().contains(QStringLiteral("car")));
    EXPECT_TRUE(m.index(1).data(ui::ClassListModel::WarningRole).toString().isEmpty());
}

TEST(ClassListModel, VisibilityThroughCheckState)
{
    ui::ClassListModel m;
    const auto a = m.addClass(QStringLiteral("cat"), {1, 0});
    EXPECT_TRUE(m.setData(m.index(0), Qt::Unchecked, Qt::CheckStateRole));
    EXPECT_FALSE(m.find(a)->visible);
    EXPECT_EQ(m.index(0).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
}

TEST(ClassListModel, JsonRoundTripReEmbeds)
{
    ui::ClassListModel m;
    m.addClass(QStringLiteral("cat"), {1, 0});
    const auto b = m.addClass(QStringLiteral("car; automobile"), {0, 1});
    m.setColor(b, QColor(10, 20, 30));
    m.setBias(b, -0.2f);
    m.setVisible(b, false);
    const QJsonArray json = m.toJson();

    ui::ClassListModel n;
    QStringList embedded;
    n.fromJson(json, [&](const QString& name, QString*) {
        embedded << name;
        return std::vector<float>{0.5f, 0.5f};
    });
    ASSERT_EQ(n.rowCount(), 2);
    EXPECT_EQ(embedded, (QStringList{QStringLiteral("cat"), QStringLiteral("car; automobile")}));
    const ui::ClassEntry* e = n.find(b);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->color, QColor(10, 20, 30));
    EXPECT_FLOAT_EQ(e->bias, -0.2f);
    EXPECT_FALSE(e->visible);
    // New classes continue after the restored ids.
    EXPECT_GT(n.addClass(QStringLiteral("bus"), {1, 1}), b);
}
