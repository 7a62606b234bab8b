// zeromask-cli dataset / train / eval: the errors a person meets first, checked on the real binary.
#include "core/common/json.h"
#include "tests/core/embed/minwordnet.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

using zm::test::runCli;

TEST(CliDataset, PresetsListThePapersSplits)
{
    const auto r = runCli("dataset presets");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    for (const char* s : {"voc-spnet-15-5", "voc-zs3-10", "context-zs3-2", "cocostuff-15", "fashion-unseen-2",
                          "potted plant, sheep, sofa, train, tv monitor"})
        EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
}

TEST(CliDataset, MissingFashionMnistNamesThePackage)
{
    zm::test::TempDir dir;
    const auto r = runCli("dataset fashionscenes --fashion-mnist /nonexistent --out '" + (dir / "fs").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("dataset-fashion-mnist"), std::string::npos) << r.output;
}

TEST(CliTrain, MissingDataFolderAndBadSplitAreClearErrors)
{
    zm::test::TempDir dir;
    auto r = runCli("train --data /nonexistent/data --split fashion-unseen-2 --out '" + (dir / "m").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("/nonexistent/data"), std::string::npos) << r.output;

    r = runCli("train --data '" + dir.path().string() + "' --split no-such-split --out '" + (dir / "m").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.output;

    r = runCli("eval --model /nonexistent/model --data '" + dir.path().string() + "'");
    EXPECT_NE(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("/nonexistent/model"), std::string::npos) << r.output;
}

TEST(CliTrain, FromAndGenOptionsCheckTheirInput)
{
    zm::test::TempDir dir;
    // The data folder is checked first; use an empty one that exists to reach the --from check.
    auto r = runCli("train --data '" + dir.path().string() + "' --split fashion-unseen-2 --method zs3 --from /nonexistent/spnet --out '" +
                    (dir / "m").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("/nonexistent/spnet"), std::string::npos) << r.output;

    r = runCli("train --data '" + dir.path().string() + "' --split fashion-unseen-2 --method zs3 --gen no_such_key=1 --out '" +
               (dir / "m").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("no_such_key"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("generator_steps"), std::string::npos) << r.output; // the valid keys are listed

    r = runCli("train --data '" + dir.path().string() + "' --split fashion-unseen-2 --method zs3 --gen generator_steps=lots --out '" +
               (dir / "m").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("generator_steps"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "m" / "card.json"));
}

TEST(CliEval, NameScoresAClassWithTheVectorOfTypedText)
{
    zm::test::TempDir dir;
    const std::string data = (dir / "fs").string();
    auto r = runCli("dataset fashionscenes --out '" + data + "' --seed 3 --train 2 --test 2 --unlabelled 0 --size 96 --min-item-size 24 --max-item-size 48 --threads 1");
    if (r.exitCode != 0 && r.output.find("dataset-fashion-mnist") != std::string::npos)
        GTEST_SKIP() << "Fashion-MNIST not installed: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const std::string model = std::string(ZM_SOURCE_DIR) + "/models/fashion";
    const std::string base = "eval --model '" + model + "' --data '" + data + "' --split fashion-unseen-2 --json '" +
                             (dir / "e.json").string() + "'";
    r = runCli(base + " --name sandal=flip-flop --name 'pullover=sweater; jumper'");
    if (r.exitCode != 0 && r.output.find("no word vectors found") != std::string::npos)
        GTEST_SKIP() << "default vectors not built here: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("class sandal scored as typed 'flip-flop'"), std::string::npos) << r.output;
    const zm::Json j = zm::loadJsonFile(dir / "e.json");
    EXPECT_EQ(j["typedNames"]["pullover"], "sweater; jumper");
    EXPECT_EQ(j["wordSenses"], "auto");
    // With a WordNet that has flip-flop's four senses (written here, so the test does not depend on
    // wordnet-base), the sandal sense is read.
    zm::test::writeFlipFlopWordNet(dir / "wordnet");
    r = runCli(base + " --name sandal=flip-flop --senses on --wordnet '" + (dir / "wordnet").string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("--name sandal=flip-flop: flip-flop -> sense: flip-flop, thong (a backless sandal"), std::string::npos)
        << r.output;
    EXPECT_NE(zm::loadJsonFile(dir / "e.json")["wordSenseReadings"]["sandal"].get<std::string>().find("backless sandal"),
              std::string::npos);
    EXPECT_EQ(zm::loadJsonFile(dir / "e.json")["wordSenses"], "on");
    EXPECT_EQ(zm::loadJsonFile(dir / "e.json")["wordSensesActive"], true);
    // --senses off reads the word vector alone; a bad mode is refused.
    r = runCli(base + " --name sandal=flip-flop --senses off --wordnet '" + (dir / "wordnet").string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(r.output.find("-> sense:"), std::string::npos) << r.output;
    EXPECT_TRUE(zm::loadJsonFile(dir / "e.json")["wordSenseReadings"].empty());
    EXPECT_EQ(zm::loadJsonFile(dir / "e.json")["wordSensesActive"], false);
    r = runCli(base + " --name sandal=flip-flop --senses maybe");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("use auto, on or off"), std::string::npos) << r.output;
    r = runCli(base + " --name sandal=flip-flop --senses on --wordnet '" + (dir / "no-wordnet").string() + "'");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("no-wordnet"), std::string::npos) << r.output;
    // A class that is not evaluated, or a malformed pair, is refused with the reason.
    r = runCli(base + " --name cat=kitten");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("cat"), std::string::npos) << r.output;
    r = runCli(base + " --name sandal");
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("CLASS=TEXT"), std::string::npos) << r.output;
}

TEST(CliSenses, FlipFlopIsReadAsTheSandalWithTheDefaultModel)
{
    const std::string model = std::string(ZM_SOURCE_DIR) + "/models/fashion";
    const auto r = runCli("senses --all --model '" + model + "' flip-flop sandal sweater");
    if (r.exitCode != 0 && r.output.find("no word vectors found") != std::string::npos)
        GTEST_SKIP() << "default vectors not built here: " << r.output;
    if (r.exitCode != 0 && r.output.find("wordnet-base") != std::string::npos)
        GTEST_SKIP() << "WordNet not installed here: " << r.output;
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("sense: flip-flop, thong (a backless sandal"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("kept: one sense in WordNet"), std::string::npos) << r.output; // sandal
    EXPECT_NE(r.output.find("a person who perspires"), std::string::npos) << r.output;   // --all lists sweater's senses
    // The sandal sense brings "flip-flop" near the model's unseen class "sandal".
    const auto at = r.output.find("cosine to sandal (unseen): ");
    ASSERT_NE(at, std::string::npos) << r.output;
    const std::string line = r.output.substr(at, r.output.find('\n', at) - at);
    const float before = std::stof(line.substr(line.find(": ") + 2)), after = std::stof(line.substr(line.find("-> ") + 3));
    EXPECT_LT(before, 0.3f) << line;
    EXPECT_GT(after, 0.6f) << line;
}
