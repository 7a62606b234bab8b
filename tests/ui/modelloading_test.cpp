// Model and vectors that cannot be used are explained, never crashed on: missing folders, garbage
// files, and a card whose vector space differs from the chosen vectors.
#include "tests/ui/support/uitest.h"
#include "ui/app/mainwindow.h"
#include "ui/app/modeldialog.h"
#include "ui/app/modelloader.h"
#include "ui/engine/segmentationcontroller.h"
#include "ui/engine/segmenterbackend.h"

#include "core/embed/embedder.h"
#include "core/engine/modelcard.h"
#include "core/engine/tfjsconvert.h"
#include "tests/core/engine/tfjsfixture.h"

#include <QAction>
#include <QLabel>
#include <QSignalSpy>
#include <fstream>
#include <gtest/gtest.h>

using namespace zm;

TEST(ModelLoading, MissingModelAndBadVectorsAreExplained)
{
    test::isolateSettings();
    test::TempDir dir;
    ui::MainWindow w(nullptr, false);
    const QString missing = QString::fromStdString((dir / "no-such-model").string());
    // Read in a worker: the window answers at once and explains when the load is done.
    w.loadModel(missing);
    ASSERT_TRUE(test::waitFor([&] { return !w.modelLoader()->isLoading(); }));
    EXPECT_TRUE(w.modelProblem().contains(QStringLiteral("no-such-model"))) << w.modelProblem().toStdString();
    {
        std::ofstream(dir / "vectors.bin") << "this is not a fastText model";
    }
    const QString garbage = QString::fromStdString((dir / "vectors.bin").string());
    w.loadVectors(garbage);
    ASSERT_TRUE(test::waitFor([&] { return !w.modelLoader()->isLoading(); }));
    EXPECT_TRUE(w.vectorsProblem().contains(QStringLiteral("vectors.bin"))) << w.vectorsProblem().toStdString();
    // The panel tells the person, the app keeps working without a model.
    auto* notice = w.findChild<QLabel*>(QStringLiteral("ClassesNotice"));
    ASSERT_NE(notice, nullptr);
    EXPECT_TRUE(notice->text().contains(QStringLiteral("no-such-model")));
    EXPECT_EQ(w.controller()->backend(), nullptr);
}

TEST(ModelLoading, VectorSpaceMismatchIsReportedAndNotScored)
{
    test::isolateSettings();
    test::TempDir dir; // outlives the window, which saves the project's label map when it closes
    auto backend = std::make_shared<test::FakeBackend>();
    // An embedder of the same dimension but another space: scoring would be meaningless.
    class OtherSpace : public test::FakeEmbedder {
    public:
        const VectorSpaceId& spaceId() const override { return mOther; }
        VectorSpaceId mOther{"other-space", 3, "fedcba9876543210"};
    };
    ui::MainWindow w(nullptr, false);
    w.setBackend(backend);
    w.setEmbedder(std::make_shared<OtherSpace>());
    EXPECT_TRUE(w.controller()->mismatch().contains(QStringLiteral("other-space")));
    auto* notice = w.findChild<QLabel*>(QStringLiteral("ClassesNotice"));
    EXPECT_TRUE(notice->text().contains(QStringLiteral("other-space")));
    saveImage(dir / "a.png", test::threeColourImage(8, 8));
    w.openPaths({QString::fromStdString((dir / "a.png").string())});
    w.controller()->addClass(QStringLiteral("red"));
    ASSERT_TRUE(test::waitFor([&] { return backend->encodeCount == 1; }));
    QTest::qWait(100);
    EXPECT_EQ(backend->scoreCount, 0);
}

