// Charts: pixel shares and the score histogram follow the document; training logs parse or say why not.
#include "ui/document/imagedocument.h"
#include "ui/model/classlistmodel.h"
#include "ui/panels/chartspanel.h"
#include "tests/support/testdir.h"

#include <QFile>
#include <QTest>
#include <gtest/gtest.h>

using namespace zm;

TEST(ChartsPanel, PixelSharesAndHistogram)
{
    ui::ClassListModel classes;
    const auto cat = classes.addClass(QStringLiteral("cat"), {1, 0});
    ui::ImageDocument doc(QStringLiteral("x.png"));
    doc.setImage(Image(10, 10, 3));
    LabelMap pred(10, 10, cat);
    std::vector<float> conf(100, 0.95f);
    for (int i = 0; i < 25; ++i) {
        pred.ids[std::size_t(i)] = LabelMap::kVoid;
        conf[std::size_t(i)] = 0.12f;
    }
    doc.setPrediction(pred, conf);
    ui::ChartsPanel panel(&classes);
    panel.setDocument(&doc);
    panel.refresh();
    EXPECT_NEAR(panel.pixelShares().value(QStringLiteral("cat")), 0.75, 1e-9);
    EXPECT_NEAR(panel.pixelShares().value(QStringLiteral("void")), 0.25, 1e-9);
    ASSERT_EQ(panel.scoreHistogram().size(), 20u);
    EXPECT_EQ(panel.scoreHistogram()[2], 25); // 0.12 -> bin [0.10, 0.15)
    EXPECT_EQ(panel.scoreHistogram()[19], 75);
}

TEST(ChartsPanel, TrainingLogCurves)
{
    test::TempDir dir;
    const auto path = dir / "log.jsonl";
    {
        QFile f(QString::fromStdString(path.string()));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("{\"iteration\": 10, \"loss\": 2.0, \"lr\": 0.01}\n"
                "{\"iteration\": 20, \"loss\": 1.5}\n"
                "\n"
                "{\"iteration\": 20, \"eval\": true, \"miou_seen\": 0.4, \"hiou\": 0.2}\n");
    }
    ui::ClassListModel classes;
    ui::ChartsPanel panel(&classes);
    QString error;
    ASSERT_TRUE(panel.loadTrainingLog(QString::fromStdString(path.string()), &error)) << error.toStdString();
    ASSERT_EQ(panel.trainingLog().losses.value(QStringLiteral("loss")).size(), 2);
    EXPECT_EQ(panel.trainingLog().losses.value(QStringLiteral("loss"))[1], QPointF(20, 1.5));
    EXPECT_EQ(panel.trainingLog().metrics.value(QStringLiteral("miou_seen")).size(), 1);
    EXPECT_FALSE(panel.trainingLog().losses.contains(QStringLiteral("lr")));
}

TEST(ChartsPanel, BadTrainingLogIsExplained)
{
    test::TempDir dir;
    const auto path = dir / "bad.jsonl";
    {
        QFile f(QString::fromStdString(path.string()));
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write("{\"iteration\": 1, \"loss\": 1}\nnot json\n");
    }
    ui::ClassListModel classes;
    ui::ChartsPanel panel(&classes);
    QString error;
    EXPECT_FALSE(panel.loadTrainingLog(QString::fromStdString(path.string()), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("line 2"))) << error.toStdString();
    EXPECT_FALSE(panel.loadTrainingLog(QString::fromStdString((dir / "missing.jsonl").string()), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("missing.jsonl")));
}

TEST(ChartsPanel, CatchesUpWhenShown)
{
    ui::ClassListModel classes;
    const auto cat = classes.addClass(QStringLiteral("cat"), {1, 0});
    ui::ImageDocument doc(QStringLiteral("x.png"));
    doc.setImage(Image(4, 4, 3));
    doc.setPrediction(LabelMap(4, 4, cat), std::vector<float>(16, 0.9f));
    ui::ChartsPanel panel(&classes);
    panel.setDocument(&doc); // hidden: nothing computed yet
    EXPECT_TRUE(panel.pixelShares().isEmpty());
    panel.show();
    EXPECT_TRUE(QTest::qWaitFor([&] { return panel.pixelShares().value(QStringLiteral("cat")) == 1.0; }, 5000));
}