TEST(ModelDialog, DescribesCardAndExplainsMismatch)
{
    test::TempDir dir;
    ModelCard card;
    card.name = "tiny test model";
    card.vectorSpace = VectorSpaceId{"zeromask-en-glove6b-100d", 100, std::string(64, 'a')};
    card.seenClasses = {"cat", "dog"};
    card.gamma = 0.25f;
    card.architecture = Json::parse(R"({"backbone": {"kind": "small"}})");
    std::filesystem::create_directories(dir / "model");
    card.save(dir / "model" / "card.json");
    {
        std::ofstream(dir / "other.bin") << "some other vectors";
    }
    const QString text = ui::ModelDialog::describe(QString::fromStdString((dir / "model").string()),
                                                   QString::fromStdString((dir / "other.bin").string()));
    EXPECT_TRUE(text.contains(QStringLiteral("tiny test model"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("Seen classes: 2")));
    EXPECT_TRUE(text.contains(QStringLiteral("Mismatch"))) << text.toStdString();
    const QString none = ui::ModelDialog::describe(QString(), QString());
    EXPECT_TRUE(none.contains(QStringLiteral("No model chosen")));
    EXPECT_TRUE(none.contains(QStringLiteral("No vectors chosen")));
}

TEST(ModelLoading, RequestsWhileLoadingCollapseIntoTheNewest)
{
    test::TempDir dir;
    ui::ModelLoader loader;
    QStringList failures;
    int finished = 0;
    QObject::connect(&loader, &ui::ModelLoader::modelFailed, [&](const QString& m) { failures << m; });
    QObject::connect(&loader, &ui::ModelLoader::vectorsFailed, [&](const QString& m) { failures << m; });
    QObject::connect(&loader, &ui::ModelLoader::finished, [&] { ++finished; });
    auto path = [&](const char* name) { return QString::fromStdString((dir / name).string()); };
    loader.load(path("first-model"), true, {}, false);
    EXPECT_TRUE(loader.isLoading());
    loader.load(path("second-model"), true, {}, false); // replaced by the third before it starts
    loader.load(path("third-model"), true, {}, false);
    loader.load({}, false, path("some-vectors"), true); // joins the waiting request
    ASSERT_TRUE(test::waitFor([&] { return !loader.isLoading(); }));
    EXPECT_EQ(finished, 1);
    ASSERT_EQ(failures.size(), 3) << failures.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(failures[0].contains(QStringLiteral("first-model")));
    EXPECT_TRUE(failures[1].contains(QStringLiteral("some-vectors"))); // vectors before the model
    EXPECT_TRUE(failures[2].contains(QStringLiteral("third-model")));
    // An empty path is "none found", explained.
    loader.load({}, true, {}, false);
    ASSERT_TRUE(test::waitFor([&] { return !loader.isLoading(); }));
    EXPECT_EQ(failures.last(), ui::ModelLoader::noModelMessage());
}

TEST(ModelLoading, MoreExactMasksReloadTheModelWithSixViews)
{
    // The shipped default model (committed in models/default): the action must reload it with test-time
    // augmentation. The fake vectors are of another space; the model loads all the same (not scored).
    test::MainWindowHarness f;
    const std::filesystem::path modelDir = std::filesystem::path(ZM_SOURCE_DIR) / "models" / "default";
    ASSERT_TRUE(std::filesystem::exists(modelDir / "card.json"));
    auto* action = f.w->findChild<QAction*>(QStringLiteral("TestTimeAugmentationAction"));
    ASSERT_NE(action, nullptr);
    EXPECT_FALSE(action->isChecked()) << "off by default: six encodes per image";
    auto* loader = f.w->findChild<ui::ModelLoader*>();
    ASSERT_NE(loader, nullptr);
    QSignalSpy loaded(loader, &ui::ModelLoader::modelLoaded);
    f.w->loadModel(QString::fromStdString(modelDir.string()));
    ASSERT_TRUE(loaded.wait(20000));
    ASSERT_TRUE(test::waitFor([&] { return f.w->controller()->backend() != f.backend; }));
    EXPECT_EQ(f.w->controller()->backend()->views(), 1);

    action->setChecked(true);
    ASSERT_TRUE(loaded.wait(20000)) << "switching reloads the model";
    ASSERT_TRUE(test::waitFor([&] { return f.w->controller()->backend()->views() == 6; }));
    EXPECT_TRUE(QSettings().value(QStringLiteral("model/testTimeAugmentation")).toBool()) << "remembered";
    const Image img = test::threeColourImage(40, 30);
    EXPECT_NE(f.w->controller()->backend()->encode(img, nullptr), nullptr);

    action->setChecked(false);
    ASSERT_TRUE(loaded.wait(20000));
    EXPECT_TRUE(test::waitFor([&] { return f.w->controller()->backend()->views() == 1; }));
}

namespace {

/// A tiny TF.js graph with a classifier head, converted per cell into `dir`/cls.pt with three labels in the
/// default vectors' vocabulary beside it (cls.labels.json): what fetch-backbones writes for EfficientNet.
std::filesystem::path writeTinyConseClassifier(const std::filesystem::path& dir)
{
    test::TfjsGraphBuilder g;
    test::buildTinyCenterNet(g);
    test::addClassifierHead(g, "features_id", 24, 3);
    g.writeGraph(dir / "g");
    TfjsConvertOptions o;
    o.until = "logits";
    o.perCell = true;
    convertTfjsToTorchScript(dir / "g" / "centernet.json", o, dir / "cls.pt");
    std::ofstream(dir / "cls.labels.json") << R"(["tabby cat", "golden retriever", "studio couch"])";
    return dir / "cls.pt";
}

} // namespace

TEST(ModelLoading, ConseLoadsWithTheVectorsOrTheModelLoadsWithoutIt)
{
    test::isolateSettings();
    test::TempDir dir;
    const std::filesystem::path modelDir = std::filesystem::path(ZM_SOURCE_DIR) / "models" / "default";
    const std::filesystem::path vectors = defaultVectorsPath();
    if (vectors.empty() || !std::filesystem::exists(vectors))
        GTEST_SKIP() << "the default vectors are not built here (scripts/build-default-vectors.sh)";
    const QString cls = QString::fromStdString(writeTinyConseClassifier(dir.path()).string());
    const QString model = QString::fromStdString(modelDir.string());
    ui::ModelLoader loader;
    std::vector<std::shared_ptr<const ui::Backend>> loaded;
    QObject::connect(&loader, &ui::ModelLoader::modelLoaded, &loader,
                     [&](std::shared_ptr<const ui::Backend> b, const QString&) { loaded.push_back(std::move(b)); });
    QSignalSpy unavailable(&loader, &ui::ModelLoader::conseUnavailable);
    QSignalSpy failed(&loader, &ui::ModelLoader::modelFailed);

    // No vectors loaded yet, none asked for: the model loads without ConSE, and says why.
    loader.setConseClassifier(cls);
    loader.load(model, true, {}, false);
    ASSERT_TRUE(test::waitFor([&] { return !loader.isLoading(); }, 60000));
    ASSERT_EQ(loaded.size(), 1u) << (failed.isEmpty() ? "" : failed.last().at(0).toString().toStdString());
    EXPECT_FALSE(loaded.back()->conse());
    ASSERT_EQ(unavailable.count(), 1);
    EXPECT_TRUE(unavailable.last().at(0).toString().contains(QStringLiteral("needs word vectors")));

    // With the vectors (in the same request): ConSE is on, and encodes and scores an image.
    loader.load(model, true, QString::fromStdString(vectors.string()), true);
    ASSERT_TRUE(test::waitFor([&] { return !loader.isLoading(); }, 60000));
    ASSERT_EQ(loaded.size(), 2u);
    const auto backend = loaded.back();
    EXPECT_TRUE(backend->conse()) << (unavailable.count() > 1 ? unavailable.last().at(0).toString().toStdString() : std::string());
    EXPECT_EQ(unavailable.count(), 1);
    const auto enc = backend->encode(test::threeColourImage(40, 30), nullptr);
    ASSERT_NE(enc, nullptr);

    // A classifier that is gone: the model still loads (the vectors loaded last are kept), without ConSE.
    loader.setConseClassifier(QString::fromStdString((dir / "gone.pt").string()));
    loader.load(model, true, {}, false);
    ASSERT_TRUE(test::waitFor([&] { return !loader.isLoading(); }, 60000));
    ASSERT_EQ(loaded.size(), 3u);
    EXPECT_FALSE(loaded.back()->conse());
    ASSERT_EQ(unavailable.count(), 2);
    EXPECT_TRUE(unavailable.last().at(0).toString().contains(QStringLiteral("gone.pt"))) << unavailable.last().at(0).toString().toStdString();
    EXPECT_EQ(failed.count(), 0);
}

TEST(ModelLoading, ConseActionNeedsTheFetchedClassifier)
{
    test::MainWindowHarness f;
    auto* action = f.w->findChild<QAction*>(QStringLiteral("ConseAction"));
    ASSERT_NE(action, nullptr);
    const bool there = std::filesystem::exists(ui::defaultConseClassifier());
    EXPECT_EQ(action->isEnabled(), there);
    EXPECT_FALSE(action->isChecked()) << "off by default";
    if (!there)
        EXPECT_TRUE(action->toolTip().contains(QStringLiteral("ZEROMASK_EFFICIENTNET=1")));
}
